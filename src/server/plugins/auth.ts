import type { FastifyInstance } from 'fastify';
import { AppError } from '../../errors/catalog.js';
import { allows } from '../auth/api-keys.js';
import type { ApiKeyRecord } from '../../store/store.js';

/** Every /api route needs a bearer key with the route's scope. */
export function registerAuth(app: FastifyInstance): void {
  // callback-style, answered at once when the key was verified recently (the ingest hot path)
  app.addHook('onRequest', (request, _reply, done) => {
    // decide on the matched route, not the raw URL: `/%61pi/v1/models` reaches the same route
    // as `/api/v1/models` but does not start with "/api/"
    const route = request.routeOptions.url;
    if (route === undefined || !route.startsWith('/api/')) return done();
    const configured = request.routeOptions.config?.scope;
    if (configured === 'public') return done();
    const need = configured ?? (request.method === 'GET' || request.method === 'HEAD' ? 'read' : 'admin');
    const header = request.headers.authorization;
    const token = header === undefined ? undefined : /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header)?.[1]; // the scheme is case-insensitive (RFC 9110)
    if (!token) return done(new AppError('unauthorized'));
    const admit = (key: ApiKeyRecord | null): AppError | undefined => {
      if (!key) return new AppError('unauthorized', 'the API key is unknown or revoked');
      if (!allows(key.scopes, need)) return new AppError('forbidden', `this route needs the "${need}" scope`);
      request.apiKey = key;
      return undefined;
    };
    const cached = app.ctx.keys.cached(token);
    if (cached) return done(admit(cached));
    app.ctx.keys.verify(token).then((key) => done(admit(key)), done);
  });
}
