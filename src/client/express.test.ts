import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { PredictionInput } from './types.js';
import { type ExpressLikeRequest, type ExpressLikeResponse, expressMiddleware } from './express.js';

const logged: PredictionInput[] = [];
const sink = { log: (p: PredictionInput) => logged.push(p) };
const servers: http.Server[] = [];
afterEach(async () => {
  logged.length = 0;
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});

type Handler = (req: ExpressLikeRequest & http.IncomingMessage, res: ExpressLikeResponse & http.ServerResponse) => void;

/**
 * A tiny Express look-alike on node:http: parses JSON bodies (as express.json() does), gives the
 * response a json() that serialises and ends (as Express does), then runs middleware and handler.
 */
async function miniExpress(middleware: ReturnType<typeof expressMiddleware>, handler: Handler, withJson = true) {
  const server = http.createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      const r = req as http.IncomingMessage & ExpressLikeRequest;
      r.body = text ? (JSON.parse(text) as unknown) : undefined;
      const s = res as http.ServerResponse & ExpressLikeResponse;
      if (withJson)
        s.json = (body: unknown) => {
          s.setHeader('content-type', 'application/json');
          s.end(JSON.stringify(body));
          return s;
        };
      middleware(r, s, () => handler(r, s));
    });
  });
  servers.push(server);
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const post = (url: string, body: unknown, headers: Record<string, string> = {}) => fetch(url, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } });
const settle = () => new Promise((r) => setTimeout(r, 20));

describe('expressMiddleware', () => {
  it('logs features from the request and the prediction from res.json, with latency', async () => {
    const url = await miniExpress(expressMiddleware({ client: sink, modelId: 'credit' }), (req, res) => {
      setTimeout(() => res.json!({ prediction: { label: 'approve', probabilities: { approve: 0.8, deny: 0.2 } }, model_version: 'v7', prediction_id: 'resp-1' }), 15);
    });
    const res = await post(`${url}/predict`, { features: { income: 1200, region: 'north' } });
    expect(await res.json()).toMatchObject({ prediction: { label: 'approve' } }); // the response is untouched
    await settle();
    expect(logged).toEqual([
      {
        model_id: 'credit',
        prediction_id: 'resp-1',
        model_version: 'v7',
        features: { income: 1200, region: 'north' },
        prediction: { label: 'approve', probabilities: { approve: 0.8, deny: 0.2 } },
        metadata: { latency_ms: expect.any(Number) },
      },
    ]);
    expect(logged[0].metadata!.latency_ms as number).toBeGreaterThanOrEqual(14);
  });

  it('parses a body written with res.end (plain node:http), takes the body as features and scalar outputs', async () => {
    const url = await miniExpress(
      expressMiddleware({ client: sink }),
      (req, res) => {
        res.setHeader('content-type', 'application/json; charset=utf-8');
        res.write('{"prediction":');
        res.end('0.42}');
      },
      false,
    );
    await post(url, { income: 5, age: 30 }, { 'x-prediction-id': 'hdr-9' });
    await settle();
    expect(logged).toEqual([{ prediction_id: 'hdr-9', features: { income: 5, age: 30 }, prediction: { value: 0.42 }, metadata: { latency_ms: expect.any(Number) } }]);
  });

  it('skips errors, non-JSON and unextractable calls; custom extractors; a throwing extractor never reaches the app', async () => {
    const errors: unknown[] = [];
    const mw = expressMiddleware({
      client: sink,
      features: (req) => (req.body as { instance: Record<string, unknown> }).instance,
      prediction: (response) => ({ label: (response as { cls: string }).cls }),
      metadata: (_res, req) => ({ user_id: req.headers['x-user'] }),
      onError: (e) => errors.push(e),
    });
    const url = await miniExpress(mw, (req, res) => {
      const body = req.body as { status?: number; instance?: unknown };
      res.statusCode = body.status ?? 200;
      res.json!({ cls: 'b' });
    });
    expect((await post(url, { status: 500, instance: { a: 1 } })).status).toBe(500);
    expect((await post(url, { other: 1 })).status).toBe(200); // no instance: no features, not logged
    expect((await post(url, { instance: { a: 2 } }, { 'x-user': 'u1' })).status).toBe(200);
    await settle();
    expect(logged).toEqual([{ features: { a: 2 }, prediction: { label: 'b' }, metadata: { latency_ms: expect.any(Number), user_id: 'u1' } }]);

    const throwing = await miniExpress(expressMiddleware({ client: sink, features: () => { throw new Error('boom'); }, onError: (e) => errors.push(e) }), (_req, res) => res.json!({ prediction: 'x' }));
    const r = await post(throwing, { a: 1 });
    expect(await r.json()).toEqual({ prediction: 'x' });
    await settle();
    expect(errors).toEqual([new Error('boom')]);
    expect(logged).toHaveLength(1);
  });
});
