import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';

/** Where `vite build web` puts the dashboard (the same from src/ and from dist/). */
export const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../../../web/dist/', import.meta.url));

/**
 * The dashboard's Content-Security-Policy: everything comes from this origin (the bundle is
 * self-contained: no CDN, no web fonts); no inline scripts or styles, no framing.
 */
export const DASHBOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Paths that belong to the service, never to the dashboard's client-side routes. */
const SERVICE_PATHS = /^\/(api|docs|metrics|health|ready)(\/|$)/;

export interface DashboardOptions {
  /** the built dashboard (default: web/dist of this package) */
  root?: string;
}

function secure(reply: FastifyReply): FastifyReply {
  return reply
    .header('content-security-policy', DASHBOARD_CSP)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('x-frame-options', 'DENY');
}

/**
 * Serves the dashboard at `/`: the hashed assets of web/dist (cached for a year), and index.html
 * for every other GET that is not the service's own (client-side routes such as /models/x
 * survive a reload). Without a build it answers a short note instead of failing the server.
 */
export const dashboardRoutes: FastifyPluginAsync<DashboardOptions> = async (app, options) => {
  const root = options.root ?? DEFAULT_WEB_ROOT;
  const built = existsSync(join(root, 'index.html'));
  app.addHook('onSend', async (_request, reply, payload) => {
    secure(reply);
    return payload;
  });

  if (!built) {
    app.get('/', { schema: { hide: true } }, async (_request, reply) =>
      reply.status(503).type('text/plain; charset=utf-8').send('The dashboard is not built. Run `npm run build` (it builds web/ into web/dist/).\n'),
    );
    return;
  }

  await app.register(fastifyStatic, {
    root,
    prefix: '/',
    wildcard: false,
    index: false,
    schemaHide: true,
    setHeaders: (res, path) => {
      res.header('cache-control', path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });

  const page = (reply: FastifyReply) => reply.header('cache-control', 'no-cache').sendFile('index.html');
  app.get('/', { schema: { hide: true } }, async (_request, reply) => page(reply));
  app.get('/*', { schema: { hide: true } }, async (request, reply) => {
    const path = request.url.split('?')[0];
    // a missing asset (a stale tab asking for an old hash) stays a 404, as do unknown API paths
    if (SERVICE_PATHS.test(path) || /\.[A-Za-z0-9]{1,8}$/.test(path)) return reply.callNotFound();
    return page(reply);
  });
};
