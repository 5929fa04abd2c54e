import type { FastifyPluginAsync } from 'fastify';

/** Liveness and readiness; no key needed. */
export const healthRoutes: FastifyPluginAsync = async (app) => {
  app.get('/health', { schema: { tags: ['health'], summary: 'Liveness: the process is up' } }, async () => ({ status: 'ok' }));

  app.get('/ready', { schema: { tags: ['health'], summary: 'Readiness: the store answers, its migrations are current, the scheduler (and other workers) run' } }, async (_request, reply) => {
    const checks: Record<string, { ok: boolean; detail?: string }> = {};
    try {
      await app.ctx.store.ping();
      const m = await app.ctx.store.migrationStatus();
      checks.store = { ok: true, detail: app.ctx.store.backend };
      checks.migrations = m.pending.length === 0 ? { ok: true } : { ok: false, detail: `pending: ${m.pending.join(', ')}` };
    } catch (e) {
      checks.store = { ok: false, detail: (e as Error).message.slice(0, 200) };
    }
    Object.assign(checks, await app.ctx.readiness.run());
    const ok = Object.values(checks).every((c) => c.ok);
    return reply.status(ok ? 200 : 503).send({ status: ok ? 'ready' : 'not_ready', checks });
  });
};
