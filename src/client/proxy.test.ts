import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { startProxy } from './proxy.js';
import type { PredictionInput } from './types.js';

const logged: PredictionInput[] = [];
const sink = { log: (p: PredictionInput) => logged.push(p) };
const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  logged.length = 0;
  for (const c of closers.splice(0).reverse()) await c();
});

/**
 * A model server: /echo answers with exactly what it received; /predict scores a JSON body;
 * /gzip answers gzip-compressed; /big streams a large body in pieces.
 */
async function modelServer() {
  const server = http.createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      const body = Buffer.concat(parts);
      if (req.url!.startsWith('/echo')) {
        res.writeHead(201, 'Made', { 'content-type': 'application/json', 'x-upstream': 'yes' });
        return res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers, body: body.toString('base64') }));
      }
      if (req.url === '/predict') {
        const features = (JSON.parse(body.toString()) as { features: { income: number } }).features;
        res.setHeader('content-type', 'application/json');
        return setTimeout(() => res.end(JSON.stringify({ prediction: { label: features.income > 1000 ? 'approve' : 'deny' }, model_version: 'm3' })), 10);
      }
      if (req.url === '/gzip') {
        res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
        return res.end(zlib.gzipSync(JSON.stringify({ prediction: 0.7 })));
      }
      if (req.url === '/big') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"prediction":"x","pad":"');
        for (let i = 0; i < 64; i++) res.write('y'.repeat(32 * 1024));
        return res.end('"}');
      }
      res.writeHead(404).end('no');
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  closers.push(() => new Promise((r) => server.close(r)));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function proxyTo(target: string, extra: Partial<Parameters<typeof startProxy>[0]> = {}) {
  const p = await startProxy({ target, client: sink, host: '127.0.0.1', port: 0, ...extra });
  closers.push(() => p.close());
  return p;
}
const settle = () => new Promise((r) => setTimeout(r, 30));

describe('the proxy', () => {
  it('forwards method, path, query, headers and body unchanged, and answers what the model answered', async () => {
    const p = await proxyTo(await modelServer());
    const payload = Buffer.from(Array.from({ length: 300_000 }, (_, i) => i % 251));
    const res = await fetch(`${p.url}/echo/a%20b?x=1&y=%C3%A9`, { method: 'PUT', headers: { 'x-custom': 'abc', 'content-type': 'application/octet-stream' }, body: payload });
    expect(res.status).toBe(201);
    expect(res.statusText).toBe('Made');
    expect(res.headers.get('x-upstream')).toBe('yes');
    const echoed = (await res.json()) as { method: string; url: string; headers: Record<string, string>; body: string };
    expect(echoed).toMatchObject({ method: 'PUT', url: '/echo/a%20b?x=1&y=%C3%A9' });
    expect(echoed.headers).toMatchObject({ 'x-custom': 'abc', 'content-type': 'application/octet-stream', 'content-length': '300000', host: new URL(p.url).host });
    expect(Buffer.from(echoed.body, 'base64').equals(payload)).toBe(true);
    // a chunked upload (no Content-Length) is streamed through
    const parts = ['{"features":', '{"a":1}', '}'];
    const chunked = await fetch(`${p.url}/echo/chunked`, {
      method: 'POST',
      body: new ReadableStream({ pull: (c) => (parts.length ? c.enqueue(new TextEncoder().encode(parts.shift())) : c.close()) }),
      duplex: 'half',
    } as RequestInit & { duplex: 'half' });
    const chunkedEcho = (await chunked.json()) as { headers: Record<string, string>; body: string };
    expect(chunkedEcho.headers['transfer-encoding']).toBe('chunked');
    expect(Buffer.from(chunkedEcho.body, 'base64').toString()).toBe('{"features":{"a":1}}');
    const missing = await fetch(`${p.url}/nothing`);
    expect([missing.status, await missing.text()]).toEqual([404, 'no']);
    await settle();
    expect(logged).toEqual([]); // PUT and GET are not model calls by default; /echo answers are not predictions
    expect(p.server.proxyStats()).toMatchObject({ forwarded: 3, logged: 0 });
  });

  it('logs model calls with latency and arrival time; decodes compressed bodies for the log only', async () => {
    const p = await proxyTo(await modelServer());
    const before = Date.now();
    const res = await fetch(`${p.url}/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ features: { income: 2000, region: 'n' } }) });
    expect(await res.json()).toEqual({ prediction: { label: 'approve' }, model_version: 'm3' });
    const raw = await new Promise<{ encoding: string | undefined; bytes: Buffer }>((resolve) => {
      const u = new URL(`${p.url}/gzip`);
      http
        .request({ hostname: u.hostname, port: u.port, path: u.pathname, method: 'POST', headers: { 'content-type': 'application/json' } }, (r) => {
          const parts: Buffer[] = [];
          r.on('data', (c: Buffer) => parts.push(c));
          r.on('end', () => resolve({ encoding: r.headers['content-encoding'], bytes: Buffer.concat(parts) }));
        })
        .end(JSON.stringify({ a: 1 }));
    });
    expect(raw.encoding).toBe('gzip');
    expect(JSON.parse(zlib.gunzipSync(raw.bytes).toString())).toEqual({ prediction: 0.7 }); // still compressed for the caller
    await settle();
    expect(logged).toEqual([
      { features: { income: 2000, region: 'n' }, prediction: { label: 'approve' }, model_version: 'm3', timestamp: expect.any(Number), metadata: { latency_ms: expect.any(Number) } },
      { features: { a: 1 }, prediction: { value: 0.7 }, timestamp: expect.any(Number), metadata: { latency_ms: expect.any(Number) } },
    ]);
    expect(logged[0].timestamp as number).toBeGreaterThanOrEqual(before);
    expect(logged[0].metadata!.latency_ms as number).toBeGreaterThanOrEqual(9);
  });

  it('forwards a body too large to capture without logging it, and answers 502 when the model server is down', async () => {
    const target = await modelServer();
    const p = await proxyTo(target, { maxCaptureBytes: 64 * 1024 });
    const res = await fetch(`${p.url}/big`, { method: 'POST', body: JSON.stringify({ features: { a: 1 } }) });
    expect((await res.text()).length).toBe(25 + 64 * 32 * 1024 + 2);
    await settle();
    expect(logged).toEqual([]);
    expect(p.server.proxyStats()).toMatchObject({ skipped: 1 });

    const dead = await proxyTo('http://127.0.0.1:1');
    const bad = await fetch(`${dead.url}/predict`, { method: 'POST', body: '{}' });
    expect(bad.status).toBe(502);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('bad_gateway');
    expect(dead.server.proxyStats().upstreamErrors).toBe(1);
  });

  it('answers unchanged when logging fails (a throwing client), and reports the error', async () => {
    const errors: unknown[] = [];
    const p = await proxyTo(await modelServer(), {
      client: {
        log: () => {
          throw new Error('driftwatch exploded');
        },
      },
      onError: (e) => errors.push(e),
    });
    const res = await fetch(`${p.url}/predict`, { method: 'POST', body: JSON.stringify({ features: { income: 1 } }) });
    expect(await res.json()).toEqual({ prediction: { label: 'deny' }, model_version: 'm3' });
    await settle();
    expect(errors).toEqual([new Error('driftwatch exploded')]);
  });
});
