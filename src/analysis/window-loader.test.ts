import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, parseModelSchema, type Model } from '../domain/model-schema.js';
import type { FieldProblem } from '../errors/catalog.js';
import { PredictionBuilder } from '../ingest/prediction-builder.js';
import type { Store } from '../store/store.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { binUnsorted } from './unsorted-bins.js';
import { loadWindow, type WindowLoadTiming } from './window-loader.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 2, 1);
const LABELS = ['a', 'b', 'c'];

interface Row {
  id: string;
  ts: number;
  x: number;
  city: string;
  label: string;
  z?: number;
  actual?: string;
}

const schemaV1 = {
  task: 'multiclass_classification',
  labels: LABELS,
  features: [
    { name: 'x', type: 'numeric' },
    { name: 'city', type: 'categorical' },
  ],
  explanation_features: ['x'],
};
// version 2 adds a feature; rows written under version 1 have it missing
const schemaV2 = { ...schemaV1, features: [...schemaV1.features, { name: 'z', type: 'numeric', required: false }] };

function batch(model: Model, rows: Row[]) {
  const b = new PredictionBuilder(model, rows.length, T0);
  const problems: FieldProblem[] = [];
  rows.forEach((r, i) =>
    b.add(
      {
        prediction_id: r.id,
        timestamp: r.ts,
        features: { x: r.x, city: r.city, ...(r.z !== undefined ? { z: r.z } : {}) },
        prediction: { label: r.label, probabilities: Object.fromEntries(LABELS.map((l) => [l, l === r.label ? 0.5 : 0.25])) },
        explanation: { x: r.x / 1000 },
      },
      i,
      problems,
    ),
  );
  expect(problems).toEqual([]);
  return { model_id: model.model_id, schema_version: model.schema_version, columns: b.build() };
}

