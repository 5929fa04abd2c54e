import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LegalHolds } from '../../src/scheduler/legal-hold.js';
import { runRetention } from '../../src/scheduler/retention.js';
import type { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import type { Model } from '../../src/domain/model-schema.js';
import { DAY, batchOf, createModel, rowsAt } from '../store/conformance-helpers.js';
import { postgresFactory } from '../store/store-fixtures.js';

const NOW = Date.UTC(2026, 5, 15, 12);
const at = (month: number, day: number) => Date.UTC(2026, month, day, 8);

/**
 * Retention on PostgreSQL with prediction_blocks partitioned by month: whole months that every
 * model may lose are detached and dropped (their keys deleted), a month holding a legal hold
 * of one model stays (the other models' blocks in it are deleted row by row), and writing into
 * a dropped month later creates it again.
 */
describe('retention drops whole month partitions on PostgreSQL', () => {
  let store: PostgresStore;
  let cleanup: () => Promise<void>;
  let a: Model;
  let b: Model;
  beforeAll(async () => {
    const made = await postgresFactory.create();
    store = made.store as PostgresStore;
    cleanup = made.cleanup;
    a = await createModel(store, 'a');
    b = await createModel(store, 'b');
    const write = (m: Model, prefix: string, ts: number) => store.writePredictions([batchOf(m, rowsAt(prefix, 50, ts, 60_000))]);
    await write(a, 'a-jan', at(0, 5));
    await write(a, 'a-feb', at(1, 10));
    await write(a, 'a-mar', at(2, 10));
    await write(a, 'a-may-early', at(4, 5));
    await write(a, 'a-may-late', at(4, 20));
    await write(b, 'b-jan', at(0, 6));
    await write(b, 'b-mar', at(2, 10));
  });
  afterAll(async () => cleanup?.());

  const partitions = async () =>
    (await store.pgPool.query<{ name: string }>(`SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'prediction_blocks'::regclass ORDER BY 1`)).rows.map((r) => r.name);
  const keys = async (modelId: string, prefix: string) =>
    Number((await store.pgPool.query<{ n: string }>(`SELECT count(*) AS n FROM prediction_keys WHERE model_id = $1 AND prediction_id LIKE $2`, [modelId, `${prefix}-%`])).rows[0].n);

  it('drops Jan and Feb whole, keeps March for b’s held day and deletes a’s March row by row', async () => {
    expect(await partitions()).toEqual(expect.arrayContaining(['prediction_blocks_p202601', 'prediction_blocks_p202602', 'prediction_blocks_p202603', 'prediction_blocks_p202605']));
    // b's incident covers March 10: that day of b is on legal hold
    const holds = { keepFor: async (id: string) => (id === b.model_id ? { ranges: [{ from: at(2, 10) - 3_600_000, to: at(2, 10) + 3_600_000 }], incidents: ['INC-held'] } : { ranges: [], incidents: [] }) } as unknown as LegalHolds;
    // the default retention of 90 days: the cutoff is 2026-03-17
    const result = await runRetention(store, { clock: () => NOW, holds });
    expect(result.cutoffs[a.model_id]).toBe(new Date(NOW - 90 * DAY).toISOString());

    expect(result.status).toBe('succeeded');
    expect(result.partitions_dropped).toEqual(expect.arrayContaining(['prediction_blocks_p202601', 'prediction_blocks_p202602']));
    expect(result.partitions_dropped).not.toContain('prediction_blocks_p202603');
    expect(result.partitions_dropped).not.toContain('prediction_blocks_p202605');
    // a: Jan, Feb (partitions) and Mar (rows); b: Jan (partition)
    expect(result.deleted).toEqual({ [a.model_id]: 150, [b.model_id]: 50 });
    expect(result.held).toEqual({ [b.model_id]: ['INC-held'] });

    const left = await partitions();
    expect(left).not.toContain('prediction_blocks_p202601');
    expect(left).not.toContain('prediction_blocks_p202602');
    expect(left).toContain('prediction_blocks_p202603');
    // the detached tables are gone once their keys are
    const retired = await store.pgPool.query(`SELECT 1 FROM pg_tables WHERE schemaname = current_schema() AND tablename LIKE 'retired_blocks_p%'`);
    expect(retired.rowCount).toBe(0);

    expect(await keys(a.model_id, 'a-jan')).toBe(0);
    expect(await keys(b.model_id, 'b-jan')).toBe(0);
    expect(await keys(a.model_id, 'a-mar')).toBe(0);
    expect(await keys(b.model_id, 'b-mar')).toBe(50);
    expect(await store.getPrediction(a.model_id, 'a-feb-3')).toBeNull();
    expect((await store.getPrediction(b.model_id, 'b-mar-7'))?.timestamp).toBe(at(2, 10) + 7 * 60_000);
    expect(await store.countPredictions(a.model_id, 0, NOW)).toBe(100);
    expect(await store.countPredictions(b.model_id, 0, NOW)).toBe(50);
  });

  it('writes into a dropped month again: the partition is created on demand, and the id is new again', async () => {
    const r = await store.writePredictions([batchOf(a, rowsAt('a-jan', 5, at(0, 5), 60_000))]);
    expect(r[0]).toMatchObject({ inserted: 5, duplicates: [] });
    expect(await partitions()).toContain('prediction_blocks_p202601');
    expect(await store.countPredictions(a.model_id, at(0, 1), at(1, 1))).toBe(5);
  });

  it('reports a retried batch’s duplicates, large (COPY, then its ON CONFLICT fallback) and small (unnest), writing nothing twice', async () => {
    const batch = batchOf(b, rowsAt('b-jun', 300, at(5, 14), 1000));
    expect((await store.writePredictions([batch]))[0]).toMatchObject({ inserted: 300, duplicates: [] });
    const again = await store.writePredictions([batchOf(b, [...rowsAt('b-jun', 300, at(5, 14), 1000), ...rowsAt('b-jun-new', 3, at(5, 14), 1000)])]);
    expect(again[0].inserted).toBe(3);
    expect(again[0].duplicates).toHaveLength(300);
    const small = await store.writePredictions([batchOf(b, rowsAt('b-jun', 5, at(5, 14), 1000)), batchOf(a, rowsAt('a-jun', 5, at(5, 14), 1000))]);
    expect(small.map((r) => [r.inserted, r.duplicates.length])).toEqual([[0, 5], [5, 0]]);
    expect(await store.countPredictions(b.model_id, at(5, 1), NOW)).toBe(303);
  });
});
