import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_FACTORIES } from '../store/store-fixtures.js';
import { CREDIT_MODEL, type TestApp, bearer, creditPrediction, expectErrorShape, ndjson, registerModel, startTestApp, storedCount } from './http-fixtures.js';

const BODY_LIMIT = 256 * 1024;
const BULK_LIMIT = 4 * 1024 * 1024;

describe.each(STORE_FACTORIES)('HTTP predictions ($name)', (factory) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(factory, { DRIFTWATCH_BODY_LIMIT_BYTES: String(BODY_LIMIT), DRIFTWATCH_BULK_LIMIT_BYTES: String(BULK_LIMIT) });
    for (const id of ['single', 'batch', 'bulk', 'idem', 'atomic', 'limits']) await registerModel(t, { ...CREDIT_MODEL, model_id: id });
  });
  afterAll(async () => t?.close());

  const post = (payload: unknown, query = '') =>
    t.app.inject({ method: 'POST', url: `/api/v1/predictions${query}`, headers: bearer(t.keys.ingest), payload: payload as object });
  const bulk = (body: string, query = '') =>
    t.app.inject({ method: 'POST', url: `/api/v1/predictions/bulk${query}`, headers: { ...bearer(t.keys.ingest), 'content-type': 'application/x-ndjson' }, payload: body });
  const rows = (model: string, from: number, n: number, overrides: Record<string, unknown> = {}) =>
    Array.from({ length: n }, (_, i) => creditPrediction(from + i, { model_id: model, ...overrides }));

  it('logs one prediction and reads it back as sent', async () => {
    const p = creditPrediction(7, { model_id: 'single' });
    const res = await post(p);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ accepted: 1, duplicates: 0, rejected: 0, errors: [], prediction_ids: ['p-7'] });
    const back = (await t.app.inject({ method: 'GET', url: '/api/v1/predictions/p-7?model_id=single', headers: bearer(t.keys.read) })).json();
    expect(back).toMatchObject({
      prediction_id: 'p-7',
      model_id: 'single',
      model_version: 'v1',
      schema_version: 1,
      timestamp: p.timestamp,
      features: p.features,
      explanation: p.explanation,
      metadata: p.metadata,
      outcome: null,
    });
    expect(back.prediction).toMatchObject(p.prediction as object);
    expect(back.prediction.label).toBe('deny');
  });

  it('generates ids for rows without one', async () => {
    const { prediction_id: _, ...noId } = creditPrediction(8, { model_id: 'single' });
    const res = (await post([noId, noId])).json();
    expect(res.accepted).toBe(2);
    expect(new Set(res.prediction_ids).size).toBe(2);
    for (const id of res.prediction_ids) expect(id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('logs an array, and NDJSON in bulk (thousands of rows)', async () => {
    expect((await post(rows('batch', 0, 50))).json()).toMatchObject({ accepted: 50, duplicates: 0, rejected: 0 });
    expect(await storedCount(t, 'batch')).toBe(50);

    const big = rows('bulk', 0, 6000);
    const res = await bulk(ndjson(big));
    expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
    expect(res.json()).toMatchObject({ accepted: 6000, duplicates: 0, rejected: 0, errors: [] });
    expect(await storedCount(t, 'bulk')).toBe(6000);
    // NDJSON at /predictions reads the same way; CRLF line ends and blank lines are fine
    const crlf = rows('bulk', 6000, 3).map((r) => JSON.stringify(r)).join('\r\n\r\n');
    const viaJsonRoute = await t.app.inject({ method: 'POST', url: '/api/v1/predictions', headers: { ...bearer(t.keys.ingest), 'content-type': 'application/x-ndjson' }, payload: crlf });
    expect(viaJsonRoute.json()).toMatchObject({ accepted: 3 });
    expect(await storedCount(t, 'bulk')).toBe(6003);
  });

  it('is idempotent: retries, repeats within a batch and concurrent copies never duplicate', async () => {
    const batch = rows('idem', 0, 20);
    expect((await post(batch)).json()).toMatchObject({ accepted: 20, duplicates: 0 });
    expect((await post(batch)).json()).toMatchObject({ accepted: 0, duplicates: 20 });
    expect((await bulk(ndjson(batch))).json()).toMatchObject({ accepted: 0, duplicates: 20 });
    // the same id twice in one request, even with different content: the first is kept
    const twice = await post([creditPrediction(100, { model_id: 'idem' }), creditPrediction(100, { model_id: 'idem', timestamp: '2026-01-01T00:00:00Z' })]);
    expect(twice.json()).toMatchObject({ accepted: 1, duplicates: 1 });
    // concurrent identical requests share group commits: still exactly once
    const copies = rows('idem', 200, 30);
    const results = await Promise.all([0, 1, 2, 3, 4].map(() => post(copies)));
    const accepted = results.map((r) => r.json().accepted as number);
    expect(accepted.reduce((a, b) => a + b, 0)).toBe(30);
    expect(results.every((r) => r.json().accepted + r.json().duplicates === 30)).toBe(true);
    expect(await storedCount(t, 'idem')).toBe(20 + 1 + 30);
    const first = (await t.app.inject({ method: 'GET', url: '/api/v1/predictions/p-100?model_id=idem', headers: bearer(t.keys.read) })).json();
    expect(first.timestamp).toBe(creditPrediction(100).timestamp);
  });

  it('a bad row names its row and field, and nothing is written (atomic by default)', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ features: { ...(creditPrediction(0).features as object), income: 'lots' } }, 'features.income'],
      [{ features: { age: 3, region: 'n', gender: 'f' } }, 'features.income'],
      [{ prediction: { label: 'maybe' } }, 'prediction.label'],
      [{ prediction: { label: 'deny', probabilities: { approve: 0.9, deny: 0.9 } } }, 'prediction.probabilities'],
      [{ timestamp: 'yesterday' }, 'timestamp'],
      [{ explanation: { income: 'high' } }, 'explanation.income'],
      [{ features: { ...(creditPrediction(0).features as object), colour: 'red' } }, 'features.colour'],
    ];
    for (const [override, field] of cases) {
      const batch = [creditPrediction(0, { model_id: 'atomic' }), creditPrediction(1, { model_id: 'atomic', ...override })];
      const err = expectErrorShape(await post(batch), 400, 'validation_failed');
      const problems = (err.details as { problems: { row: number; field: string }[] }).problems;
      expect(problems).toContainEqual(expect.objectContaining({ row: 1, field }));
      expect(err.message).toContain('row 1');
    }
    // every bad row is listed
    const many = [0, 1, 2, 3].map((i) => creditPrediction(i, { model_id: 'atomic', prediction: i % 2 ? { label: 'x' } : { label: 'deny' } }));
    const err = expectErrorShape(await post(many), 400);
    expect((err.details as { problems: { row: number }[] }).problems.map((p) => p.row)).toEqual([1, 3]);
    // NDJSON: a bad line far into the stream still fails the whole request
    const stream = rows('atomic', 0, 5000);
    stream[4321] = { ...stream[4321], features: 'nope' };
    const bulkErr = expectErrorShape(await bulk(ndjson(stream)), 400);
    expect((bulkErr.details as { problems: unknown[] }).problems).toEqual([expect.objectContaining({ row: 4321, field: 'features' })]);
    const notJson = expectErrorShape(await bulk(ndjson(rows('atomic', 0, 10)) + '{"model_id": \n'), 400);
    expect(notJson.message).toContain('line 11');
    expect(await storedCount(t, 'atomic')).toBe(0);
  });

  it('?partial=true keeps the good rows and returns the rejected ones with reasons', async () => {
    const batch = [creditPrediction(0, { model_id: 'atomic' }), creditPrediction(1, { model_id: 'atomic', prediction: { label: 'x' } }), creditPrediction(2, { model_id: 'atomic' })];
    const res = await post(batch, '?partial=true');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ accepted: 2, rejected: 1, duplicates: 0, prediction_ids: ['p-0', 'p-2'] });
    expect(res.json().errors).toEqual([expect.objectContaining({ row: 1, field: 'prediction.label' })]);

    const stream = rows('atomic', 10, 3000);
    stream[5] = { ...stream[5], model_id: 'nope' };
    const body = ndjson(stream).replace(JSON.stringify(stream[2000]), '{not json');
    const b = (await bulk(body, '?partial=true')).json();
    expect(b).toMatchObject({ accepted: 2998, rejected: 2 });
    expect(b.errors.map((e: { row: number }) => e.row)).toEqual([5, 2000]);
    expect(await storedCount(t, 'atomic')).toBe(2 + 2998);
  });

  it('unknown model → 404, whatever the route or mode', async () => {
    expectErrorShape(await post(creditPrediction(0, { model_id: 'ghost' })), 404, 'model_not_found');
    expectErrorShape(await post([creditPrediction(0, { model_id: 'single' }), creditPrediction(1, { model_id: 'ghost' })]), 404, 'model_not_found');
    expectErrorShape(await post([creditPrediction(0, { model_id: 'ghost' })], '?partial=true'), 404, 'model_not_found');
    expectErrorShape(await bulk(ndjson(rows('ghost', 0, 3))), 404, 'model_not_found');
    expectErrorShape(await post(creditPrediction(0, { model_id: undefined }), '?model_id=ghost'), 404);
    // ?model_id= supplies the model of rows that name none
    expect((await post({ ...creditPrediction(900), model_id: undefined }, '?model_id=single')).json().accepted).toBe(1);
  });

  it('oversized bodies → 413, malformed JSON → 400, other content types → 415', async () => {
    const before = await storedCount(t, 'limits');
    const huge = rows('limits', 0, Math.ceil(BODY_LIMIT / 300) + 10);
    expect(JSON.stringify(huge).length).toBeGreaterThan(BODY_LIMIT);
    expectErrorShape(await post(huge), 413, 'payload_too_large');
    const hugeNd = ndjson(rows('limits', 0, Math.ceil(BULK_LIMIT / 300) + 10));
    expect(hugeNd.length).toBeGreaterThan(BULK_LIMIT);
    expectErrorShape(await bulk(hugeNd), 413, 'payload_too_large');
    const send = (type: string, payload: string, url = '/api/v1/predictions') =>
      t.app.inject({ method: 'POST', url, headers: { ...bearer(t.keys.ingest), 'content-type': type }, payload });
    expectErrorShape(await send('application/json', '{"model_id": "limits",'), 400, 'invalid_json');
    expectErrorShape(await send('application/json', ''), 400, 'invalid_json');
    expectErrorShape(await send('text/plain', JSON.stringify(creditPrediction(0, { model_id: 'limits' }))), 415, 'unsupported_media_type');
    expectErrorShape(await send('application/xml', '<p/>'), 415, 'unsupported_media_type');
    expectErrorShape(await send('application/json', JSON.stringify(creditPrediction(0, { model_id: 'limits' })), '/api/v1/predictions/bulk'), 415);
    expect(await storedCount(t, 'limits')).toBe(before);
  });

  it('x-request-id is echoed, or made up when absent or unusable', async () => {
    const withId = await t.app.inject({ method: 'POST', url: '/api/v1/predictions', headers: { ...bearer(t.keys.ingest), 'x-request-id': 'req-42' }, payload: creditPrediction(0, { model_id: 'ghost' }) });
    expect(withId.statusCode).toBe(404);
    expect(withId.headers['x-request-id']).toBe('req-42');
    const without = await t.app.inject({ method: 'GET', url: '/health' });
    expect(without.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const tooLong = await t.app.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': 'x'.repeat(500) } });
    expect(tooLong.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});
