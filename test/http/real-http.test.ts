import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_FACTORIES } from '../store/store-fixtures.js';
import { CREDIT_MODEL, type TestApp, creditPrediction, ndjson, startTestApp, storedCount } from './http-fixtures.js';

const BODY_LIMIT = 64 * 1024;
const BULK_LIMIT = 2 * 1024 * 1024;

/** The same bytes again and again until `bytes` were sent: an upload that never ends soon. */
function endless(line: string, bytes: number): ReadableStream<Uint8Array> {
  const chunk = new TextEncoder().encode(`${line}\n`.repeat(Math.ceil(65_536 / (line.length + 1))));
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent >= bytes) return controller.close();
      controller.enqueue(chunk);
      sent += chunk.length;
    },
  });
}

/** An NDJSON body produced piece by piece, as a client streaming a file would send it. */
function ndjsonStream(model: string, rows: number, perChunk = 500): ReadableStream<Uint8Array> {
  let i = 0;
  const enc = new TextEncoder();
  return new ReadableStream({
    pull(controller) {
      if (i >= rows) return controller.close();
      const n = Math.min(perChunk, rows - i);
      controller.enqueue(enc.encode(ndjson(Array.from({ length: n }, (_, k) => creditPrediction(i + k, { model_id: model })))));
      i += n;
    },
  });
}

