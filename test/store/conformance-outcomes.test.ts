import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, parseModelSchema, type Model } from '../../src/domain/model-schema.js';
import type { FieldProblem } from '../../src/errors/catalog.js';
import { PredictionBuilder } from '../../src/ingest/prediction-builder.js';
import type { OutcomeRecord, PredictionBatch } from '../../src/store/store.js';
import { DAY, T0, batchOf, createModel, freshId, useStore, CONFORMANCE_FACTORIES } from './conformance-helpers.js';

const outcome = (modelId: string, predictionId: string, label: string, timestamp: number): OutcomeRecord => ({
  model_id: modelId,
  prediction_id: predictionId,
  label,
  value: null,
  timestamp,
  received_at: timestamp + 1,
  prediction_ts: null,
});

function modelOf(schema: Record<string, unknown>): Model {
  const id = freshId('task');
  return { model_id: id, name: id, description: '', schema_version: 1, schema: parseModelSchema(schema), settings: DEFAULT_SETTINGS, created_at: 1, updated_at: 1 };
}

function rawBatch(model: Model, rows: Record<string, unknown>[]): PredictionBatch {
  const b = new PredictionBuilder(model, rows.length, T0);
  const problems: FieldProblem[] = [];
  rows.forEach((r, i) => b.add(r, i, problems));
  expect(problems).toEqual([]);
  return { model_id: model.model_id, schema_version: 1, columns: b.build() };
}

