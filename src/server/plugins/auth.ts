import type { FastifyInstance } from 'fastify';
import { AppError } from '../../errors/catalog.js';
import { allows } from '../auth/api-keys.js';

/** Every /api route needs a bearer key with the route's scope. */
export function registerAuth(app: FastifyInstance): void {
  app.addHook('onRequest', async (request) => {
    if (!request.url.startsWith('/api/')) return;
    const configured = request.routeOptions.config?.scope;
    if (configured === 'public') return;
    const need = configured ?? (request.method === 'GET' || request.method === 'HEAD' ? 'read' : 'admin');
    const header = request.headers.authorization;
    const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
    if (!token) throw new AppError('unauthorized');
    const key = await app.ctx.keys.verify(token);
    if (!key) throw new AppError('unauthorized', 'the API key is unknown or revoked');
    if (!allows(key.scopes, need)) throw new AppError('forbidden', `this route needs the "${need}" scope`);
    request.apiKey = key;
  });
}