describe('loadWindow', () => {
  let store: Store;
  const dir = mkdtempSync(join(tmpdir(), 'dw-window-'));
  let model: Model;
  const rows: Row[] = [];

  beforeAll(async () => {
    store = SqliteStore.open({ path: join(dir, 'w.db') });
    await store.migrate();
    const v1: Model = { model_id: 'win', name: 'win', description: '', schema_version: 1, schema: parseModelSchema(schemaV1), settings: DEFAULT_SETTINGS, created_at: 1, updated_at: 1 };
    await store.createModel(v1);
    // four days, several blocks per day, some predictions sharing a millisecond
    let seq = 0;
    const make = (ts: number, z?: number): Row => {
      const i = seq++;
      return { id: `p-${i}`, ts, x: i, city: ['oslo', 'rome', 'lima'][i % 3], label: LABELS[(i * 7) % 3], z, actual: i % 3 === 0 || i % 5 === 0 ? LABELS[i % 2] : undefined };
    };
    const day1 = Array.from({ length: 300 }, (_, i) => make(T0 + i * 240_000));
    const day2 = Array.from({ length: 300 }, (_, i) => make(T0 + DAY + Math.floor(i / 3) * 500_000));
    await store.writePredictions([batch(v1, day1.slice(0, 120)), batch(v1, day1.slice(120))]);
    await store.writePredictions([batch(v1, day2)]);
    model = await store.updateModel('win', { schema: parseModelSchema(schemaV2) }, 2);
    expect(model.schema_version).toBe(2);
    const day3 = Array.from({ length: 300 }, (_, i) => make(T0 + 2 * DAY + 1000 + i * 200_000, i / 10));
    const day4 = Array.from({ length: 100 }, (_, i) => make(T0 + 3 * DAY + i * 1000, -i));
    await store.writePredictions([batch(model, day3), batch(model, day4)]);
    rows.push(...day1, ...day2, ...day3, ...day4);
    const withOutcome = rows.filter((r) => r.actual !== undefined);
    await store.writeOutcomes(withOutcome.map((r) => ({ model_id: 'win', prediction_id: r.id, label: r.actual!, value: null, timestamp: T0 + 9 * DAY, received_at: T0 + 9 * DAY, prediction_ts: null })));
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('holds exactly the rows of the range, across days, blocks and schema versions, with their outcomes', async () => {
    const from = T0 + 12 * 3_600_000 + 7;
    const to = T0 + 3 * DAY + 50 * 1000;
    const timing: WindowLoadTiming = { count: 0, outcomes: 0, scan: 0, copy: 0 };
    const w = await loadWindow(store, model, from, to, { timing });
    const expected = rows.filter((r) => r.ts >= from && r.ts < to);
    expect(w.rows).toBe(expected.length);
    expect(w.labelled).toBe(expected.filter((r) => r.actual !== undefined).length);
    expect(Object.values(timing).every((v) => v >= 0)).toBe(true);
    // x is unique per row: use it to find each row in the window
    const xs = w.numeric.get('x')!;
    const z = w.numeric.get('z')!;
    const city = w.categorical.get('city')!;
    const byX = new Map(expected.map((r) => [r.x, r]));
    const seen = new Set<number>();
    for (let i = 0; i < w.rows; i++) {
      const r = byX.get(xs[i]);
      expect(r, `row with x=${xs[i]}`).toBeDefined();
      seen.add(r!.x);
      expect(city.dict[city.codes[i]]).toBe(r!.city);
      expect(LABELS[w.label![i]]).toBe(r!.label);
      expect(w.actualLabel![i]).toBe(r!.actual === undefined ? -1 : LABELS.indexOf(r!.actual));
      if (r!.z === undefined) expect(z[i]).toBeNaN();
      else expect(z[i]).toBe(r!.z);
      expect(w.explanations.get('x')![i]).toBe(r!.x / 1000);
      expect(Array.from(w.probabilities!.subarray(i * 3, i * 3 + 3))).toEqual(LABELS.map((l) => (l === r!.label ? 0.5 : 0.25)));
      expect(w.confidence![i]).toBe(0.5);
    }
    expect(seen.size).toBe(expected.length);
  });

  it('bins explanations while loading, exactly as binning the loaded column afterwards', async () => {
    const from = T0 + 6 * 3_600_000;
    const to = T0 + 3 * DAY + 10_000;
    const kept = await loadWindow(store, model, from, to);
    const edges = Float64Array.from([0.05, 0.2, 0.2000001, 0.5, 0.8]);
    const binned = await loadWindow(store, model, from, to, { explanationEdges: new Map([['x', edges]]) });
    expect(binned.explanations.has('x')).toBe(false);
    expect(binned.rows).toBe(kept.rows);
    expect(binned.explanationBins!.get('x')).toEqual(binUnsorted(kept.explanations.get('x')!, edges));
    expect(binned.explanationBins!.get('x')!.n).toBe(kept.rows);
  });

  it('joins actual values for a regression model (rows without an outcome stay NaN)', async () => {
    const reg: Model = { model_id: 'reg', name: 'reg', description: '', schema_version: 1, schema: parseModelSchema({ task: 'regression', features: [{ name: 'x', type: 'numeric' }] }), settings: DEFAULT_SETTINGS, created_at: 1, updated_at: 1 };
    await store.createModel(reg);
    const b = new PredictionBuilder(reg, 50, T0);
    const problems: FieldProblem[] = [];
    // pairs of predictions share a millisecond; only one of each pair gets an outcome
    for (let i = 0; i < 50; i++) b.add({ prediction_id: `v${i}`, timestamp: T0 + Math.floor(i / 2) * 1000, features: { x: i }, prediction: { value: i } }, i, problems);
    expect(problems).toEqual([]);
    await store.writePredictions([{ model_id: 'reg', schema_version: 1, columns: b.build() }]);
    await store.writeOutcomes(Array.from({ length: 25 }, (_, k) => ({ model_id: 'reg', prediction_id: `v${2 * k + 1}`, label: null, value: k / 3, timestamp: T0 + DAY, received_at: T0 + DAY, prediction_ts: null })));
    const w = await loadWindow(store, reg, T0, T0 + DAY);
    expect(w.rows).toBe(50);
    expect(w.labelled).toBe(25);
    const xs = w.numeric.get('x')!;
    for (let i = 0; i < w.rows; i++) {
      const x = xs[i];
      if (x % 2 === 1) expect(w.actualValue![i]).toBe((x - 1) / 2 / 3);
      else expect(w.actualValue![i]).toBeNaN();
    }
  });

  it('leaves the actual labels out when no outcome falls in the range', async () => {
    const w = await loadWindow(store, model, T0 + 3 * DAY + 1, T0 + 3 * DAY + 2999);
    expect(w.rows).toBe(2);
    expect(w.actualLabel).toBeNull();
    expect(w.labelled).toBe(0);
  });
});
