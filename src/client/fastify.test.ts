import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { fastifyPlugin } from './fastify.js';
import type { PredictionInput } from './types.js';

const logged: PredictionInput[] = [];
const sink = { log: (p: PredictionInput) => logged.push(p) };
const apps: ReturnType<typeof Fastify>[] = [];
afterEach(async () => {
  logged.length = 0;
  for (const a of apps.splice(0)) await a.close();
});

async function modelApp(options: Partial<Parameters<typeof fastifyPlugin>[1]> = {}) {
  const app = Fastify();
  apps.push(app);
  await app.register(fastifyPlugin, { client: sink, modelId: 'credit', ...options });
  // encapsulated routes still get the hooks: the plugin is not encapsulated
  await app.register(async (scope) => {
    scope.post('/predict', async (req) => {
      const f = (req.body as { features: { income: number } }).features;
      return { prediction: { label: f.income > 1000 ? 'approve' : 'deny' }, model_version: 'v2' };
    });
  });
  app.post('/text', async (_req, reply) => reply.type('application/json').send('{"prediction":"deny"}'));
  app.post('/models/:id/score', async () => ({ score: 0.25, prediction_id: 'given' }));
  app.get('/health', async () => ({ ok: true }));
  app.post('/fail', async (_req, reply) => reply.code(400).send({ error: 'bad' }));
  return app;
}

describe('fastifyPlugin', () => {
  it('logs every POST route by default: objects before serialisation, strings parsed; not GETs or errors', async () => {
    const app = await modelApp();
    const r = await app.inject({ method: 'POST', url: '/predict', payload: { features: { income: 1500, region: 'n' } } });
    expect(r.json()).toEqual({ prediction: { label: 'approve' }, model_version: 'v2' });
    await app.inject({ method: 'POST', url: '/text', payload: { a: 1 } });
    await app.inject({ method: 'POST', url: '/models/7/score', payload: { features: { b: 2 } } });
    await app.inject({ method: 'GET', url: '/health' });
    await app.inject({ method: 'POST', url: '/fail', payload: { a: 1 } });
    await app.inject({ method: 'POST', url: '/nowhere', payload: { a: 1 } });
    expect(logged).toEqual([
      { model_id: 'credit', model_version: 'v2', features: { income: 1500, region: 'n' }, prediction: { label: 'approve' }, metadata: { latency_ms: expect.any(Number) } },
      { model_id: 'credit', features: { a: 1 }, prediction: { label: 'deny' }, metadata: { latency_ms: expect.any(Number) } },
      { model_id: 'credit', prediction_id: 'given', features: { b: 2 }, prediction: { score: 0.25 }, metadata: { latency_ms: expect.any(Number) } },
    ]);
    expect(logged.every((p) => (p.metadata!.latency_ms as number) >= 0)).toBe(true);
  });

  it('limits logging to the listed routes, by their registered pattern', async () => {
    const app = await modelApp({ routes: ['/models/:id/score'] });
    await app.inject({ method: 'POST', url: '/predict', payload: { features: { income: 1 } } });
    await app.inject({ method: 'POST', url: '/models/9/score', payload: { x: 1 } });
    expect(logged.map((p) => p.prediction)).toEqual([{ score: 0.25 }]);
  });

  it('keeps serving when an extractor throws, over a real socket', async () => {
    const errors: unknown[] = [];
    const app = await modelApp({ prediction: () => { throw new Error('boom'); }, onError: (e) => errors.push(e) });
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    const res = await fetch(`${url}/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ features: { income: 5 } }) });
    expect(await res.json()).toEqual({ prediction: { label: 'deny' }, model_version: 'v2' });
    await new Promise((r) => setTimeout(r, 20));
    expect(errors).toEqual([new Error('boom')]);
    expect(logged).toEqual([]);
  });
});
