import { type Kysely, type RawBuilder, sql, type Transaction } from 'kysely';
import type { DB } from './db-types.js';

/** One instance's hold on a scheduled job's tick. */
export interface TickKey {
  job: string;
  /** the cron slot (epoch ms): every instance computes the same one */
  tickAt: number;
}

/** What a claim found. */
export interface TickClaimResult {
  /** this owner holds the lease now */
  granted: boolean;
  /** granted after another owner's lease ran out (a takeover) */
  takeover: boolean;
  status: 'running' | 'done';
  /** who holds (or held) the tick */
  owner: string;
  /** lease end, database clock */
  lease_until: number;
  /** the database clock when the claim was judged */
  now: number;
}

/** A tick as another instance sees it while watching for a takeover. */
export interface TickState extends TickKey {
  status: 'running' | 'done';
  owner: string;
  /** the holder's lease has ended (database clock) and the tick is not done */
  expired: boolean;
}

/** How the store's clock and replication look from this instance. */
export interface StoreClock {
  /** the database's clock minus this process's (ms; midpoint of the round trip) */
  skew_ms: number;
  round_trip_ms: number;
  /** standby replay lag (PostgreSQL: the largest replay_lag of pg_stat_replication on a primary, or now() - last replayed transaction on a standby); null when there is no standby */
  replication_lag_ms: number | null;
  /** this connection goes to a standby (read-only) */
  in_recovery: boolean;
}

/**
 * Coordination of several instances on one store: tick leases of scheduled jobs (each tick
 * runs once across the cluster; a dead holder's tick is taken over after its lease), the
 * store's clock, and named locks. Every lease time is judged by the database's
 * clock, so instances whose clocks disagree still agree on who holds what.
 * Reached as `store.cluster`.
 */
export interface ClusterStore {
  /**
   * Take the tick's lease for `leaseMs` unless another owner holds a live one or the tick is
   * done. A tick whose holder's lease ended is granted again (a takeover).
   */
  claimTick(key: TickKey, owner: string, leaseMs: number): Promise<TickClaimResult>;
  /** Extend the lease; false when `owner` no longer holds it (taken over, or done). */
  renewTick(key: TickKey, owner: string, leaseMs: number): Promise<boolean>;
  /** The run ended: the tick is done for the cluster. False when `owner` no longer held it. */
  finishTick(key: TickKey, owner: string, outcome: 'succeeded' | 'failed' | 'skipped'): Promise<boolean>;
  /** The states of some ticks (those with no row are left out). */
  tickStates(keys: readonly TickKey[]): Promise<TickState[]>;
  /** Forget ticks claimed before `before` (epoch ms); returns how many. */
  pruneTicks(before: number): Promise<number>;
  /** The store's clock against ours, and replication lag. */
  clock(): Promise<StoreClock>;
  /**
   * Serialise with every other instance taking the lock of the same `name` until the current
   * transaction ends (PostgreSQL advisory lock; SQLite transactions are serial already). Call
   * inside `store.transaction`.
   */
  lock(name: string): Promise<void>;
}

type Exec = Kysely<DB> | Transaction<DB>;

/** first key of PostgreSQL's two-key advisory locks: the cluster's namespace ("cl") */
export const CLUSTER_LOCK_NAMESPACE = 0x636c;

export class KyselyClusterStore implements ClusterStore {
  private readonly now: RawBuilder<number>;

  constructor(
    private readonly db: Exec,
    private readonly backend: 'sqlite' | 'postgres',
  ) {
    this.now =
      backend === 'postgres'
        ? sql<number>`(extract(epoch from clock_timestamp()) * 1000)::bigint`
        : sql<number>`CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)`;
  }

