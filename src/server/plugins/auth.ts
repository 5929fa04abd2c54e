import type { FastifyInstance } from 'fastify';
import { AppError } from '../../errors/catalog.js';
import { allows } from '../auth/api-keys.js';

/** Every /api route needs a bearer key with the route's scope. */
export function registerAuth(app: FastifyInstance): void {
  app.addHook('onRequest', async (request) => {
    // decide on the matched route, not the raw URL: `/%61pi/v1/models` reaches the same route
    // as `/api/v1/models` but does not start with "/api/"
    const route = request.routeOptions.url;
    if (route === undefined || !route.startsWith('/api/')) return;
    const configured = request.routeOptions.config?.scope;
    if (configured === 'public') return;
    const need = configured ?? (request.method === 'GET' || request.method === 'HEAD' ? 'read' : 'admin');
    const header = request.headers.authorization;
    const token = header === undefined ? undefined : /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header)?.[1]; // the scheme is case-insensitive (RFC 9110)
    if (!token) throw new AppError('unauthorized');
    const key = await app.ctx.keys.verify(token);
    if (!key) throw new AppError('unauthorized', 'the API key is unknown or revoked');
    if (!allows(key.scopes, need)) throw new AppError('forbidden', `this route needs the "${need}" scope`);
    request.apiKey = key;
  });
}
