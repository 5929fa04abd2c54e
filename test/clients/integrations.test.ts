import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DriftwatchClient, fastifyPlugin } from '../../src/client/index.js';
import { CLI, freePort } from '../reliability/server-process.js';
import { CLIENT_MODEL, type Driftwatch, startDriftwatch } from './driftwatch-fixture.js';

/** A model server that knows nothing of driftwatch: TF-Serving-like positional instances in, predictions out. */
async function modelServer() {
  const server = http.createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      const x = (JSON.parse(text) as { instances: [number, string][] }).instances[0][0];
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ predictions: [{ label: x > 50 ? 'yes' : 'no', probs: { no: x > 50 ? 0.2 : 0.8, yes: x > 50 ? 0.8 : 0.2 } }] }));
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((r) => server.close(r)) };
}

describe('integrations against driftwatch', () => {
  let dw: Driftwatch;
  beforeAll(async () => {
    dw = await startDriftwatch();
  });
  afterAll(async () => dw?.close());

  it('driftwatch proxy (the built CLI) logs every model call and flushes on SIGTERM', async () => {
    const model = await modelServer();
    const config = join(dw.dir, 'map.json');
    writeFileSync(
      config,
      JSON.stringify({
        paths: ['/v1/models/*'],
        features: { x: '/request/body/instances/0/0', c: '/request/body/instances/0/1' },
        prediction: { label: '/response/body/predictions/0/label', probabilities: '/response/body/predictions/0/probs' },
        prediction_id: '/request/headers/x-request-id',
      }),
    );
    const port = await freePort();
    const child: ChildProcess = spawn(
      process.execPath,
      [CLI, 'proxy', '--listen', `127.0.0.1:${port}`, '--target', model.url, '--model', CLIENT_MODEL.model_id, '--config', config, '--url', dw.url, '--api-key', dw.ingestKey],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    try {
      await new Promise<void>((ok, fail) => {
        const t = setTimeout(() => fail(new Error(`proxy did not start:\n${out}`)), 15_000);
        child.stdout!.on('data', () => /listening on/.test(out) && (clearTimeout(t), ok()));
        void exited.then(() => fail(new Error(`proxy exited:\n${out}`)));
      });
      const n = 200;
      for (let i = 0; i < n; i += 20) {
        await Promise.all(
          Array.from({ length: 20 }, async (_, k) => {
            const res = await fetch(`http://127.0.0.1:${port}/v1/models/clf:predict`, {
              method: 'POST',
              headers: { 'content-type': 'application/json', 'x-request-id': `px-${i + k}` },
              body: JSON.stringify({ instances: [[i + k, `c${(i + k) % 3}`]] }),
            });
            expect(((await res.json()) as { predictions: { label: string }[] }).predictions[0].label).toBe(i + k > 50 ? 'yes' : 'no');
          }),
        );
      }
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(out).toMatch(/200 forwarded, 200 logged, 0 not logged; 200 predictions sent, 0 failed, 0 dropped/);
      const ids = (await dw.storedIds()).filter((id) => id.startsWith('px-'));
      expect(ids.sort()).toEqual(Array.from({ length: n }, (_, i) => `px-${i}`).sort());
      const p = await dw.store().getPrediction(CLIENT_MODEL.model_id, 'px-77');
      expect(p).toMatchObject({ features: { x: 77, c: 'c2' }, prediction: { label: 'yes' } });
      expect((p as { metadata: { latency_ms: number } }).metadata.latency_ms).toBeGreaterThan(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await model.close();
    }
  });

  it('driftwatch proxy refuses a bad mapping, naming the key', async () => {
    const config = join(dw.dir, 'bad-map.json');
    writeFileSync(config, JSON.stringify({ features: 'body/features' }));
    const child = spawn(process.execPath, [CLI, 'proxy', '--listen', ':0', '--target', 'http://127.0.0.1:1', '--model', 'm', '--config', config, '--api-key', 'k'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    expect(code).toBe(1);
    expect(err).toMatch(/features: "body\/features" must start with \/request or \/response/);
  });

  it('a Fastify model service logs through fastifyPlugin with one line', async () => {
    const client = new DriftwatchClient({ url: dw.url, apiKey: dw.ingestKey, modelId: CLIENT_MODEL.model_id, flushOnExit: false, flushIntervalMs: 20 });
    const app = Fastify();
    await app.register(fastifyPlugin, { client, routes: ['/predict'] });
    app.post('/predict', async (req) => {
      const { x } = (req.body as { features: { x: number } }).features;
      return { prediction: { label: x > 50 ? 'yes' : 'no' }, prediction_id: `fy-${x}` };
    });
    for (let x = 0; x < 100; x++) {
      const res = await app.inject({ method: 'POST', url: '/predict', payload: { features: { x, c: 'c1' } } });
      expect(res.statusCode).toBe(200);
    }
    await client.close();
    await app.close();
    expect(client.stats()).toMatchObject({ sent: 100, failed: 0 });
    expect((await dw.storedIds()).filter((id) => id.startsWith('fy-'))).toHaveLength(100);
  });
});
