import type pg from 'pg';
import { DAY_MS, dayOf } from '../../domain/time.js';
import { decodeColumns } from '../blocks/codec.js';
import { COL } from '../blocks/columns.js';
import { idColumn } from '../blocks/prediction-rows.js';
import { CLUSTER_LOCK_NAMESPACE } from '../cluster-store.js';
import type { RetentionPlan } from '../store.js';
import { type MonthPartition, PARTITION_PREFIX, RETIRED_PREFIX, createPartitionSql, monthsCovering, parsePartitionName } from './partition-names.js';

/** "no partition of relation found for row" */
export const NO_PARTITION = '23514';
const ID_ONLY: ReadonlySet<string> = new Set([COL.predictionId]);

/** What dropping expired partitions did. */
export interface PartitionDrop {
  /** partitions detached (their blocks no longer exist for readers) */
  partitions: string[];
  /** predictions removed with them, per model */
  deleted: Record<string, number>;
}

async function inTransaction<T>(pool: pg.Pool, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const c = await pool.connect();
  try {
    await c.query('BEGIN');
    // DDL on the partitioned table waits for running scans; never queue every writer behind it for long
    await c.query("SET LOCAL lock_timeout = '10s'");
    const out = await fn(c);
    await c.query('COMMIT');
    return out;
  } catch (e) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    c.release();
  }
}

/**
 * The month partitions of prediction_blocks on PostgreSQL: created ahead (at start, the
 * previous, current and next two months) and on demand before a write that needs one (several
 * instances may race: creation is serialised by an advisory lock and idempotent); detached and
 * dropped by retention when every block in them is past its model's cutoff and off legal hold.
 */
export class PredictionPartitions {
  private known = new Set<string>();
  private loaded?: Promise<void>;

  constructor(private readonly pool: pg.Pool) {}

