import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, parseModelSchema, type Model } from '../../src/domain/model-schema.js';
import type { FieldProblem } from '../../src/errors/catalog.js';
import { PredictionBuilder } from '../../src/ingest/prediction-builder.js';
import type { OutcomeRecord, Store } from '../../src/store/store.js';
import { DAY, T0, freshId, useStore } from './conformance-helpers.js';
import { STORE_FACTORIES } from './store-fixtures.js';

function modelOf(schema: Record<string, unknown>): Model {
  const id = freshId('cols');
  return { model_id: id, name: id, description: '', schema_version: 1, schema: parseModelSchema(schema), settings: DEFAULT_SETTINGS, created_at: 1, updated_at: 1 };
}

async function write(store: Store, model: Model, rows: Record<string, unknown>[]) {
  await store.createModel(model);
  const b = new PredictionBuilder(model, rows.length, T0);
  const problems: FieldProblem[] = [];
  rows.forEach((r, i) => b.add(r, i, problems));
  expect(problems).toEqual([]);
  await store.writePredictions([{ model_id: model.model_id, schema_version: 1, columns: b.build() }]);
}

/** scanOutcomeColumns and scanOutcomes must tell the same, outcome by outcome. */
async function expectSameAsRows(store: Store, modelId: string, from: number, to: number, actual: 'label' | 'value') {
  const cols = await store.scanOutcomeColumns(modelId, from, to, actual);
  const rows = await store.scanOutcomes(modelId, from, to);
  expect(cols.rows).toBe(rows.length);
  const got = Array.from({ length: cols.rows }, (_, i) => ({
    id: cols.predictionId[i],
    ts: cols.predictionTs[i],
    label: cols.label[i],
    value: Number.isNaN(cols.value[i]) ? null : cols.value[i],
  }));
  const want = rows.map((r) => ({ id: r.prediction_id, ts: r.prediction_ts, label: actual === 'label' ? r.label : null, value: actual === 'value' ? r.value : null }));
  const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : 1);
  expect(got.sort(byId)).toEqual(want.sort(byId));
  return cols;
}

const outcome = (modelId: string, id: string, label: string | null, value: number | null): OutcomeRecord => ({
  model_id: modelId,
  prediction_id: id,
  label,
  value,
  timestamp: T0 + 3 * DAY,
  received_at: T0 + 3 * DAY,
  prediction_ts: null,
});

describe.each(STORE_FACTORIES)('store conformance: outcomes as columns ($name)', (factory) => {
  const store = useStore(factory);

  it('reads labels exactly, also one holding the column separator, and only the range asked for', async () => {
    const s = store();
    const labels = ['a', 'we\u001fird', 'c,d', '=e'];
    const model = modelOf({ task: 'multiclass_classification', labels, features: [{ name: 'x', type: 'numeric' }] });
    const ids = Array.from({ length: 40 }, (_, i) => `id,${i}\u00e9`);
    await write(
      s,
      model,
      ids.map((id, i) => ({ prediction_id: id, timestamp: T0 + i * 3_600_000, features: { x: i }, prediction: { label: labels[i % 4] } })),
    );
    // the separator label only in the second half
    // (and one outcome without a label)
    await s.writeOutcomes(ids.map((id, i) => outcome(model.model_id, id, i === 7 ? null : i < 20 ? labels[[0, 2, 3][i % 3]] : labels[i % 4], null)));
    const first = await expectSameAsRows(s, model.model_id, T0, T0 + 20 * 3_600_000, 'label');
    expect(first.rows).toBe(20);
    expect((await expectSameAsRows(s, model.model_id, T0, T0 + 40 * 3_600_000, 'label')).label).toContain('we\u001fird');
    expect((await expectSameAsRows(s, model.model_id, T0 + 100 * DAY, T0 + 101 * DAY, 'label')).rows).toBe(0);
  });

  it('reads actual values back bit for bit', async () => {
    const s = store();
    const model = modelOf({ task: 'regression', features: [{ name: 'x', type: 'numeric' }] });
    const values = [0.1, 1 / 3, -2.5e-300, 1.7976931348623157e308, 123456789.123456789, -0, 5, 2 ** 53 + 2];
    await write(
      s,
      model,
      values.map((_, i) => ({ prediction_id: `r${i}`, timestamp: T0 + i, features: { x: i }, prediction: { value: i } })),
    );
    await s.writeOutcomes([...values.map((v, i) => outcome(model.model_id, `r${i}`, null, v))]);
    const cols = await expectSameAsRows(s, model.model_id, T0, T0 + DAY, 'value');
    const byId = new Map(cols.predictionId.map((id, i) => [id, cols.value[i]]));
    values.forEach((v, i) => expect(byId.get(`r${i}`) === v, `r${i}`).toBe(true));
  });
});
