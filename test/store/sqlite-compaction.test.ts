import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { runCompactionRounds } from '../../src/store/blocks/compaction.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { blockWriterScript } from './block-writer-script.js';
import { T0, batchOf, createModel } from './conformance-helpers.js';

/** SQLite: compaction while a key merge round is in flight (the merger inserts keys in many short transactions). */
describe.each([
  ['main connection', false],
  ['block writer thread', true],
])('SQLite compaction and the key merger (%s)', (_label, thread) => {
  let dir: string;
  let store: SqliteStore;
  afterEach(async () => {
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keys of compacted blocks stay findable while a merge round runs, and end up in prediction_keys once', async () => {
    dir = mkdtempSync(join(tmpdir(), 'dw-compact-merge-'));
    const path = join(dir, 'k.db');
    // merge transactions of 10 keys: a round spans many turns of the event loop
    store = SqliteStore.open({ path, blockWriter: thread ? await blockWriterScript() : null, keyMerge: { chunkRows: 10 }, compaction: false });
    await store.migrate();
    const model = await createModel(store);
    const ids: string[] = [];
    for (let w = 0; w < 150; w++) {
      const rows = [0, 1].map((k) => ({ id: `k-${w}-${k}`, ts: T0 + ((w * 97) % 1000) * 1000 + k }));
      ids.push(...rows.map((r) => r.id));
      await store.writePredictions([batchOf(model, rows)]);
    }
    const opts = { modelId: model.model_id, minRows: 20, maxRowsPerBlock: 40, roundRows: 40, roundBlocks: 10 };
    let merged = false;
    const merging = store.mergePendingKeys().then(() => (merged = true));
    const compacted = await runCompactionRounds(() => store.compactPredictionBlocks(opts), { maxMs: 60_000 });
    // the rounds ran while the merge was still going
    expect(merged).toBe(false);
    await merging;
    expect(compacted.blocksIn).toBeGreaterThanOrEqual(150);
    // every id is still a duplicate (found in the table or through the index)
    const retry = async () => (await store.writePredictions([batchOf(model, ids.map((id) => ({ id, ts: T0 })))]))[0];
    expect((await retry()).inserted).toBe(0);
    await store.mergePendingKeys();
    expect((await retry()).inserted).toBe(0);
    const raw = new Database(path, { readonly: true });
    try {
      const keys = raw.prepare('SELECT prediction_id FROM prediction_keys WHERE model_id = ? ORDER BY prediction_id').pluck().all(model.model_id);
      expect(keys).toEqual([...ids].sort());
      expect(raw.prepare('SELECT count(*) FROM prediction_blocks WHERE keys_pending = 1').pluck().get()).toBe(0);
      expect(raw.prepare('SELECT sum(row_count) FROM prediction_blocks WHERE model_id = ?').pluck().get(model.model_id)).toBe(ids.length);
    } finally {
      raw.close();
    }
    expect(await store.countPredictions(model.model_id, 0, T0 + 86_400_000)).toBe(ids.length);
    expect((await store.getPrediction(model.model_id, 'k-77-1'))?.timestamp).toBe(T0 + ((77 * 97) % 1000) * 1000 + 1);
  });
});
