import { describe, expect, it } from 'vitest';
import { parseModelSchema, type Model } from '../../src/domain/model-schema.js';
import { runCompactionRounds, type CompactionOptions, type CompactionResult } from '../../src/store/blocks/compaction.js';
import type { PredictionBlock, Store } from '../../src/store/store.js';
import type { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { CONFORMANCE_FACTORIES, DAY, T0, batchOf, collect, createModel, makeModel, type RowSpec, useStore, valuesOf } from './conformance-helpers.js';

/** Every non-missing cell of every row, keyed by prediction id (missing cells and absent columns read alike). */
function rowsById(blocks: PredictionBlock[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const b of blocks) {
    const names = [...b.columns.columns.keys()].sort();
    const cols = names.map((n) => [n, valuesOf(b.columns, n)] as const);
    const ids = valuesOf(b.columns, 'id');
    for (let i = 0; i < b.columns.rows; i++) {
      const cells = cols.filter(([, v]) => v[i] !== null).map(([n, v]) => [n, v[i]]);
      const id = ids[i] as string;
      expect(out.has(id), `id ${id} read twice`).toBe(false);
      out.set(id, JSON.stringify([b.schema_version, cells]));
    }
  }
  return out;
}

function expectSortedBlocks(blocks: PredictionBlock[]): void {
  for (const b of blocks) {
    const ts = valuesOf(b.columns, 'ts') as number[];
    for (let i = 1; i < ts.length; i++) expect(ts[i]).toBeGreaterThanOrEqual(ts[i - 1]);
  }
}

async function compactAll(store: Store, options: Partial<CompactionOptions>): Promise<CompactionResult> {
  return runCompactionRounds(() => store.compactPredictionBlocks(options), { maxMs: 60_000 });
}

async function allPages(store: Store, modelId: string, limit: number): Promise<unknown[]> {
  const out: unknown[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listPredictions({ model_id: modelId, limit, cursor });
    out.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor);
  return out;
}

/** Everything a reader can learn about a model's predictions. */
async function snapshot(store: Store, model: Model, ids: string[]) {
  const blocks = await collect(store.scanPredictions({ model_id: model.model_id, from: 0, to: T0 + 10 * DAY }));
  return {
    blocks,
    rows: rowsById(blocks),
    pages: await allPages(store, model.model_id, 7),
    byDay: await store.countPredictionsByDay(model.model_id, 0, T0 + 10 * DAY),
    // a window that cuts days in the middle
    partial: await store.countPredictionsByDay(model.model_id, T0 + DAY / 2, T0 + 2 * DAY + 3_600_000),
    records: await Promise.all(ids.map((id) => store.getPrediction(model.model_id, id))),
    outcomes: await store.scanOutcomes(model.model_id, 0, T0 + 10 * DAY),
  };
}

const OPTS: Partial<CompactionOptions> = { minRows: 25, maxRowsPerBlock: 50, roundRows: 60 };

describe.each(CONFORMANCE_FACTORIES)('store conformance: block compaction ($label)', (factory) => {
  const store = useStore(factory);

  async function twoVersions(): Promise<[Model, Model]> {
    const v1 = await createModel(store());
    const base = makeModel(v1.model_id);
    const schema = parseModelSchema({
      task: 'multiclass_classification',
      labels: ['a', 'b', 'c'],
      features: [...base.schema.features.map((f) => ({ name: f.name, type: f.type, required: f.required })), { name: 'z', type: 'numeric', required: false }],
      explanation_features: ['x', 'city'],
    });
    const v2 = await store().updateModel(v1.model_id, { schema }, 2_000);
    expect(v2.schema_version).toBe(2);
    return [v1, v2];
  }

  it('rewrites tiny blocks as few sorted ones; rows, columns, order, counts, keys and outcomes read the same', async () => {
    const [v1, v2] = await twoVersions();
    const modelId = v1.model_id;
    // outcomes that arrive before their predictions (linked when they are written)
    await store().writeOutcomes([{ model_id: modelId, prediction_id: 'r-3', label: 'a', value: null, timestamp: T0 + 5, received_at: T0 + 5, prediction_ts: null }]);
    const written: RowSpec[] = [];
    const results: { inserted: number; duplicates: string[] }[] = [];
    let n = 0;
    // 150 writes of 1-3 rows: three days, two schema versions, times out of order, equal times, repeated ids
    for (let w = 0; w < 150; w++) {
      const rows: RowSpec[] = [];
      for (let k = 0; k < 1 + (w % 3); k++, n++) {
        const day = n % 3;
        const ts = T0 + day * DAY + ((n * 7919) % 5000) * 1000 + (n % 11 === 0 ? 0 : 1);
        rows.push({ id: `r-${n}`, ts: n % 13 === 0 ? T0 + day * DAY + 42 : ts, x: n, city: ['paris', 'oslo', 'lima'][n % 3], label: ['a', 'b', 'c'][n % 3] });
      }
      // a retry of an earlier id now and then
      if (w % 10 === 9) rows.push({ id: `r-${n - 15}`, ts: T0 + 99, x: -1 });
      const model = w % 4 === 3 ? v2 : v1;
      const [r] = await store().writePredictions([batchOf(model, rows)]);
      results.push(r);
      written.push(...rows);
      // SQLite: half the blocks have their keys merged into prediction_keys, half stay pending
      if (w === 74 && store().backend === 'sqlite') await (store() as SqliteStore).mergePendingKeys();
    }
    const ids = [...new Set(written.map((r) => r.id))];
    expect(results.reduce((s, r) => s + r.inserted, 0)).toBe(ids.length);
    expect(results.flatMap((r) => r.duplicates)).toHaveLength(15);
    await store().writeOutcomes([{ model_id: modelId, prediction_id: 'r-10', label: 'b', value: null, timestamp: T0 + 6, received_at: T0 + 6, prediction_ts: null }]);

    const before = await snapshot(store(), v1, ids);
    expect(before.rows.size).toBe(ids.length);
    expect(before.blocks.length).toBeGreaterThan(150);

    const done = await compactAll(store(), { ...OPTS, modelId });
    expect(done.done).toBe(true);
    expect(done.rows).toBeGreaterThanOrEqual(ids.length);
    expect(done.blocksIn).toBeGreaterThan(done.blocksOut);
    // nothing left to do
    expect(await store().compactPredictionBlocks({ ...OPTS, modelId })).toEqual({ groups: 0, blocksIn: 0, blocksOut: 0, rows: 0, done: true });

    const after = await snapshot(store(), v1, ids);
    // 6 (version, day) groups of 30-90 rows: a handful of blocks of at most 50 rows
    expect(after.blocks.length).toBeLessThanOrEqual(14);
    expect(Math.max(...after.blocks.map((b) => b.columns.rows))).toBeLessThanOrEqual(50);
    expectSortedBlocks(after.blocks);
    expect(after.rows).toEqual(before.rows);
    expect(after.pages).toEqual(before.pages);
    expect(after.byDay).toEqual(before.byDay);
    expect(after.partial).toEqual(before.partial);
    expect(after.records).toEqual(before.records);
    expect(after.outcomes).toEqual(before.outcomes);
    expect(after.outcomes.find((o) => o.prediction_id === 'r-3')?.prediction_ts).not.toBeNull();

    // idempotency survives: ids of merged and of pending blocks are still duplicates
    const retry = [ids[0], ids[100], ids[ids.length - 1]].map((id) => ({ id, ts: T0 + 1, x: 0 }));
    const [again] = await store().writePredictions([batchOf(v1, [...retry, { id: 'new-1', ts: T0 + 2 }])]);
    expect(again).toEqual({ inserted: 1, duplicates: retry.map((r) => r.id), duplicateRows: [0, 1, 2] });
    if (store().backend === 'sqlite') {
      await (store() as SqliteStore).mergePendingKeys();
      const [merged] = await store().writePredictions([batchOf(v2, retry)]);
      expect(merged.inserted).toBe(0);
      expect(merged.duplicates).toEqual(retry.map((r) => r.id));
    }
    // outcomes written now still find their predictions
    const linked = await store().writeOutcomes(
      [ids[5], ids[120]].map((id) => ({ model_id: modelId, prediction_id: id, label: 'c', value: null, timestamp: T0 + 9, received_at: T0 + 9, prediction_ts: null })),
    );
    expect(linked).toEqual({ written: 2, linked: 2 });
    const o = await store().getOutcome(modelId, ids[120]);
    expect(o?.prediction_ts).toBe(written.find((r) => r.id === ids[120])!.ts);
    expect(await store().countPredictions(modelId, 0, T0 + 10 * DAY)).toBe(ids.length + 1);
  });

  it('leaves big blocks and lone small blocks alone, and compacts within one (model, version, day) only', async () => {
    const model = await createModel(store());
    const other = await createModel(store());
    const big = Array.from({ length: 60 }, (_, i) => ({ id: `big-${i}`, ts: T0 + i }));
    await store().writePredictions([batchOf(model, big)]);
    await store().writePredictions([batchOf(model, [{ id: 'lone', ts: T0 + DAY + 5 }])]);
    for (let i = 0; i < 4; i++) await store().writePredictions([batchOf(other, [{ id: `o-${i}`, ts: T0 + 10 + i }])]);
    const r = await compactAll(store(), { ...OPTS, modelId: model.model_id });
    expect(r).toEqual({ groups: 0, blocksIn: 0, blocksOut: 0, rows: 0, done: true });
    expect(await collect(store().scanPredictions({ model_id: other.model_id, from: 0, to: T0 + DAY }))).toHaveLength(4);
    const r2 = await compactAll(store(), { ...OPTS, modelId: other.model_id });
    expect(r2).toMatchObject({ groups: 1, blocksIn: 4, blocksOut: 1, rows: 4, done: true });
    expect(await collect(store().scanPredictions({ model_id: model.model_id, from: 0, to: T0 + 2 * DAY }))).toHaveLength(2);
  });

  it('checks its options', async () => {
    await expect(store().compactPredictionBlocks({ minRows: 20_000 })).rejects.toThrow(/minRows/);
    await expect(store().compactPredictionBlocks({ minRows: 100, maxRowsPerBlock: 150 })).rejects.toThrow(/maxRowsPerBlock/);
  });

  it('writes racing compaction rounds lose nothing and duplicate nothing', async () => {
    const model = await createModel(store());
    const modelId = model.model_id;
    let stop = false;
    const rounds: CompactionResult[] = [];
    const compacting = (async () => {
      while (!stop) {
        rounds.push(await store().compactPredictionBlocks({ minRows: 20, maxRowsPerBlock: 40, roundRows: 30, modelId }));
        await new Promise((r) => setImmediate(r));
      }
    })();
    const inserted: string[] = [];
    const duplicates: string[] = [];
    // 4 writers × 60 writes of 2 rows; every 5th write repeats ids another writer may be writing
    await Promise.all(
      [0, 1, 2, 3].map(async (wr) => {
        for (let w = 0; w < 60; w++) {
          const rows: RowSpec[] = [
            { id: `c-${wr}-${w}`, ts: T0 + ((w * 37 + wr) % 500) * 1000 },
            { id: w % 5 === 4 ? `shared-${w}` : `c-${wr}-${w}-b`, ts: T0 + DAY + w * 1000 + wr },
          ];
          const [r] = await store().writePredictions([batchOf(model, rows)]);
          const dup = new Set(r.duplicateRows);
          rows.forEach((row, i) => (dup.has(i) ? duplicates : inserted).push(row.id));
          await new Promise((r) => setImmediate(r));
        }
      }),
    );
    stop = true;
    await compacting;
    expect(rounds.some((r) => r.blocksIn > 0)).toBe(true);
    expect((await compactAll(store(), { minRows: 20, maxRowsPerBlock: 40, roundRows: 30, modelId })).done).toBe(true);
    const expected = new Set(inserted);
    expect(expected.size).toBe(inserted.length); // each id inserted by exactly one write
    expect(duplicates.every((id) => id.startsWith('shared-'))).toBe(true);
    expect(inserted.length + duplicates.length).toBe(480);
    const blocks = await collect(store().scanPredictions({ model_id: modelId, from: 0, to: T0 + 3 * DAY }));
    const rows = rowsById(blocks); // throws on an id read twice
    expect(new Set(rows.keys())).toEqual(expected);
    expectSortedBlocks(blocks);
    expect(await store().countPredictions(modelId, 0, T0 + 3 * DAY)).toBe(expected.size);
    // and every id is still known as stored
    const [retry] = await store().writePredictions([batchOf(model, [...expected].slice(0, 50).map((id) => ({ id, ts: T0 })))]);
    expect(retry.inserted).toBe(0);
  });

  it('a scan in progress reads every row once while compaction rounds run', async () => {
    const model = await createModel(store());
    for (let w = 0; w < 200; w++) await store().writePredictions([batchOf(model, [{ id: `s-${w}`, ts: T0 + w * 1000 }])]);
    const opts = { modelId: model.model_id, minRows: 25, maxRowsPerBlock: 50, roundRows: 1000, roundBlocks: 250 };
    // 200 one-row blocks: the scan reads them in chunks of 64
    const iter = store().scanPredictions({ model_id: model.model_id, from: 0, to: T0 + DAY })[Symbol.asyncIterator]();
    const seen: string[] = [];
    for (let n = await iter.next(), k = 0; !n.done; n = await iter.next(), k++) {
      seen.push(...(valuesOf(n.value.columns, 'id') as string[]));
      // SQLite: the round waits for the scan (does nothing); PostgreSQL: it compacts, the scan keeps its snapshot
      if (k === 0) await store().compactPredictionBlocks(opts);
    }
    expect(seen).toHaveLength(200);
    expect(new Set(seen).size).toBe(200);
    expect((await compactAll(store(), opts)).done).toBe(true);
    expect(await collect(store().scanPredictions({ model_id: model.model_id, from: 0, to: T0 + DAY }))).toHaveLength(4);
  });
});
