import type { Store } from '../store/store.js';
import type { AlertingSnapshot } from './alerting-metrics.js';

/** Alert statuses always reported (0 when none), so dashboards have a series for each. */
const ALERT_STATUSES = ['pending', 'sent', 'failed', 'acknowledged', 'resolved'];

/**
 * The alerting gauges' source: open and investigating incidents by severity, alerts by status
 * and the outbox depth, read from the store (on scrape, cached by the metrics).
 */
export function alertingSnapshotFrom(store: Store, clock: () => number): () => Promise<AlertingSnapshot> {
  return async () => {
    const now = clock();
    const openIncidents: Record<string, number> = {};
    let cursor: string | undefined;
    do {
      const page = await store.alerting.listIncidents({ status: 'active', limit: 1000, cursor });
      for (const i of page.items) openIncidents[i.severity] = (openIncidents[i.severity] ?? 0) + 1;
      cursor = page.next_cursor;
    } while (cursor);
    const stats = await store.alerting.alertStatistics({});
    const alertsByStatus: Record<string, number> = Object.fromEntries(ALERT_STATUSES.map((s) => [s, 0]));
    for (const [status, n] of Object.entries(stats.by_status)) alertsByStatus[status] = n;
    const depth = await store.outbox.outboxDepth(now);
    return {
      openIncidents,
      alertsByStatus,
      outboxPending: depth.pending,
      outboxOldestAgeSeconds: depth.oldest_pending_at === null ? 0 : Math.max(0, (now - depth.oldest_pending_at) / 1000),
    };
  };
}