describe.each(STORE_FACTORIES)('HTTP over a real socket ($name)', (factory) => {
  let t: TestApp;
  let base: string;
  const errorLog: string[] = [];
  beforeAll(async () => {
    t = await startTestApp(factory, { DRIFTWATCH_BODY_LIMIT_BYTES: String(BODY_LIMIT), DRIFTWATCH_BULK_LIMIT_BYTES: String(BULK_LIMIT) }, errorLog);
    base = await t.app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => t?.close());

  const api = (path: string, init: RequestInit & { key?: string } = {}) =>
    fetch(`${base}${path}`, { ...init, headers: { authorization: `Bearer ${init.key ?? t.keys.admin}`, ...(init.headers as Record<string, string>) } });
  const json = (body: unknown) => ({ method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });

  it('registers a model, logs predictions as JSON and as a streamed NDJSON body, reads them back', async () => {
    const reg = await api('/api/v1/models', json({ ...CREDIT_MODEL, model_id: 'net' }));
    expect(reg.status).toBe(201);
    expect(reg.headers.get('x-request-id')).toBeTruthy();

    const one = await api('/api/v1/predictions', { ...json(creditPrediction(0, { model_id: 'net', prediction_id: 'first' })), key: t.keys.ingest, headers: { 'content-type': 'application/json', 'x-request-id': 'client-req-1' } });
    expect(one.status).toBe(200);
    expect(one.headers.get('x-request-id')).toBe('client-req-1');
    expect(await one.json()).toMatchObject({ accepted: 1, prediction_ids: ['first'] });

    const rows = 5000;
    const bulk = await api('/api/v1/predictions/bulk', {
      method: 'POST',
      key: t.keys.ingest,
      headers: { 'content-type': 'application/x-ndjson' },
      body: ndjsonStream('net', rows),
      duplex: 'half',
    } as RequestInit & { duplex: 'half' });
    expect(bulk.status).toBe(200);
    expect(await bulk.json()).toMatchObject({ accepted: rows, duplicates: 0, rejected: 0 });
    expect(await storedCount(t, 'net')).toBe(rows + 1);

    const page = await api('/api/v1/predictions?model_id=net&limit=3', { key: t.keys.read });
    const body = (await page.json()) as { items: { prediction_id: string }[]; next_cursor: string };
    expect(body.items).toHaveLength(3);
    const next = (await (await api(`/api/v1/predictions?model_id=net&limit=3&cursor=${body.next_cursor}`, { key: t.keys.read })).json()) as { items: { prediction_id: string }[] };
    expect(next.items.map((p) => p.prediction_id)).not.toContain(body.items[2].prediction_id);
    const counts = (await (await api('/api/v1/predictions/counts?model_id=net&from=2026-01-01', { key: t.keys.read })).json()) as { total: number };
    expect(counts.total).toBe(rows + 1);
  });

  it('answers 413 to oversized bodies while they are still being sent, and writes nothing', async () => {
    const before = await storedCount(t, 'net');
    const bigJson = JSON.stringify(Array.from({ length: 400 }, (_, i) => creditPrediction(100_000 + i, { model_id: 'net' })));
    expect(bigJson.length).toBeGreaterThan(BODY_LIMIT);
    const r1 = await api('/api/v1/predictions', { method: 'POST', body: bigJson, headers: { 'content-type': 'application/json' } });
    expect(r1.status).toBe(413);
    expect(((await r1.json()) as { error: { code: string } }).error.code).toBe('payload_too_large');

    const r2 = await api('/api/v1/predictions/bulk', {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson' },
      body: endless(JSON.stringify(creditPrediction(1, { model_id: 'net', prediction_id: 'over' })), BULK_LIMIT * 4),
      duplex: 'half',
    } as RequestInit & { duplex: 'half' });
    expect(r2.status).toBe(413);
    expect(((await r2.json()) as { error: { code: string } }).error.code).toBe('payload_too_large');
    expect(await storedCount(t, 'net')).toBe(before);
  });

  it('bad input over the wire: malformed JSON 400, no key 401, unknown model 404, wrong type 415', async () => {
    const malformed = await api('/api/v1/predictions', { method: 'POST', body: '{"model_id":', headers: { 'content-type': 'application/json' } });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ error: { code: 'invalid_json' } });
    const noKey = await fetch(`${base}/api/v1/models`);
    expect(noKey.status).toBe(401);
    expect(await noKey.json()).toMatchObject({ error: { code: 'unauthorized', details: null } });
    const ghost = await api('/api/v1/predictions', json(creditPrediction(0, { model_id: 'ghost' })));
    expect(ghost.status).toBe(404);
    const csv = await api('/api/v1/predictions', { method: 'POST', body: 'a,b\n1,2\n', headers: { 'content-type': 'text/csv' } });
    expect(csv.status).toBe(415);
    // the connection is still usable after all of that
    expect((await fetch(`${base}/health`)).status).toBe(200);
  });

  it('an upload the client abandons half-way writes nothing and leaves the server well', async () => {
    const before = await storedCount(t, 'net');
    const abort = new AbortController();
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (sent === 300) return abort.abort();
        controller.enqueue(new TextEncoder().encode(`${JSON.stringify(creditPrediction(700_000 + sent++, { model_id: 'net' }))}\n`));
        if (sent % 50 === 0) await new Promise((r) => setTimeout(r, 5));
      },
    });
    const upload = api('/api/v1/predictions/bulk', { method: 'POST', key: t.keys.ingest, headers: { 'content-type': 'application/x-ndjson' }, body, duplex: 'half', signal: abort.signal } as RequestInit & { duplex: 'half' });
    await expect(upload).rejects.toThrow();
    // the server notices the reset on its own schedule: wait until it is idle again
    await new Promise((r) => setTimeout(r, 200));
    expect(await storedCount(t, 'net')).toBe(before);
    expect((await fetch(`${base}/health`)).status).toBe(200);
  });

  it('serves many concurrent single-prediction requests, each committed exactly once', async () => {
    const n = 100;
    const results = await Promise.all(
      Array.from({ length: n }, (_, i) => api('/api/v1/predictions', { ...json(creditPrediction(500_000 + (i % 75), { model_id: 'net' })), key: t.keys.ingest }).then((r) => r.json() as Promise<{ accepted: number; duplicates: number }>)),
    );
    expect(results.reduce((s, r) => s + r.accepted, 0)).toBe(75);
    expect(results.reduce((s, r) => s + r.duplicates, 0)).toBe(25);
  });

  it('logged no error along the way (no 5xx, no unhandled error)', () => {
    expect(errorLog).toEqual([]);
  });
});
