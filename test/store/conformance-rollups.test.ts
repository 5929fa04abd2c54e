import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, parseModelSchema, type Model } from '../../src/domain/model-schema.js';
import type { FieldProblem } from '../../src/errors/catalog.js';
import { PredictionBuilder } from '../../src/ingest/prediction-builder.js';
import type { OutcomeSummary } from '../../src/store/monitoring-store.js';
import type { OutcomeRecord, Store } from '../../src/store/store.js';
import { Prng } from '../../src/stats/prng.js';
import { DAY, T0, batchOf, createModel, freshId, useStore } from './conformance-helpers.js';
import { STORE_FACTORIES } from './store-fixtures.js';

const HOUR = 3_600_000;
const LABELS = ['a', 'b', 'c'];

/** What summarizeOutcomes must answer, computed from the rows the test wrote. */
interface Truth {
  ts: Map<string, number>;
  predicted: Map<string, string | number>;
  actual: Map<string, string | number>;
}

function expectedCells(t: Truth, from: number, to: number): OutcomeSummary['cells'] {
  const counts = new Map<string, number>();
  for (const [id, actual] of t.actual) {
    const ts = t.ts.get(id);
    if (ts === undefined || ts < from || ts >= to) continue;
    const k = `${t.predicted.get(id)}|${actual}`;
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return [...counts].map(([k, n]) => ({ predicted: k.split('|')[0], actual: k.split('|')[1], n }));
}

const sortCells = (cells: OutcomeSummary['cells']) => [...cells].sort((a, b) => `${a.predicted}|${a.actual}`.localeCompare(`${b.predicted}|${b.actual}`));

/** Ranges with edges inside hours, on hour boundaries, inside one hour, and around everything. */
function ranges(rng: Prng): [number, number][] {
  const out: [number, number][] = [
    [T0 - DAY, T0 + 10 * DAY],
    [T0, T0 + 3 * DAY],
    [T0 + 5 * HOUR, T0 + 29 * HOUR],
    [T0 + 5 * HOUR + 17, T0 + 5 * HOUR + 1_000_000],
    [T0 + 30 * HOUR + 1, T0 + 30 * HOUR],
  ];
  for (let i = 0; i < 12; i++) {
    const a = T0 + Math.floor(rng.nextFloat() * 3 * DAY);
    out.push([a, a + Math.floor(rng.nextFloat() * 2 * DAY)]);
  }
  return out;
}

describe.each(STORE_FACTORIES)('store conformance: outcome rollups ($name)', (factory) => {
  const store = useStore(factory);

  async function expectMatches(s: Store, modelId: string, truth: Truth, rng: Prng) {
    for (const [from, to] of ranges(rng)) {
      const got = await s.summarizeOutcomes(modelId, from, to);
      expect(sortCells(got.cells), `[${from - T0}, ${to - T0})`).toEqual(sortCells(expectedCells(truth, from, to)));
      expect(got.regression.n).toBe(0);
    }
  }

  it('adds up whole hours and edge rows exactly as the outcomes say, through late links, corrections and retention', async () => {
    const s = store();
    const model = await createModel(s, 'roll');
    const rng = new Prng(11);
    const truth: Truth = { ts: new Map(), predicted: new Map(), actual: new Map() };
    const rows = Array.from({ length: 400 }, (_, i) => {
      const id = `r-${i}`;
      const ts = T0 + Math.floor(rng.nextFloat() * 3 * DAY);
      const label = LABELS[Math.floor(rng.nextFloat() * 3)];
      truth.ts.set(id, ts);
      truth.predicted.set(id, label);
      return { id, ts, label };
    });
    const outcome = (id: string): OutcomeRecord => {
      const label = LABELS[Math.floor(rng.nextFloat() * 3)];
      truth.actual.set(id, label);
      return { model_id: model.model_id, prediction_id: id, label, value: null, timestamp: T0 + 5 * DAY, received_at: T0 + 5 * DAY, prediction_ts: null };
    };
    // a third of the outcomes arrive before their predictions (linked when those come)
    await s.writeOutcomes(rows.slice(0, 130).map((r) => outcome(r.id)));
    await s.writePredictions([batchOf(model, rows.slice(0, 200)), batchOf(model, rows.slice(200))]);
    for (let i = 130; i < 330; i += 50) await s.writeOutcomes(rows.slice(i, i + 50).map((r) => outcome(r.id)));
    // corrections replace earlier outcomes
    await s.writeOutcomes(rows.slice(100, 160).map((r) => outcome(r.id)));
    await expectMatches(s, model.model_id, truth, rng);
    // asking twice gives the same (PostgreSQL compacts its deltas on the first read)
    const whole = await s.summarizeOutcomes(model.model_id, T0, T0 + 3 * DAY);
    expect(sortCells((await s.summarizeOutcomes(model.model_id, T0, T0 + 3 * DAY)).cells)).toEqual(sortCells(whole.cells));
    // retention takes the first day's predictions and outcomes
    while (!(await s.deletePredictionsBefore(model.model_id, T0 + DAY, 10_000)).done);
    for (const [id, ts] of truth.ts) if (ts < T0 + DAY) truth.actual.delete(id);
    await expectMatches(s, model.model_id, truth, rng);
  });

  it('sums regression errors of whole hours and edges like one pass over the rows', async () => {
    const s = store();
    const id = freshId('reg');
    const model: Model = {
      model_id: id,
      name: id,
      description: '',
      schema_version: 1,
      schema: parseModelSchema({ task: 'regression', features: [{ name: 'x', type: 'numeric' }] }),
      settings: DEFAULT_SETTINGS,
      created_at: 1,
      updated_at: 1,
    };
    await s.createModel(model);
    const rng = new Prng(5);
    const b = new PredictionBuilder(model, 300, T0);
    const problems: FieldProblem[] = [];
    const rows = Array.from({ length: 300 }, (_, i) => ({ id: `v-${i}`, ts: T0 + Math.floor(rng.nextFloat() * 2 * DAY), pred: rng.nextFloat() * 100, actual: i % 7 === 0 ? 0 : rng.nextFloat() * 100 - 20 }));
    rows.forEach((r, i) => b.add({ prediction_id: r.id, timestamp: r.ts, features: { x: 1 }, prediction: { value: r.pred } }, i, problems));
    expect(problems).toEqual([]);
    await s.writePredictions([{ model_id: id, schema_version: 1, columns: b.build() }]);
    await s.writeOutcomes(rows.map((r) => ({ model_id: id, prediction_id: r.id, label: null, value: r.actual, timestamp: T0 + 3 * DAY, received_at: T0 + 3 * DAY, prediction_ts: null })));
    for (const [from, to] of [
      [T0, T0 + 2 * DAY],
      [T0 + 3 * HOUR + 5, T0 + 40 * HOUR - 5],
    ]) {
      const inRange = rows.filter((r) => r.ts >= from && r.ts < to);
      const summary = await s.summarizeOutcomes(id, from, to);
      const got = summary.regression;
      expect(got.n).toBe(inRange.length);
      const sum = (f: (r: (typeof rows)[number]) => number) => inRange.reduce((acc, r) => acc + f(r), 0);
      expect(got.sum_abs_error).toBeCloseTo(sum((r) => Math.abs(r.actual - r.pred)), 6);
      expect(got.sum_sq_error).toBeCloseTo(sum((r) => (r.actual - r.pred) ** 2), 4);
      expect(got.sum_y).toBeCloseTo(sum((r) => r.actual), 6);
      expect(got.sum_y2).toBeCloseTo(sum((r) => r.actual ** 2), 4);
      expect(got.sum_abs_pct_error / sum((r) => Math.abs(r.actual - r.pred) / Math.max(Math.abs(r.actual), 2.220446049250313e-16))).toBeCloseTo(1, 9);
      expect(summary.cells).toEqual([]);
    }
  });
});
