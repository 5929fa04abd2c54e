import type { TriggerOutcome } from './scheduler.js';

/** This process's hold on one tick of a scheduled job, from the gate. */
export interface TickLease {
  /** granted after another instance's lease on the tick ran out (it died or stalled mid-run) */
  readonly takeover: boolean;
  /** aborted if this process loses the lease while running (another instance took the tick over) */
  readonly lost: AbortSignal;
  /** The run ended (whatever its outcome): the tick is done for every instance. */
  done(outcome: TriggerOutcome): Promise<void>;
}

/**
 * Whether this process runs one tick of a scheduled job. Every instance keeps the same cron
 * table; with several instances on one store, a gate that grants each tick to exactly one of
 * them (a lease in the store: lease-tick-gate.ts) makes a job run once per tick across the
 * cluster.
 */
export interface TickGate {
  /**
   * Claim the tick of `job` scheduled for `tickAt` (epoch ms, the cron slot). A lease: run it
   * here, then call `done`. Null: another instance ran it (a gate may wait while another
   * instance holds a live lease, and grant the tick when that lease runs out). A rejection is
   * logged and the tick is skipped here.
   */
  claim(job: string, tickAt: number): Promise<TickLease | null>;
  /** Stop waiting on other instances' ticks (shutdown): pending claims resolve null. */
  close?(): void;
}

const NEVER_LOST = new AbortController().signal;

/** The lease of a process that is alone: nothing to record. */
export const LOCAL_LEASE: TickLease = { takeover: false, lost: NEVER_LOST, done: async () => undefined };

/** One instance: every tick runs here. */
export const LOCAL_GATE: TickGate = { claim: async () => LOCAL_LEASE };
