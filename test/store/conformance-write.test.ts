import { describe, expect, it } from 'vitest';
import { concatColumnSets } from '../../src/store/blocks/columns.js';
import { DAY, T0, batchOf, collect, createModel, rowsAt, scannedRows, useStore, valuesOf, CONFORMANCE_FACTORIES } from './conformance-helpers.js';

describe.each(CONFORMANCE_FACTORIES)('store conformance: writing predictions ($label)', (factory) => {
  const store = useStore(factory);

  it('is idempotent across calls: a retried batch writes nothing and names every duplicate', async () => {
    const model = await createModel(store());
    const rows = rowsAt('p', 5, T0, 1000);
    const [first] = await store().writePredictions([batchOf(model, rows)]);
    expect(first).toEqual({ inserted: 5, duplicates: [], duplicateRows: [] });
    // the retry overlaps: two old rows, one new row in between
    const retry = [rows[3], { id: 'fresh', ts: T0 + 10 }, rows[1]];
    const [second] = await store().writePredictions([batchOf(model, retry)]);
    expect(second.inserted).toBe(1);
    expect(second.duplicates).toEqual(['p-3', 'p-1']);
    expect(second.duplicateRows).toEqual([0, 2]);
    expect(await store().countPredictions(model.model_id, 0, T0 + DAY)).toBe(6);
    // the stored row is the first write's, not the retry's
    expect((await store().getPrediction(model.model_id, 'p-3'))?.features.x).toBe(3);
  });

  it('is idempotent within one batch: a repeated id is stored once, later copies are duplicates', async () => {
    const model = await createModel(store());
    const rows = [
      { id: 'd', ts: T0 + 1, x: 1 },
      { id: 'e', ts: T0 + 2, x: 2 },
      { id: 'd', ts: T0 + 3, x: 3 },
      { id: 'd', ts: T0 + 4, x: 4 },
    ];
    const [res] = await store().writePredictions([batchOf(model, rows)]);
    expect(res.inserted).toBe(2);
    expect(res.duplicates).toEqual(['d', 'd']);
    expect(res.duplicateRows).toEqual([2, 3]);
    const got = await store().getPrediction(model.model_id, 'd');
    expect(got?.features.x).toBe(1);
    expect(got?.timestamp).toBe(T0 + 1);
    expect(await store().countPredictions(model.model_id, 0, T0 + DAY)).toBe(2);
  });

  it('keeps models apart: the same prediction id under two models is two predictions', async () => {
    const m1 = await createModel(store());
    const m2 = await createModel(store());
    const results = await store().writePredictions([batchOf(m1, [{ id: 'same', ts: T0 }]), batchOf(m2, [{ id: 'same', ts: T0 + 5, x: 9 }])]);
    expect(results.map((r) => r.inserted)).toEqual([1, 1]);
    expect((await store().getPrediction(m1.model_id, 'same'))?.features.x).toBe(1.5);
    expect((await store().getPrediction(m2.model_id, 'same'))?.features.x).toBe(9);
  });

  it('reports results per batch when several batches of one model share a call', async () => {
    const model = await createModel(store());
    const a = batchOf(model, [{ id: 'a1', ts: T0 }, { id: 'shared', ts: T0 + 1 }]);
    const b = batchOf(model, [{ id: 'shared', ts: T0 + 2 }, { id: 'b1', ts: T0 + 3 }]);
    const [ra, rb] = await store().writePredictions([a, b]);
    expect(ra).toEqual({ inserted: 2, duplicates: [], duplicateRows: [] });
    expect(rb).toEqual({ inserted: 1, duplicates: ['shared'], duplicateRows: [0] });
  });

  it('splits a batch into one block per UTC day, each sorted by time', async () => {
    const model = await createModel(store());
    // out of order, across three days, with rows exactly at midnight
    const rows = [
      { id: 'd2-late', ts: T0 + 2 * DAY + 5000 },
      { id: 'd0-mid', ts: T0 + DAY / 2 },
      { id: 'd1-midnight', ts: T0 + DAY },
      { id: 'd0-last', ts: T0 + DAY - 1 },
      { id: 'd2-midnight', ts: T0 + 2 * DAY },
      { id: 'd0-first', ts: T0 },
    ];
    await store().writePredictions([batchOf(model, rows)]);
    const blocks = await collect(store().scanPredictions({ model_id: model.model_id, from: 0, to: T0 + 10 * DAY }));
    expect(blocks.map((b) => valuesOf(b.columns, 'id'))).toEqual([['d0-first', 'd0-mid', 'd0-last'], ['d1-midnight'], ['d2-midnight', 'd2-late']]);
    for (const b of blocks) {
      const ts = valuesOf(b.columns, 'ts') as number[];
      expect(new Set(ts.map((t) => Math.floor(t / DAY))).size).toBe(1);
    }
    expect(await store().countPredictionsByDay(model.model_id, 0, T0 + 10 * DAY)).toEqual([
      { day: '2026-01-01', count: 3 },
      { day: '2026-01-02', count: 1 },
      { day: '2026-01-03', count: 2 },
    ]);
  });

  it('stores every column of a row exactly (features, probabilities, explanation, metadata)', async () => {
    const model = await createModel(store());
    const meta = { user_id: 'ünïcødé ✓', session: 's-1', latency_ms: 12.5, nested: { a: [1, 2] } };
    await store().writePredictions([batchOf(model, [{ id: 'full', ts: T0 + 42, x: -0.125, city: '東京', label: 'c', metadata: meta }])]);
    const got = await store().getPrediction(model.model_id, 'full');
    expect(got).toEqual({
      prediction_id: 'full',
      model_id: model.model_id,
      model_version: 'v1',
      schema_version: 1,
      timestamp: T0 + 42,
      features: { x: -0.125, y: null, city: '東京', member: true },
      prediction: { label: 'c', confidence: 0.6, probabilities: { a: 0.2, b: 0.2, c: 0.6 } },
      explanation: { x: 0.25, city: -0.5 },
      metadata: meta,
    });
    const [block] = await collect(store().scanPredictions({ model_id: model.model_id, from: 0, to: T0 + DAY }));
    expect(valuesOf(block.columns, 'latency_ms')).toEqual([12.5]);
    expect(await store().getPrediction(model.model_id, 'missing')).toBeNull();
    expect(await store().getPrediction('other-model', 'full')).toBeNull();
  });

  it('writes a merged group-commit batch (concatenated column sets) like separate ones', async () => {
    const model = await createModel(store());
    const parts = [batchOf(model, rowsAt('g1', 50, T0, 7)), batchOf(model, rowsAt('g2', 30, T0 + 3, 11))];
    const merged = concatColumnSets(parts.map((p) => p.columns));
    const [res] = await store().writePredictions([{ model_id: model.model_id, schema_version: 1, columns: merged }]);
    expect(res.inserted).toBe(80);
    const rows = scannedRows(await collect(store().scanPredictions({ model_id: model.model_id, from: 0, to: T0 + DAY })));
    expect(rows).toHaveLength(80);
    const ts = rows.map((r) => r.ts);
    expect(ts).toEqual([...ts].sort((a, b) => a - b));
  });

  it('writes a large batch (20,000 rows over 3 days) and finds every key', async () => {
    const model = await createModel(store());
    const n = 20_000;
    const rows = rowsAt('big', n, T0, Math.floor((3 * DAY) / n));
    const [res] = await store().writePredictions([batchOf(model, rows)]);
    expect(res.inserted).toBe(n);
    const [again] = await store().writePredictions([batchOf(model, rows.slice(n - 3))]);
    expect(again.duplicateRows).toEqual([0, 1, 2]);
    expect(await store().countPredictions(model.model_id, 0, T0 + 4 * DAY)).toBe(n);
    expect((await store().getPrediction(model.model_id, 'big-12345'))?.features.x).toBe(12345);
  });
});
