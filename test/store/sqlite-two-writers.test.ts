import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { blockWriterScript } from './block-writer-script.js';
import { DAY, T0, batchOf, createModel, rowsAt } from './conformance-helpers.js';

/**
 * Two stores (two processes, in effect) writing one SQLite file, each committing on its block
 * writer thread. A store plans a write without reading the file again after its own commit; when
 * the other one wrote in between, the thread refuses the plan and it plans again against every
 * block. Idempotency must hold across both.
 */
describe('sqlite: two writers on one file', () => {
  let dir: string;
  let a: SqliteStore;
  let b: SqliteStore;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dw-two-writers-'));
    const script = await blockWriterScript();
    a = SqliteStore.open({ path: join(dir, 'x.db'), blockWriter: script });
    await a.migrate();
    b = SqliteStore.open({ path: join(dir, 'x.db'), blockWriter: script });
  });
  afterAll(async () => {
    await a.close();
    await b.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('finds the keys the other writer committed since its own last commit', async () => {
    const model = await createModel(a);
    const rows = rowsAt('p', 8, T0, 1000);
    expect((await a.writePredictions([batchOf(model, rows.slice(0, 3))]))[0].inserted).toBe(3);
    // b has never written: it reads everything a wrote
    const [fromB] = await b.writePredictions([batchOf(model, [rows[2], rows[3]])]);
    expect(fromB).toMatchObject({ inserted: 1, duplicates: ['p-2'] });
    // a's last commit is no longer the newest block: its plan is refused and made again
    const [fromA] = await a.writePredictions([batchOf(model, [rows[3], rows[4]])]);
    expect(fromA).toMatchObject({ inserted: 1, duplicates: ['p-3'] });
    // and again the other way round, several times over
    for (let i = 5; i < 8; i++) {
      const [x] = await b.writePredictions([batchOf(model, [rows[i - 1], rows[i]])]);
      expect(x).toMatchObject({ inserted: 1, duplicates: [`p-${i - 1}`] });
      const [y] = await a.writePredictions([batchOf(model, [rows[i]])]);
      expect(y).toMatchObject({ inserted: 0, duplicates: [`p-${i}`] });
    }
    expect(await a.countPredictions(model.model_id, 0, T0 + DAY)).toBe(8);
    expect(await b.countPredictions(model.model_id, 0, T0 + DAY)).toBe(8);
  });
});
