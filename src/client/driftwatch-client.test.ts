import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { DriftwatchClient } from './driftwatch-client.js';
import type { ClientOptions, FailedRow, OnFull } from './types.js';

interface Received {
  path: string;
  auth: string | undefined;
  rows: Record<string, unknown>[];
}
type Answer = { status: number; body?: unknown; headers?: Record<string, string> };

/**
 * A stand-in for driftwatch's ingest routes over real HTTP: records every request and answers
 * with `answer` (default: accept every row, as driftwatch does in partial mode).
 */
async function fakeDriftwatch(answer: (r: Received, n: number) => Answer = accept) {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (text += c));
    req.on('end', () => {
      const r = { path: req.url!, auth: req.headers.authorization, rows: text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) };
      received.push(r);
      const a = answer(r, received.length);
      res.writeHead(a.status, { 'content-type': 'application/json', ...a.headers });
      res.end(JSON.stringify(a.body ?? {}));
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, received, close: () => new Promise<void>((ok) => server.close(() => ok())) };
}
const accept = (r: Received): Answer => ({ status: 200, body: { accepted: r.rows.length, duplicates: 0, rejected: 0, errors: [] } });

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function setup<M extends OnFull = 'drop-oldest'>(options: Partial<ClientOptions<M>> = {}, answer?: (r: Received, n: number) => Answer) {
  const dw = await fakeDriftwatch(answer);
  const client = new DriftwatchClient<M>({ url: dw.url, apiKey: 'k1', modelId: 'm', flushOnExit: false, retry: { initialDelayMs: 5, maxDelayMs: 20 }, ...options } as ClientOptions<M>);
  cleanups.push(async () => {
    await client.close();
    await dw.close();
  });
  return { dw, client };
}

const pred = (i: number) => ({ features: { x: i }, prediction: { label: 'yes' } });
const allRows = (rs: Received[]) => rs.flatMap((r) => r.rows);

