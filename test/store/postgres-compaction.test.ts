import { describe, expect, it } from 'vitest';
import { runCompactionRounds, type CompactionResult } from '../../src/store/blocks/compaction.js';
import { DAY, T0, batchOf, collect, createModel, valuesOf } from './conformance-helpers.js';
import { usePostgresPair } from './store-fixtures.js';

/** Two instances on one PostgreSQL schema compacting the same blocks at once. */
describe('PostgreSQL compaction with two instances', () => {
  const stores = usePostgresPair('dwtest_cmp');

  it('each block is compacted by one of them: nothing lost, nothing doubled', async () => {
    const [a, b] = [stores.a(), stores.b()];
    const model = await createModel(a);
    // 400 blocks of 1-2 rows over 4 days, written through both instances
    const ids: string[] = [];
    for (let w = 0; w < 400; w++) {
      const rows = Array.from({ length: 1 + (w % 2) }, (_, k) => ({ id: `p-${w}-${k}`, ts: T0 + (w % 4) * DAY + ((w * 131) % 997) * 1000 + k }));
      ids.push(...rows.map((r) => r.id));
      await (w % 2 ? a : b).writePredictions([batchOf(model, rows)]);
    }
    const opts = { modelId: model.model_id, minRows: 50, maxRowsPerBlock: 100, roundRows: 120 };
    const [ra, rb] = await Promise.all([a, b].map((s) => runCompactionRounds(() => s.compactPredictionBlocks(opts), { maxMs: 60_000 })));
    const both: CompactionResult[] = [ra, rb];
    // between them they took every original block exactly once
    expect(both.reduce((s, r) => s + r.blocksIn, 0)).toBeGreaterThanOrEqual(400);
    expect(ra.blocksIn).toBeGreaterThan(0);
    expect(rb.blocksIn).toBeGreaterThan(0);
    expect((await a.compactPredictionBlocks(opts)).done).toBe(true);
    const blocks = await collect(b.scanPredictions({ model_id: model.model_id, from: 0, to: T0 + 5 * DAY }));
    const seen = blocks.flatMap((bl) => valuesOf(bl.columns, 'id') as string[]);
    expect(seen.sort()).toEqual([...ids].sort());
    expect(blocks.length).toBeLessThanOrEqual(12);
    expect(await a.countPredictions(model.model_id, 0, T0 + 5 * DAY)).toBe(ids.length);
    const direct = await a.pgPool.query<{ n: string }>('SELECT count(*) AS n FROM prediction_blocks WHERE model_id = $1', [model.model_id]);
    expect(Number(direct.rows[0].n)).toBe(blocks.length);
  });

  it('a scan that began before a compaction round reads the blocks as they were', async () => {
    const [a, b] = [stores.a(), stores.b()];
    const model = await createModel(a);
    for (let w = 0; w < 300; w++) await a.writePredictions([batchOf(model, [{ id: `s-${w}`, ts: T0 + w * 1000 }])]);
    // 300 one-row blocks: the scan reads them in chunks of 64 blocks
    const iter = a.scanPredictions({ model_id: model.model_id, from: 0, to: T0 + DAY })[Symbol.asyncIterator]();
    const first = await iter.next();
    expect(first.done).toBe(false);
    const seen = valuesOf(first.value!.columns, 'id') as string[];
    const r = await runCompactionRounds(() => b.compactPredictionBlocks({ modelId: model.model_id, minRows: 50, maxRowsPerBlock: 100, roundRows: 1000, roundBlocks: 250 }));
    expect(r.blocksIn).toBe(300);
    for (let n = await iter.next(); !n.done; n = await iter.next()) seen.push(...(valuesOf(n.value.columns, 'id') as string[]));
    expect(seen).toHaveLength(300);
    expect(new Set(seen).size).toBe(300);
  });
});
