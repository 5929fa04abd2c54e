import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_FACTORIES } from '../store/store-fixtures.js';
import { CREDIT_MODEL, T0, type TestApp, bearer, creditPrediction, expectErrorShape, ndjson, registerModel, startTestApp } from './http-fixtures.js';

describe.each(STORE_FACTORIES)('HTTP outcomes ($name)', (factory) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(factory);
    await registerModel(t, { ...CREDIT_MODEL, model_id: 'oc' });
    await registerModel(t, { model_id: 'reg', task: 'regression', features: [{ name: 'x', type: 'numeric' }] });
  });
  afterAll(async () => t?.close());

  const postOutcomes = (payload: unknown, query = '') =>
    t.app.inject({ method: 'POST', url: `/api/v1/outcomes${query}`, headers: bearer(t.keys.ingest), payload: payload as object });
  const postPredictions = (payload: unknown) => t.app.inject({ method: 'POST', url: '/api/v1/predictions', headers: bearer(t.keys.ingest), payload: payload as object });
  const prediction = (id: string, model = 'oc') => t.app.inject({ method: 'GET', url: `/api/v1/predictions/${id}?model_id=${model}`, headers: bearer(t.keys.read) });
  const outcome = (id: string, model = 'oc') => t.app.inject({ method: 'GET', url: `/api/v1/outcomes/${id}?model_id=${model}`, headers: bearer(t.keys.read) });

  it('links one outcome, or an array, to earlier predictions', async () => {
    await postPredictions([creditPrediction(1, { model_id: 'oc' }), creditPrediction(2, { model_id: 'oc' }), creditPrediction(3, { model_id: 'oc' })]);
    const one = await postOutcomes({ model_id: 'oc', prediction_id: 'p-1', actual: 'deny', timestamp: '2026-03-01T00:00:00Z' });
    expect(one.json()).toEqual({ accepted: 1, linked: 1, rejected: 0, errors: [] });
    expect((await prediction('p-1')).json().outcome).toEqual({ actual: 'deny', timestamp: '2026-03-01T00:00:00.000Z' });
    expect((await outcome('p-1')).json()).toMatchObject({ actual: 'deny', prediction_timestamp: creditPrediction(1).timestamp, received_at: new Date(T0).toISOString() });

    const arr = await postOutcomes([
      { model_id: 'oc', prediction_id: 'p-2', actual: 'approve' },
      { prediction_id: 'p-3', label: 'deny' },
    ], '?model_id=oc');
    expect(arr.json()).toMatchObject({ accepted: 2, linked: 2 });
    expect((await prediction('p-3')).json().outcome.actual).toBe('deny');
    // a later outcome for the same prediction is a correction; in one request the last one wins
    await postOutcomes([
      { model_id: 'oc', prediction_id: 'p-2', actual: 'deny' },
      { model_id: 'oc', prediction_id: 'p-2', actual: 'approve' },
      { model_id: 'oc', prediction_id: 'p-2', actual: 'deny' },
    ]);
    expect((await prediction('p-2')).json().outcome.actual).toBe('deny');
  });

  it('keeps an outcome that arrives before its prediction and joins it when the prediction comes', async () => {
    const early = await postOutcomes({ model_id: 'oc', prediction_id: 'late-1', actual: 'approve' });
    expect(early.json()).toMatchObject({ accepted: 1, linked: 0 });
    expect((await outcome('late-1')).json()).toMatchObject({ actual: 'approve', prediction_timestamp: null });
    expectErrorShape(await prediction('late-1'), 404, 'not_found');

    const p = creditPrediction(50, { model_id: 'oc', prediction_id: 'late-1' });
    expect((await postPredictions(p)).json().accepted).toBe(1);
    expect((await prediction('late-1')).json().outcome).toMatchObject({ actual: 'approve' });
    expect((await outcome('late-1')).json().prediction_timestamp).toBe(p.timestamp);
  });

  it('takes NDJSON outcomes in bulk, before and after the predictions', async () => {
    const ids = Array.from({ length: 1500 }, (_, i) => `nd-${i}`);
    // half the outcomes first, then all predictions (NDJSON), then the other half
    const outcomesNd = (part: string[]) => ndjson(part.map((id, i) => ({ model_id: 'oc', prediction_id: id, actual: i % 3 ? 'approve' : 'deny' })));
    const send = (body: string) => t.app.inject({ method: 'POST', url: '/api/v1/outcomes', headers: { ...bearer(t.keys.ingest), 'content-type': 'application/x-ndjson' }, payload: body });
    expect((await send(outcomesNd(ids.slice(0, 750)))).json()).toMatchObject({ accepted: 750, linked: 0 });
    const preds = ids.map((id, i) => creditPrediction(1000 + i, { model_id: 'oc', prediction_id: id }));
    const bulk = await t.app.inject({ method: 'POST', url: '/api/v1/predictions/bulk', headers: { ...bearer(t.keys.ingest), 'content-type': 'application/x-ndjson' }, payload: ndjson(preds) });
    expect(bulk.json().accepted).toBe(1500);
    expect((await send(outcomesNd(ids.slice(750)))).json()).toMatchObject({ accepted: 750, linked: 750 });
    for (const i of [0, 749, 750, 1499]) {
      const got = (await prediction(ids[i])).json();
      expect(got.outcome, ids[i]).not.toBeNull();
      expect((await outcome(ids[i])).json().prediction_timestamp).toBe(preds[i].timestamp);
    }
  });

  it('validates outcomes against the model: 400 naming row and field, nothing stored; partial keeps the good ones', async () => {
    const bad = [
      { model_id: 'oc', prediction_id: 'v-1', actual: 'deny' },
      { model_id: 'oc', prediction_id: 'v-2', actual: 'perhaps' },
      { model_id: 'oc', actual: 'deny' },
      { model_id: 'oc', prediction_id: 'v-4', actual: 'deny', timestamp: 'soon' },
    ];
    const err = expectErrorShape(await postOutcomes(bad), 400, 'validation_failed');
    expect((err.details as { problems: unknown[] }).problems).toEqual([
      expect.objectContaining({ row: 1, field: 'actual' }),
      expect.objectContaining({ row: 2, field: 'prediction_id' }),
      expect.objectContaining({ row: 3, field: 'timestamp' }),
    ]);
    expectErrorShape(await outcome('v-1'), 404);

    const partial = (await postOutcomes(bad, '?partial=true')).json();
    expect(partial).toMatchObject({ accepted: 1, rejected: 3 });
    expect((await outcome('v-1')).json().actual).toBe('deny');

    expectErrorShape(await postOutcomes({ model_id: 'reg', prediction_id: 'r-1', actual: 'high' }), 400);
    expect((await postOutcomes({ model_id: 'reg', prediction_id: 'r-1', actual: 12.5 })).json().accepted).toBe(1);
    expect((await outcome('r-1', 'reg')).json().actual).toBe(12.5);

    expectErrorShape(await postOutcomes({ model_id: 'ghost', prediction_id: 'x', actual: 'deny' }), 404, 'model_not_found');
    expectErrorShape(await postOutcomes([{ model_id: 'ghost', prediction_id: 'x', actual: 'deny' }], '?partial=true'), 404, 'model_not_found');
    const mixed = (await postOutcomes([{ model_id: 'ghost', prediction_id: 'x', actual: 'deny' }, { model_id: 'oc', prediction_id: 'v-9', actual: 'deny' }], '?partial=true')).json();
    expect(mixed).toMatchObject({ accepted: 1, rejected: 1, errors: [expect.objectContaining({ row: 0, field: 'model_id' })] });
    const nd = await t.app.inject({ method: 'POST', url: '/api/v1/outcomes?partial=true', headers: { ...bearer(t.keys.ingest), 'content-type': 'application/x-ndjson' }, payload: '{"model_id":"oc","prediction_id":"n-1","actual":"deny"}\n{oops\n' });
    expect(nd.json()).toMatchObject({ accepted: 1, rejected: 1, errors: [expect.objectContaining({ row: 1, problem: expect.stringContaining('line 2') })] });
  });
});