describe('DriftwatchClient', () => {
  it('batches by size into NDJSON bulk requests, with generated UUIDv7 ids and log-time timestamps', async () => {
    const { dw, client } = await setup({ batchSize: 10, flushIntervalMs: 60_000 });
    const before = Date.now();
    const ids = Array.from({ length: 25 }, (_, i) => client.log(pred(i)));
    const given = client.log({ ...pred(99), prediction_id: 42, timestamp: '2026-01-01T00:00:00Z', model_id: 'other' });
    expect(given).toBe('42');
    expect(client.stats()).toMatchObject({ queued: 26, sent: 0, inFlight: 0 }); // log() itself sends nothing
    await new Promise((r) => setTimeout(r, 100));
    expect(dw.received.map((r) => r.rows.length)).toEqual([10, 10]); // full batches went; 6 wait for the timer
    await client.flush();
    const rows = allRows(dw.received);
    expect(rows.map((r) => r.prediction_id)).toEqual([...ids, 42]);
    expect(new Set(ids).size).toBe(25);
    expect(ids[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/);
    expect(rows[0].timestamp).toBeGreaterThanOrEqual(before);
    expect(rows[25]).toMatchObject({ timestamp: '2026-01-01T00:00:00Z', model_id: 'other' });
    expect(dw.received[0]).toMatchObject({ path: '/api/v1/predictions/bulk?partial=true&model_id=m', auth: 'Bearer k1' });
    expect(client.stats()).toEqual({ queued: 0, sent: 26, dropped: 0, failed: 0, retries: 0, inFlight: 0 });
  });

  it('serialises logged rows on the turns after log(), serializeChunk rows per turn, so a batch leaves already written', async () => {
    const { dw, client } = await setup({ batchSize: 1000, serializeChunk: 100, flushIntervalMs: 60_000 });
    const turn = () => new Promise((r) => setImmediate(r));
    const rows = Array.from({ length: 1000 }, (_, i) => ({ ...pred(i), metadata: { n: i } }));
    for (const r of rows) client.log(r);
    expect(client.stats()).toMatchObject({ queued: 1000, inFlight: 0 });
    await turn();
    expect(client.stats()).toMatchObject({ queued: 900, inFlight: 100 }); // one chunk per turn
    await turn();
    expect(client.stats()).toMatchObject({ queued: 800, inFlight: 200 });
    rows[0].metadata.n = -1; // already written: changing it now does not change what is sent
    rows[999].metadata.n = -2; // not written yet: it is sent as it is when its turn comes
    const t0 = Date.now();
    while (dw.received.length === 0 && Date.now() - t0 < 2000) await new Promise((r) => setTimeout(r, 2));
    expect(dw.received).toHaveLength(1);
    const sent = dw.received[0].rows.map((r) => (r.metadata as { n: number }).n);
    expect(sent).toEqual([0, ...Array.from({ length: 998 }, (_, i) => i + 1), -2]);
    await client.flush();
    expect(client.stats()).toMatchObject({ queued: 0, inFlight: 0, sent: 1000 });
  });

  it('sends a partial batch after flushIntervalMs, and outcomes to /outcomes', async () => {
    const { dw, client } = await setup({ batchSize: 1000, flushIntervalMs: 30 });
    const id = client.log(pred(1));
    client.logOutcome(id, 'yes');
    client.logOutcome({ prediction_id: 'p-7', actual: 3.5, timestamp: 1000 });
    const t0 = Date.now();
    while (dw.received.length < 2 && Date.now() - t0 < 2000) await new Promise((r) => setTimeout(r, 5));
    const outcomes = dw.received.find((r) => r.path.startsWith('/api/v1/outcomes?'))!;
    expect(outcomes.rows).toEqual([
      { prediction_id: id, actual: 'yes', timestamp: expect.any(Number) },
      { prediction_id: 'p-7', actual: 3.5, timestamp: 1000 },
    ]);
    expect(client.stats().sent).toBe(3);
  });

  it('retries 503 and 429 with backoff (same rows, same ids), honouring Retry-After', async () => {
    const times: number[] = [];
    const { dw, client } = await setup({ batchSize: 5 }, (r, n) => {
      times.push(Date.now());
      if (n === 1) return { status: 503, headers: { 'retry-after': '1' }, body: { error: { code: 'unavailable', message: 'busy' } } };
      if (n === 2) return { status: 429 };
      return accept(r);
    });
    for (let i = 0; i < 5; i++) client.log(pred(i));
    await client.flush();
    expect(times[1] - times[0]).toBeGreaterThanOrEqual(950); // waited for Retry-After: 1
    expect(dw.received).toHaveLength(3);
    expect(dw.received.every((r) => r.rows.map((x) => x.prediction_id).join() === dw.received[0].rows.map((x) => x.prediction_id).join())).toBe(true); // same ids every time
    expect(client.stats()).toMatchObject({ sent: 5, failed: 0, retries: 2 });
  });

  it('does not retry other 4xx: the rows fail with the server reason; partial results count good rows as sent', async () => {
    const failures: FailedRow[] = [];
    const { dw, client } = await setup({ batchSize: 4, onFailure: (f) => failures.push(...f) }, (r, n) => {
      if (n === 1) return { status: 404, body: { error: { code: 'model_not_found', message: 'no model "m" is registered', details: null } } };
      return {
        status: 200,
        body: { accepted: 2, duplicates: 0, rejected: 2, errors: [{ row: 1, field: 'features.x', problem: 'must be a finite number' }, { row: 1, field: 'prediction.label', problem: 'bad' }, { row: 3, field: 'timestamp', problem: 'invalid' }] },
      };
    });
    const first = [0, 1, 2, 3].map((i) => client.log(pred(i)));
    await client.flush();
    const second = [4, 5, 6, 7].map((i) => client.log(pred(i)));
    await client.flush();
    expect(dw.received).toHaveLength(2);
    expect(client.stats()).toMatchObject({ sent: 2, failed: 6, retries: 0 });
    expect(failures.slice(0, 4)).toEqual(first.map((prediction_id) => ({ kind: 'prediction', prediction_id, reason: 'HTTP 404 model_not_found: no model "m" is registered' })));
    expect(failures.slice(4)).toEqual([
      { kind: 'prediction', prediction_id: second[1], reason: 'features.x: must be a finite number; prediction.label: bad' },
      { kind: 'prediction', prediction_id: second[3], reason: 'timestamp: invalid' },
    ]);
    expect(client.recentFailures()).toEqual(failures);
  });

  it('splits a batch the server finds too large (413)', async () => {
    const { dw, client } = await setup({ batchSize: 8 }, (r) => (r.rows.length > 2 ? { status: 413, body: { error: { code: 'payload_too_large', message: 'too big' } } } : accept(r)));
    for (let i = 0; i < 8; i++) client.log(pred(i));
    await client.flush();
    expect(dw.received.filter((r) => r.rows.length <= 2).flatMap((r) => r.rows.map((x) => (x.features as { x: number }).x))).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(client.stats()).toMatchObject({ sent: 8, failed: 0 });
  });

  it('drop-oldest keeps the newest rows within maxBuffer and counts the rest', async () => {
    const { dw, client } = await setup({ batchSize: 100, maxBuffer: 100, flushIntervalMs: 10 });
    // one synchronous burst larger than the buffer: nothing can leave in between
    for (let i = 0; i < 250; i++) client.log(pred(i));
    expect(client.stats()).toMatchObject({ queued: 100, dropped: 150 });
    await client.flush();
    expect(allRows(dw.received).map((r) => (r.features as { x: number }).x)).toEqual(Array.from({ length: 100 }, (_, i) => 150 + i));
  });

  it('block mode: log() returns a promise only when full, and nothing is lost', async () => {
    const { dw, client } = await setup({ batchSize: 10, maxBuffer: 10, onFull: 'block', maxConcurrency: 1 }, accept);
    const sync = Array.from({ length: 10 }, (_, i) => client.log(pred(i)));
    expect(sync.every((id) => typeof id === 'string')).toBe(true);
    const blocked = client.log(pred(10));
    expect(blocked).toBeInstanceOf(Promise);
    const id = await blocked;
    expect(typeof id).toBe('string');
    const more = await Promise.all(Array.from({ length: 30 }, (_, i) => client.log(pred(11 + i))));
    await client.flush();
    expect(allRows(dw.received).map((r) => r.prediction_id)).toEqual([...sync, id, ...more]);
    expect(client.stats()).toMatchObject({ sent: 41, dropped: 0 });
  });

  it('counts rows that cannot be serialised as failed and still sends the others', async () => {
    const { client } = await setup({ batchSize: 3 });
    const cyclic: Record<string, unknown> = { ...pred(0) };
    cyclic.self = cyclic;
    client.log(pred(1));
    const bad = client.log(cyclic as never);
    await client.flush();
    expect(client.stats()).toMatchObject({ sent: 1, failed: 1 });
    expect(client.recentFailures()[0]).toMatchObject({ prediction_id: bad, reason: expect.stringMatching(/not serialisable/) });
  });

  it('close() delivers what is buffered, then drops later logs; gives up at closeTimeoutMs when driftwatch never answers', async () => {
    const { dw, client } = await setup({ batchSize: 1000, flushIntervalMs: 60_000 });
    for (let i = 0; i < 30; i++) client.log(pred(i));
    await client.close();
    expect(allRows(dw.received)).toHaveLength(30);
    client.log(pred(31));
    expect(client.stats()).toMatchObject({ sent: 30, dropped: 1, queued: 0 });

    const down = await setup({ closeTimeoutMs: 200, batchSize: 5 }, () => ({ status: 503 }));
    for (let i = 0; i < 12; i++) down.client.log(pred(i));
    const t0 = Date.now();
    await down.client.close();
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(down.client.stats()).toMatchObject({ sent: 0, failed: 12, queued: 0, inFlight: 0 });
    expect(down.client.stats().retries).toBeGreaterThan(0);
  });

  it('gives up after retry.maxAttempts', async () => {
    const { dw, client } = await setup({ batchSize: 2, retry: { maxAttempts: 3, initialDelayMs: 1, maxDelayMs: 2 } }, () => ({ status: 500 }));
    client.log(pred(1));
    client.log(pred(2));
    await client.flush();
    expect(dw.received).toHaveLength(3);
    expect(client.stats()).toMatchObject({ failed: 2, retries: 2 });
    expect(client.recentFailures()[0].reason).toMatch(/gave up after 3 attempts: HTTP 500/);
  });

  it('refuses bad input and options synchronously', () => {
    const c = new DriftwatchClient({ url: 'http://127.0.0.1:1', apiKey: 'k', flushOnExit: false });
    expect(() => c.log(pred(1))).toThrow(/model_id/);
    expect(() => c.log(null as never)).toThrow(TypeError);
    expect(() => c.logOutcome({ actual: 'x' } as never)).toThrow(/prediction_id/);
    expect(() => new DriftwatchClient({ url: 'ftp://x', apiKey: 'k' })).toThrow(/http/);
    expect(() => new DriftwatchClient({ url: 'http://x', apiKey: 'k', batchSize: 0 })).toThrow(RangeError);
    expect(() => new DriftwatchClient({ url: 'http://x', apiKey: '' })).toThrow(/apiKey/);
    void c.close();
  });
});
