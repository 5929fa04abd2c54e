import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { ClusterStore, TickKey } from '../store/cluster-store.js';
import type { SchedulerLog } from './scheduler.js';
import type { TickGate, TickLease } from './tick-gate.js';

/** What this instance was for a job's latest tick it saw. */
export interface JobRole {
  /** the tick (epoch ms) */
  tick_at: number;
  /** leader: ran it here; follower: another instance did (or does); takeover: ran it here after the holder's lease ran out */
  role: 'leader' | 'follower' | 'takeover';
  /** running: the leader is at it; watching: a follower waits to take over should the lease run out; done; abandoned: watched too long */
  state: 'running' | 'watching' | 'done' | 'abandoned';
  /** the instance holding the tick, as far as this one knows */
  holder: string;
}

export interface LeaseTickGateOptions {
  /** names this instance in the leases (default host:pid:random) */
  owner?: string;
  /** how long a lease lasts without renewal (ms, default 15 000): a dead holder's tick is taken over after it */
  leaseMs?: number;
  /** how often followers look at the ticks they watch (ms, default leaseMs / 5) */
  pollMs?: number;
  /** a follower stops watching a tick after this long (ms, default 20 × leaseMs) */
  watchMs?: number;
  /** done ticks older than this are forgotten (ms, default 7 days), looked at once an hour */
  keepTicksMs?: number;
  log?: SchedulerLog;
}

interface Watch {
  key: TickKey;
  since: number;
  resolve: (lease: TickLease | null) => void;
}

const tickId = (k: TickKey) => `${k.job}\u0000${k.tickAt}`;

/**
 * Grants each tick of a scheduled job to exactly one instance of a cluster through a lease row
 * in the store (job_ticks, judged by the database's clock). The holder renews its lease while
 * it runs and marks the tick done at the end. An instance that finds a live lease keeps
 * watching the tick and claims it when the lease runs out without the tick being done: a
 * holder killed mid-run has its tick run again elsewhere within about one lease time.
 */
export class LeaseTickGate implements TickGate {
  readonly owner: string;
  readonly leaseMs: number;
  private readonly pollMs: number;
  private readonly watchMs: number;
  private readonly keepTicksMs: number;
  private readonly watches = new Map<string, Watch>();
  private readonly roleOf = new Map<string, JobRole>();
  private timer?: NodeJS.Timeout;
  private polling = false;
  private closed = false;
  private lastPrune = 0;

  constructor(
    private readonly cluster: ClusterStore,
    private readonly options: LeaseTickGateOptions = {},
  ) {
    this.owner = options.owner ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
    this.leaseMs = Math.max(1000, options.leaseMs ?? 15_000);
    this.pollMs = Math.max(100, options.pollMs ?? Math.round(this.leaseMs / 5));
    this.watchMs = options.watchMs ?? 20 * this.leaseMs;
    this.keepTicksMs = options.keepTicksMs ?? 7 * 86_400_000;
  }

  async claim(job: string, tickAt: number): Promise<TickLease | null> {
    if (this.closed) return null;
    const key = { job, tickAt };
    void this.prune();
    const r = await this.cluster.claimTick(key, this.owner, this.leaseMs);
    if (r.granted) return this.hold(key, r.takeover);
    this.setRole(key, { role: 'follower', state: r.status === 'done' ? 'done' : 'watching', holder: r.owner });
    if (r.status === 'done') return null;
    return new Promise((resolve) => {
      this.watches.set(tickId(key), { key, since: Date.now(), resolve });
      this.timer ??= setInterval(() => void this.poll(), this.pollMs);
      this.timer.unref();
    });
  }

  /** The role of this instance in each job's latest tick it saw. */
  roles(): Record<string, JobRole> {
    return Object.fromEntries(this.roleOf);
  }

  close(): void {
    this.closed = true;
    clearInterval(this.timer);
    this.timer = undefined;
    for (const w of this.watches.values()) w.resolve(null);
    this.watches.clear();
  }

  private setRole(key: TickKey, role: Omit<JobRole, 'tick_at'>): void {
    const cur = this.roleOf.get(key.job);
    if (cur && cur.tick_at > key.tickAt) return; // a later tick already speaks for the job
    this.roleOf.set(key.job, { tick_at: key.tickAt, ...role });
  }

  private hold(key: TickKey, takeover: boolean): TickLease {
    const role = takeover ? 'takeover' : 'leader';
    this.setRole(key, { role, state: 'running', holder: this.owner });
    const lost = new AbortController();
    const renew = setInterval(() => {
      this.cluster.renewTick(key, this.owner, this.leaseMs).then(
        (held) => {
          if (held || lost.signal.aborted) return;
          this.options.log?.warn({ job: key.job, tick_at: new Date(key.tickAt).toISOString() }, 'lost the tick’s lease to another instance');
          lost.abort();
          clearInterval(renew);
        },
        (e: unknown) => this.options.log?.warn({ job: key.job, err: e }, 'could not renew the tick’s lease'),
      );
    }, Math.max(100, Math.round(this.leaseMs / 3)));
    renew.unref();
    return {
      takeover,
      lost: lost.signal,
      done: async (outcome) => {
        clearInterval(renew);
        const held = await this.cluster.finishTick(key, this.owner, outcome);
        this.setRole(key, { role, state: 'done', holder: this.owner });
        if (!held) this.options.log?.warn({ job: key.job, tick_at: new Date(key.tickAt).toISOString() }, 'the tick was taken over before this run finished');
      },
    };
  }

  /** Look at every watched tick in one query: done ones end their watch, expired ones are claimed. */
  private async poll(): Promise<void> {
    if (this.polling || this.closed) return;
    this.polling = true;
    try {
      const now = Date.now();
      for (const [id, w] of this.watches) {
        if (now - w.since <= this.watchMs) continue;
        this.watches.delete(id);
        this.setRole(w.key, { role: 'follower', state: 'abandoned', holder: this.roleOf.get(w.key.job)?.holder ?? '' });
        this.options.log?.warn({ job: w.key.job, tick_at: new Date(w.key.tickAt).toISOString() }, 'stopped watching a tick another instance holds');
        w.resolve(null);
      }
      if (this.watches.size === 0) {
        clearInterval(this.timer);
        this.timer = undefined;
        return;
      }
      const states = new Map((await this.cluster.tickStates([...this.watches.values()].map((w) => w.key))).map((s) => [tickId(s), s]));
      for (const [id, w] of this.watches) {
        const st = states.get(id);
        if (!st || st.status === 'done') {
          this.watches.delete(id);
          this.setRole(w.key, { role: 'follower', state: 'done', holder: st?.owner ?? '' });
          w.resolve(null);
        } else if (st.expired) {
          const r = await this.cluster.claimTick(w.key, this.owner, this.leaseMs);
          if (r.granted) {
            this.watches.delete(id);
            w.resolve(this.hold(w.key, true));
          } else if (r.status === 'done') {
            this.watches.delete(id);
            w.resolve(null);
          } else this.setRole(w.key, { role: 'follower', state: 'watching', holder: r.owner });
        }
      }
    } catch (e) {
      this.options.log?.warn({ err: e }, 'could not look at the watched ticks; trying again');
    } finally {
      this.polling = false;
    }
  }

  private async prune(): Promise<void> {
    const now = Date.now();
    if (now - this.lastPrune < 3_600_000) return;
    this.lastPrune = now;
    try {
      await this.cluster.pruneTicks(now - this.keepTicksMs);
    } catch (e) {
      this.options.log?.warn({ err: e }, 'could not forget old ticks');
    }
  }
}
