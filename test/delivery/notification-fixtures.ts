import { toNotification, type Notification } from '../../src/alerting/delivery/notification.js';
import { outboxRows } from '../../src/alerting/outbox.js';
import type { DeliveryKind } from '../../src/alerting/types.js';
import type { OutboxDelivery } from '../../src/store/delivery-store.js';
import { makeAlert, makeIncident } from './outbox-fixtures.js';

export const PUBLIC_URL = 'https://driftwatch.example.com';
export const AT = Date.UTC(2026, 2, 14, 9, 30);

/** An outbox row as the pipeline writes it (its own outboxRows), as the store hands it back. */
export function sampleDelivery(kind: DeliveryKind = 'trigger', channel = 'slack', extra: { actor?: string; notes?: string } = {}): OutboxDelivery {
  const incident = makeIncident({
    incident_id: 'INC-2026-0001',
    title: 'Fairness drift on loan-approval',
    created_at: AT - 60_000,
    metrics_triggered: [
      { metric_name: 'fairness.demographic_parity', value: 0.14, threshold: 0.1, severity: 'CRITICAL', affected_groups: ['women', 'age 65+'], source: 'rule', first_seen: AT, last_seen: AT, clear_count: 0, cleared: false },
      { metric_name: 'data_drift.psi.income', value: 0.2345678, threshold: 0.2, severity: 'WARNING', affected_groups: [], source: 'rule', first_seen: AT, last_seen: AT, clear_count: 0, cleared: false },
    ],
  });
  const alert = makeAlert({
    alert_id: 'ALT-2026-0001',
    incident_id: incident.incident_id,
    metric_name: 'fairness.demographic_parity',
    metric_value: 0.14,
    threshold: 0.1,
    title: 'Fairness drift detected <script>',
    message: 'Demographic parity gap 0.14 > 0.10 & rising',
    affected_groups: ['women', 'age 65+'],
    created_at: AT,
  });
  const [row] = outboxRows({ kind, alert, incident, ...extra }, [channel], kind === 'trigger' ? 1 : 2, AT + 1000);
  return { ...row, kind: row.kind, lease_owner: null, lease_until: null };
}

export function sampleNotification(kind: DeliveryKind = 'trigger', extra: { actor?: string; notes?: string } = {}): Notification {
  return toNotification(sampleDelivery(kind, 'slack', extra), { alert: null, incident: null }, PUBLIC_URL);
}
