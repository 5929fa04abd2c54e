import type { CheckResult } from '../observability/readiness.js';
import type { LeaseTickGate } from '../scheduler/lease-tick-gate.js';
import type { Store } from '../store/store.js';

/**
 * The `cluster` check of /ready: this instance's role in each scheduled job's latest tick
 * (leader, follower or takeover, and the tick's state), and the store's lag — replication lag
 * when a standby is attached (or this connection is one), else 0 — with the database clock's
 * skew against this instance's. Not ok only when the store cannot say.
 */
export function clusterCheck(store: Store, gate: LeaseTickGate | undefined): () => Promise<CheckResult> {
  return async () => {
    if (!gate) return { ok: true, detail: 'one instance: every tick runs here', info: { mode: 'single', lag_ms: 0 } };
    const clock = await store.cluster.clock();
    const roles = Object.fromEntries(
      Object.entries(gate.roles())
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([job, r]) => [job, { ...r, tick_at: new Date(r.tick_at).toISOString() }]),
    );
    const counts = { leader: 0, follower: 0, takeover: 0 };
    for (const r of Object.values(roles)) counts[r.role]++;
    return {
      ok: true,
      detail: `instance ${gate.owner}: leader of ${counts.leader + counts.takeover} job(s) (${counts.takeover} taken over), follower of ${counts.follower}`,
      info: {
        mode: 'cluster',
        instance: gate.owner,
        lease_ms: gate.leaseMs,
        roles,
        lag_ms: clock.replication_lag_ms ?? 0,
        replication_lag_ms: clock.replication_lag_ms,
        clock_skew_ms: clock.skew_ms,
        round_trip_ms: clock.round_trip_ms,
        in_recovery: clock.in_recovery,
      },
    };
  };
}