  /** Make sure the partitions for days [firstDay, lastDay] exist. */
  async ensureDays(firstDay: number, lastDay: number): Promise<void> {
    const months = monthsCovering(firstDay, lastDay);
    if (months.every((m) => this.known.has(m.name))) return;
    await (this.loaded ??= this.load());
    const missing = months.filter((m) => !this.known.has(m.name));
    if (missing.length === 0) return;
    await inTransaction(this.pool, async (c) => {
      await c.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [CLUSTER_LOCK_NAMESPACE, 'prediction_blocks partitions']);
      for (const m of missing) await c.query(createPartitionSql(m));
    });
    for (const m of missing) this.known.add(m.name);
  }

  /** The previous, current and next two months. */
  ensureAhead(now: number): Promise<void> {
    const today = dayOf(now);
    return this.ensureDays(today - 31, today + 62);
  }

  /** Another instance may have dropped a partition we think exists: read them again next time. */
  forget(): void {
    this.known = new Set();
    this.loaded = undefined;
  }

  private async load(): Promise<void> {
    for (const m of await this.list()) this.known.add(m.name);
  }

  /** The partitions that exist now, oldest first. */
  async list(): Promise<MonthPartition[]> {
    const r = await this.pool.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'prediction_blocks'::regclass`,
    );
    return r.rows
      .map((x) => (x.name.startsWith(PARTITION_PREFIX) ? parsePartitionName(x.name) : null))
      .filter((p): p is MonthPartition => p !== null)
      .sort((a, b) => a.fromDay - b.fromDay);
  }

  /**
   * Detach every partition whose blocks are all past their model's cutoff and on no day of
   * their model's held periods (an empty partition: past every plan's cutoff), then delete the
   * keys of what was detached and drop it. The check and the detach happen in one transaction
   * that locks the partition first, so no write slips in between.
   */
  async dropExpired(plans: readonly RetentionPlan[]): Promise<PartitionDrop> {
    const out: PartitionDrop = { partitions: [], deleted: {} };
    if (plans.length === 0) return out;
    const byModel = new Map(plans.map((p) => [p.model_id, p]));
    const cutoffDay = (p: RetentionPlan) => dayOf(p.before);
    const latestCutoff = Math.max(...plans.map(cutoffDay));
    const earliestCutoff = Math.min(...plans.map(cutoffDay));
    const heldOn = (p: RetentionPlan, m: MonthPartition) => p.keep.some((k) => k.to > k.from && dayOf(k.from) < m.toDay && dayOf(k.to - 1) >= m.fromDay);
    for (const m of await this.list()) {
      if (m.toDay > latestCutoff) break; // this and later months hold days no model may lose yet
      const detached = await inTransaction(this.pool, async (c) => {
        await c.query(`LOCK TABLE ${m.name} IN ACCESS EXCLUSIVE MODE`);
        const rows = (await c.query<{ model_id: string; n: number }>(`SELECT model_id, sum(row_count)::bigint AS n FROM ${m.name} GROUP BY model_id`)).rows;
        const expired =
          rows.length === 0
            ? m.toDay <= earliestCutoff
            : rows.every((r) => {
                const p = byModel.get(r.model_id);
                return p !== undefined && m.toDay <= cutoffDay(p) && !heldOn(p, m);
              });
        if (!expired) return null;
        await c.query(`ALTER TABLE prediction_blocks DETACH PARTITION ${m.name}`);
        await c.query(`ALTER TABLE ${m.name} RENAME TO ${RETIRED_PREFIX}${m.name.slice(PARTITION_PREFIX.length)}`);
        return rows;
      });
      if (!detached) continue;
      this.known.delete(m.name);
      out.partitions.push(m.name);
      for (const r of detached) out.deleted[r.model_id] = (out.deleted[r.model_id] ?? 0) + Number(r.n);
    }
    await this.drainRetired();
    return out;
  }

  /**
   * Delete the keys of the predictions in detached partitions, a few blocks per transaction,
   * then drop each. Resumes where a crash left it: the next retention run finds the rest.
   */
  async drainRetired(): Promise<void> {
    const tables = await this.pool.query<{ name: string }>(
      `SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() AND tablename LIKE '${RETIRED_PREFIX}%' ORDER BY tablename`,
    );
    for (const { name } of tables.rows) {
      if (!parsePartitionName(name)) continue;
      for (;;) {
        const left = await inTransaction(this.pool, async (c) => {
          const blocks = await c.query<{ id: number; model_id: string; data: Buffer }>(`SELECT id, model_id, data FROM ${name} ORDER BY id LIMIT 16 FOR UPDATE SKIP LOCKED`);
          const ids = new Map<string, string[]>();
          for (const b of blocks.rows) {
            const list = ids.get(b.model_id) ?? [];
            for (const id of idColumn(decodeColumns(b.data, ID_ONLY))) if (id !== null) list.push(id);
            ids.set(b.model_id, list);
          }
          for (const [model, list] of ids) await c.query('DELETE FROM prediction_keys WHERE model_id = $1 AND prediction_id = ANY($2::text[])', [model, list]);
          if (blocks.rows.length) await c.query(`DELETE FROM ${name} WHERE id = ANY($1::bigint[])`, [blocks.rows.map((b) => b.id)]);
          return blocks.rows.length;
        });
        if (left === 0) break;
      }
      await inTransaction(this.pool, (c) => c.query(`DROP TABLE IF EXISTS ${name}`));
    }
  }
}

/** First and last UTC day of the timestamps in some batches' ts columns. */
export function daySpan(tsColumns: readonly Float64Array[]): [number, number] | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (const ts of tsColumns) {
    for (let i = 0; i < ts.length; i++) {
      const t = ts[i];
      if (t < lo) lo = t;
      if (t > hi) hi = t;
    }
  }
  return lo === Infinity ? null : [Math.floor(lo / DAY_MS), Math.floor(hi / DAY_MS)];
}