  async claimTick(key: TickKey, owner: string, leaseMs: number): Promise<TickClaimResult> {
    const won = await sql<{ attempts: number; lease_until: number; claimed_at: number }>`
      INSERT INTO job_ticks (job, tick_at, owner, lease_until, status, attempts, claimed_at)
      VALUES (${key.job}, ${key.tickAt}, ${owner}, ${this.now} + ${leaseMs}, 'running', 1, ${this.now})
      ON CONFLICT (job, tick_at) DO UPDATE SET
        owner = excluded.owner, lease_until = excluded.lease_until, claimed_at = excluded.claimed_at, attempts = job_ticks.attempts + 1
      WHERE job_ticks.status = 'running' AND job_ticks.lease_until < excluded.claimed_at
      RETURNING attempts, lease_until, claimed_at`.execute(this.db);
    const row = won.rows[0];
    if (row) return { granted: true, takeover: Number(row.attempts) > 1, status: 'running', owner, lease_until: Number(row.lease_until), now: Number(row.claimed_at) };
    const cur = await sql<{ status: string; owner: string; lease_until: number; now: number }>`
      SELECT status, owner, lease_until, ${this.now} AS now FROM job_ticks WHERE job = ${key.job} AND tick_at = ${key.tickAt}`.execute(this.db);
    const c = cur.rows[0];
    // the row can only be missing if it was pruned meanwhile: treat it as done
    if (!c) return { granted: false, takeover: false, status: 'done', owner: '', lease_until: 0, now: 0 };
    return { granted: false, takeover: false, status: c.status === 'done' ? 'done' : 'running', owner: c.owner, lease_until: Number(c.lease_until), now: Number(c.now) };
  }

  async renewTick(key: TickKey, owner: string, leaseMs: number): Promise<boolean> {
    const r = await sql`
      UPDATE job_ticks SET lease_until = ${this.now} + ${leaseMs}
      WHERE job = ${key.job} AND tick_at = ${key.tickAt} AND owner = ${owner} AND status = 'running'`.execute(this.db);
    return Number(r.numAffectedRows ?? 0) > 0;
  }

  async finishTick(key: TickKey, owner: string, outcome: 'succeeded' | 'failed' | 'skipped'): Promise<boolean> {
    const r = await sql`
      UPDATE job_ticks SET status = 'done', outcome = ${outcome}, finished_at = ${this.now}
      WHERE job = ${key.job} AND tick_at = ${key.tickAt} AND owner = ${owner} AND status = 'running'`.execute(this.db);
    return Number(r.numAffectedRows ?? 0) > 0;
  }

  async tickStates(keys: readonly TickKey[]): Promise<TickState[]> {
    const out: TickState[] = [];
    for (let i = 0; i < keys.length; i += 200) {
      const part = keys.slice(i, i + 200);
      const match = sql.join(part.map((k) => sql`(job = ${k.job} AND tick_at = ${k.tickAt})`), sql` OR `);
      const rows = await sql<{ job: string; tick_at: number; status: string; owner: string; expired: number | boolean }>`
        SELECT job, tick_at, status, owner, CASE WHEN lease_until < ${this.now} THEN 1 ELSE 0 END AS expired
        FROM job_ticks WHERE ${match}`.execute(this.db);
      for (const r of rows.rows) {
        const done = r.status === 'done';
        out.push({ job: r.job, tickAt: Number(r.tick_at), status: done ? 'done' : 'running', owner: r.owner, expired: !done && Number(r.expired) === 1 });
      }
    }
    return out;
  }

  async pruneTicks(before: number): Promise<number> {
    const r = await this.db.deleteFrom('job_ticks').where('claimed_at', '<', before).executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  async clock(): Promise<StoreClock> {
    const t0 = Date.now();
    if (this.backend !== 'postgres') return { skew_ms: 0, round_trip_ms: 0, replication_lag_ms: null, in_recovery: false };
    const r = await sql<{ now: number; in_recovery: boolean; standby_lag: number | null; replay_lag: number | null }>`
      SELECT ${this.now} AS now, pg_is_in_recovery() AS in_recovery,
        CASE WHEN pg_is_in_recovery() THEN (extract(epoch from now() - pg_last_xact_replay_timestamp()) * 1000)::bigint END AS standby_lag,
        (SELECT (extract(epoch from max(replay_lag)) * 1000)::bigint FROM pg_stat_replication) AS replay_lag`.execute(this.db);
    const t1 = Date.now();
    const row = r.rows[0];
    const lag = row.in_recovery ? row.standby_lag : row.replay_lag;
    return { skew_ms: Number(row.now) - Math.round((t0 + t1) / 2), round_trip_ms: t1 - t0, replication_lag_ms: lag === null ? null : Math.max(0, Number(lag)), in_recovery: row.in_recovery };
  }

  async lock(name: string): Promise<void> {
    if (this.backend === 'postgres') await sql`SELECT pg_advisory_xact_lock(${CLUSTER_LOCK_NAMESPACE}, hashtext(${name}))`.execute(this.db);
  }
}
