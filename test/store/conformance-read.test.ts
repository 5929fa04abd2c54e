import { beforeAll, describe, expect, it } from 'vitest';
import type { Model } from '../../src/domain/model-schema.js';
import { AppError } from '../../src/errors/catalog.js';
import type { PredictionRecord } from '../../src/store/store.js';
import { DAY, T0, batchOf, collect, createModel, type RowSpec, scannedRows, useStore, valuesOf, CONFORMANCE_FACTORIES } from './conformance-helpers.js';

const HOUR = 3_600_000;

/**
 * Rows over 6 days written in 4 overlapping batches (so blocks of a day overlap in time), with
 * groups of rows sharing a timestamp so (ts, id) ordering matters.
 */
function overlappingRows(): RowSpec[][] {
  const batches: RowSpec[][] = [[], [], [], []];
  let n = 0;
  for (let day = 0; day < 6; day++) {
    for (let k = 0; k < 24; k++) {
      const ts = T0 + day * DAY + k * HOUR + (k % 3 === 0 ? 0 : 17);
      // ids deliberately not in time order
      batches[(day + k) % 4].push({ id: `r${String((n * 7919) % 1000).padStart(3, '0')}-${n}`, ts, x: n });
      n++;
      if (k % 5 === 0) {
        batches[(day + k + 1) % 4].push({ id: `s${n}`, ts, x: n });
        n++;
      }
    }
  }
  return batches;
}

