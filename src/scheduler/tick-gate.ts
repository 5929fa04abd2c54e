/**
 * Whether this process runs one tick of a scheduled job. Every instance keeps the same cron
 * table; with several instances on one store, a gate that grants each tick to exactly one of
 * them (a lease in the store, issue 9) makes a job run once per tick across the cluster.
 */
export interface TickGate {
  /**
   * Claim the tick of `job` scheduled for `tickAt` (epoch ms). True: run it here; false:
   * another instance has it. A rejection is logged and the tick is skipped.
   */
  claim(job: string, tickAt: number): Promise<boolean>;
}

/** One instance: every tick runs here. */
export const LOCAL_GATE: TickGate = { claim: async () => true };