describe.each(CONFORMANCE_FACTORIES)('store conformance: outcomes ($label)', (factory) => {
  const store = useStore(factory);

  it('links an outcome to a stored prediction and returns it by prediction time', async () => {
    const model = await createModel(store());
    await store().writePredictions([batchOf(model, [{ id: 'p1', ts: T0 + 100 }, { id: 'p2', ts: T0 + DAY + 100 }])]);
    const res = await store().writeOutcomes([outcome(model.model_id, 'p1', 'a', T0 + 5 * DAY), outcome(model.model_id, 'p2', 'c', T0 + 5 * DAY)]);
    expect(res).toEqual({ written: 2, linked: 2 });
    expect(await store().getOutcome(model.model_id, 'p1')).toEqual({
      ...outcome(model.model_id, 'p1', 'a', T0 + 5 * DAY),
      prediction_ts: T0 + 100,
      // what was predicted travels with the outcome (performance windows need no block read)
      pred_label: 'b',
      pred_score: null,
      pred_value: null,
    });
    // the window is about prediction time, not when the outcome was observed
    const first = await store().scanOutcomes(model.model_id, T0, T0 + DAY);
    expect(first.map((o) => o.prediction_id)).toEqual(['p1']);
    expect(await store().scanOutcomes(model.model_id, T0 + 5 * DAY, T0 + 6 * DAY)).toEqual([]);
    expect((await store().scanOutcomes(model.model_id, T0 + 100, T0 + DAY + 100)).map((o) => o.prediction_id)).toEqual(['p1']);
  });

  it('a later outcome for the same prediction replaces the earlier one (a correction)', async () => {
    const model = await createModel(store());
    await store().writePredictions([batchOf(model, [{ id: 'p', ts: T0 }])]);
    await store().writeOutcomes([outcome(model.model_id, 'p', 'a', T0 + 10)]);
    await store().writeOutcomes([outcome(model.model_id, 'p', 'b', T0 + 20)]);
    const got = await store().getOutcome(model.model_id, 'p');
    expect(got).toMatchObject({ label: 'b', timestamp: T0 + 20, received_at: T0 + 21, prediction_ts: T0 });
    expect(await store().scanOutcomes(model.model_id, T0, T0 + 1)).toHaveLength(1);
  });

  it('keeps regression values as numbers', async () => {
    const model = await createModel(store());
    await store().writeOutcomes([{ ...outcome(model.model_id, 'r', 'x', T0), label: null, value: -3.25 }]);
    expect(await store().getOutcome(model.model_id, 'r')).toMatchObject({ label: null, value: -3.25, prediction_ts: null });
  });

  it('keeps an outcome that arrives first and links it when its prediction comes', async () => {
    const model = await createModel(store());
    const early = await store().writeOutcomes([outcome(model.model_id, 'late-pred', 'c', T0 + 50), outcome(model.model_id, 'never', 'a', T0 + 60)]);
    expect(early).toEqual({ written: 2, linked: 0 });
    expect((await store().getOutcome(model.model_id, 'late-pred'))?.prediction_ts).toBeNull();
    expect(await store().scanOutcomes(model.model_id, 0, 8.64e15)).toEqual([]);

    await store().writePredictions([batchOf(model, [{ id: 'other', ts: T0 + 1 }, { id: 'late-pred', ts: T0 + 2 * DAY, label: 'a' }])]);
    expect(await store().getOutcome(model.model_id, 'late-pred')).toMatchObject({ prediction_ts: T0 + 2 * DAY, label: 'c', pred_label: 'a' });
    expect((await store().getOutcome(model.model_id, 'never'))?.prediction_ts).toBeNull();
    const window = await store().scanOutcomes(model.model_id, T0 + 2 * DAY, T0 + 3 * DAY);
    expect(window.map((o) => [o.prediction_id, o.label])).toEqual([['late-pred', 'c']]);
  });

  it('does not relink an outcome from a duplicate prediction write', async () => {
    const model = await createModel(store());
    await store().writePredictions([batchOf(model, [{ id: 'p', ts: T0 + 5 }])]);
    await store().writeOutcomes([outcome(model.model_id, 'p', 'a', T0 + 50)]);
    // a retry carrying another timestamp is a duplicate: the outcome stays with the stored row
    await store().writePredictions([batchOf(model, [{ id: 'p', ts: T0 + 3 * DAY }])]);
    expect((await store().getOutcome(model.model_id, 'p'))?.prediction_ts).toBe(T0 + 5);
  });

  it('keeps outcomes of different models apart', async () => {
    const m1 = await createModel(store());
    const m2 = await createModel(store());
    await store().writePredictions([batchOf(m1, [{ id: 'p', ts: T0 }])]);
    const res = await store().writeOutcomes([outcome(m1.model_id, 'p', 'a', T0), outcome(m2.model_id, 'p', 'b', T0)]);
    expect(res.linked).toBe(1);
    expect((await store().getOutcome(m2.model_id, 'p'))?.prediction_ts).toBeNull();
    expect(await store().getOutcome(m1.model_id, 'nope')).toBeNull();
  });

  it('writes many outcomes in one call (more than one statement worth)', async () => {
    const model = await createModel(store());
    const n = 1000;
    await store().writePredictions([batchOf(model, Array.from({ length: n }, (_, i) => ({ id: `p${i}`, ts: T0 + i })))]);
    const rows = Array.from({ length: n + 10 }, (_, i) => outcome(model.model_id, `p${i}`, ['a', 'b', 'c'][i % 3], T0 + DAY));
    expect(await store().writeOutcomes(rows)).toEqual({ written: n + 10, linked: n });
    const scanned = await store().scanOutcomes(model.model_id, T0, T0 + n);
    expect(scanned).toHaveLength(n);
    expect(new Set(scanned.map((o) => o.prediction_id)).size).toBe(n);
    expect(await store().writeOutcomes([])).toEqual({ written: 0, linked: 0 });
  });

  it('carries the positive-class score (binary) and the predicted value (regression) onto outcomes', async () => {
    const binary = modelOf({ task: 'binary_classification', labels: ['no', 'yes'], features: [{ name: 'x', type: 'numeric' }] });
    const regression = modelOf({ task: 'regression', features: [{ name: 'x', type: 'numeric' }] });
    for (const m of [binary, regression]) await store().createModel(m);
    // one outcome early, one late
    await store().writeOutcomes([{ ...outcome(binary.model_id, 'b1', 'yes', T0), prediction_ts: null }]);
    await store().writePredictions([
      rawBatch(binary, [
        { prediction_id: 'b1', timestamp: T0, features: { x: 1 }, prediction: { probabilities: { no: 0.3, yes: 0.7 } } },
        { prediction_id: 'b2', timestamp: T0, features: { x: 1 }, prediction: { label: 'no', confidence: 0.9 } },
      ]),
      rawBatch(regression, [{ prediction_id: 'r1', timestamp: T0, features: { x: 1 }, prediction: { value: 41.5 } }]),
    ]);
    await store().writeOutcomes([outcome(binary.model_id, 'b2', 'yes', T0), { ...outcome(regression.model_id, 'r1', 'x', T0), label: null, value: 40 }]);
    expect(await store().getOutcome(binary.model_id, 'b1')).toMatchObject({ pred_label: 'yes', pred_score: 0.7, pred_value: null });
    const b2 = await store().getOutcome(binary.model_id, 'b2');
    expect(b2).toMatchObject({ pred_label: 'no', pred_value: null });
    expect(b2?.pred_score).toBeCloseTo(0.1, 12);
    expect(await store().getOutcome(regression.model_id, 'r1')).toMatchObject({ pred_label: null, pred_score: null, pred_value: 41.5, value: 40 });
  });
});