describe.each(CONFORMANCE_FACTORIES)('store conformance: reading predictions ($label)', (factory) => {
  const store = useStore(factory);
  let model: Model;
  let all: RowSpec[];
  const byTsId = (a: { ts: number; id: string }, b: { ts: number; id: string }) => a.ts - b.ts || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

  beforeAll(async () => {
    model = await createModel(store());
    const batches = overlappingRows();
    all = batches.flat().sort(byTsId);
    // two calls so the same day holds blocks from different commits
    await store().writePredictions(batches.slice(0, 2).map((b) => batchOf(model, b)));
    await store().writePredictions(batches.slice(2).map((b) => batchOf(model, b)));
  });

  const scan = async (from: number, to: number, columns?: string[]) =>
    collect(store().scanPredictions({ model_id: model.model_id, from, to, columns: columns && new Set(columns) }));
  const expected = (from: number, to: number) => all.filter((r) => r.ts >= from && r.ts < to).map((r) => r.id).sort();

  it('scans a range spanning many blocks and days: every row once, nothing outside', async () => {
    const rows = scannedRows(await scan(T0, T0 + 6 * DAY));
    expect(rows.map((r) => r.id).sort()).toEqual(all.map((r) => r.id).sort());
    const inner = scannedRows(await scan(T0 + DAY + 5 * HOUR, T0 + 4 * DAY + 3 * HOUR));
    expect(inner.map((r) => r.id).sort()).toEqual(expected(T0 + DAY + 5 * HOUR, T0 + 4 * DAY + 3 * HOUR));
  });

  it('filters at block edges: from is inclusive, to is exclusive, to the millisecond', async () => {
    const edge = T0 + 2 * DAY + 3 * HOUR; // rows sit exactly here (k % 3 === 0)
    expect(all.some((r) => r.ts === edge)).toBe(true);
    for (const [from, to] of [
      [edge, edge + 1],
      [edge - 1, edge],
      [edge + 1, edge + HOUR],
      [T0 + 2 * DAY, T0 + 3 * DAY],
      [T0 + 2 * DAY - 1, T0 + 2 * DAY + 1],
      [T0 - DAY, T0],
      [T0 + 6 * DAY, T0 + 9 * DAY],
    ]) {
      const rows = scannedRows(await scan(from, to));
      expect(rows.map((r) => r.id).sort(), `[${from - T0}, ${to - T0})`).toEqual(expected(from, to));
      for (const r of rows) expect(r.ts >= from && r.ts < to).toBe(true);
    }
    expect(await scan(edge, edge)).toEqual([]);
    expect(await scan(edge + 5, edge)).toEqual([]);
  });

  it('decodes only the columns asked for (plus ts)', async () => {
    const blocks = await scan(T0, T0 + DAY, ['f:x', 'p:a']);
    expect(blocks.length).toBeGreaterThan(0);
    for (const b of blocks) {
      expect([...b.columns.columns.keys()].sort()).toEqual(['f:x', 'p:a', 'ts']);
      expect(b.schema_version).toBe(1);
    }
    const xs = blocks.flatMap((b) => valuesOf(b.columns, 'f:x') as number[]).sort((a, b) => a - b);
    expect(xs).toEqual(all.filter((r) => r.ts < T0 + DAY).map((r) => r.x!).sort((a, b) => a - b));
    const full = await scan(T0, T0 + DAY);
    expect([...full[0].columns.columns.keys()]).toEqual(expect.arrayContaining(['id', 'mv', 'f:city', 'x:city', 'label', 'confidence', 'meta', 'latency_ms']));
  });

  it('pages through listPredictions in (ts, id) order across overlapping blocks', async () => {
    const seen: PredictionRecord[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 100; i++) {
      const page = await store().listPredictions({ model_id: model.model_id, limit: 7, cursor });
      expect(page.items.length).toBeLessThanOrEqual(7);
      seen.push(...page.items);
      cursor = page.next_cursor;
      if (!cursor) break;
    }
    expect(cursor).toBeUndefined();
    expect(seen.map((p) => [p.timestamp, p.prediction_id])).toEqual(all.map((r) => [r.ts, r.id]));
    expect(seen[0].features.x).toBe(all[0].x);
  });

  it('limits listPredictions to from/to and pages within them', async () => {
    const from = T0 + DAY + 3 * HOUR;
    const to = T0 + 2 * DAY + 3 * HOUR;
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await store().listPredictions({ model_id: model.model_id, from, to, limit: 10, cursor });
      ids.push(...page.items.map((p) => p.prediction_id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(ids).toEqual(all.filter((r) => r.ts >= from && r.ts < to).map((r) => r.id));
    const exact = await store().listPredictions({ model_id: model.model_id, from, to, limit: ids.length });
    expect(exact.items).toHaveLength(ids.length);
    expect(exact.next_cursor).toBeUndefined();
    expect((await store().listPredictions({ model_id: 'nobody', limit: 5 })).items).toEqual([]);
  });

  it('rejects a malformed cursor', async () => {
    const err = await store()
      .listPredictions({ model_id: model.model_id, limit: 5, cursor: '%%%' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('bad_request');
  });

  it('counts per UTC day, cutting partial days at from and to', async () => {
    const perDay = (d: number, from = -Infinity, to = Infinity) =>
      all.filter((r) => r.ts >= T0 + d * DAY && r.ts < T0 + (d + 1) * DAY && r.ts >= from && r.ts < to).length;
    const days = await store().countPredictionsByDay(model.model_id, T0, T0 + 6 * DAY);
    expect(days).toEqual([0, 1, 2, 3, 4, 5].map((d) => ({ day: `2026-01-0${d + 1}`, count: perDay(d) })));
    const from = T0 + DAY + 10 * HOUR + 1;
    const to = T0 + 3 * DAY + 2 * HOUR;
    const cut = await store().countPredictionsByDay(model.model_id, from, to);
    expect(cut).toEqual([
      { day: '2026-01-02', count: perDay(1, from, to) },
      { day: '2026-01-03', count: perDay(2) },
      { day: '2026-01-04', count: perDay(3, from, to) },
    ]);
    expect(await store().countPredictions(model.model_id, from, to)).toBe(expected(from, to).length);
    expect(await store().countPredictionsByDay(model.model_id, T0 + 7 * DAY, T0 + 8 * DAY)).toEqual([]);
  });

  it('getPrediction finds any row among many blocks', async () => {
    for (const r of [all[0], all[Math.floor(all.length / 2)], all[all.length - 1]]) {
      const got = await store().getPrediction(model.model_id, r.id);
      expect(got).toMatchObject({ prediction_id: r.id, timestamp: r.ts, features: { x: r.x } });
    }
  });
});
