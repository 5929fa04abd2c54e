import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../../errors/catalog.js';
import type { Metrics } from '../../observability/metrics.js';

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * HTTP metrics for every answered request (route pattern, method, status, duration) and
 * `GET /metrics` in the Prometheus text format, behind `Authorization: Bearer <metrics.token>`
 * when a token is configured. Nothing is registered when metrics are disabled.
 */
export function registerMetrics(app: FastifyInstance, metrics: Metrics, token: string | undefined): void {
  if (!metrics.enabled) return;
  app.addHook('onResponse', (request, reply, done) => {
    metrics.http.observe(request.routeOptions.url, request.method, reply.statusCode, reply.elapsedTime / 1000);
    done();
  });
  const expected = token === undefined ? undefined : digest(token);
  app.get(
    '/metrics',
    {
      // scrapes every few seconds would drown the request log
      logLevel: 'warn',
      schema: { tags: ['health'], summary: 'Prometheus metrics (text format); `Authorization: Bearer <metrics.token>` when one is configured' },
    },
    async (request, reply) => {
      if (expected) {
        const given = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(request.headers.authorization ?? '')?.[1];
        if (!given || !timingSafeEqual(digest(given), expected)) throw new AppError('unauthorized', 'the metrics endpoint needs Authorization: Bearer <metrics token>');
      }
      const text = await metrics.render();
      return reply.header('content-type', metrics.contentType).header('cache-control', 'no-store').send(text);
    },
  );
}
