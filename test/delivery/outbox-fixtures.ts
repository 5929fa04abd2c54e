import { outboxRows } from '../../src/alerting/outbox.js';
import type { Alert, Delivery, DeliveryKind, Incident } from '../../src/alerting/types.js';
import type { Store } from '../../src/store/store.js';

let seq = 0;
/** An id no other test in this process uses. */
export const uniq = (prefix: string): string => `${prefix}-${process.pid}-${(seq++).toString(36)}`;

/** A stored-shape alert (pending, nothing notified yet). */
export function makeAlert(over: Partial<Alert> = {}): Alert {
  const now = over.created_at ?? Date.UTC(2026, 0, 1);
  return {
    alert_id: uniq('ALT'),
    incident_id: null,
    model_id: 'loan-approval',
    rule_id: 'builtin.critical-findings',
    metric_name: 'data_drift.psi.income',
    metric_value: 0.31,
    threshold: 0.2,
    severity: 'CRITICAL',
    status: 'pending',
    source: 'rule',
    component: 'model',
    title: 'Data drift on income',
    message: 'PSI of income is 0.31 (threshold 0.2)',
    created_at: now,
    acknowledged: false,
    acknowledged_by: null,
    acknowledged_at: null,
    acknowledgment_notes: null,
    resolved_at: null,
    fingerprint: null,
    channels_notified: [],
    labels: {},
    affected_groups: ['age 65+'],
    monitoring_record_id: 'MON-1',
    ...over,
  };
}

export function makeIncident(over: Partial<Incident> = {}): Incident {
  const now = over.created_at ?? Date.UTC(2026, 0, 1);
  return {
    incident_id: uniq('INC'),
    model_id: 'loan-approval',
    component: 'model',
    condition_key: `loan-approval|model|${uniq('k')}`,
    title: 'Drift on loan-approval',
    severity: 'CRITICAL',
    status: 'open',
    created_at: now,
    updated_at: now,
    acknowledged_at: null,
    resolved_at: null,
    monitoring_record_id: 'MON-1',
    period_start: null,
    period_end: null,
    clear_count: 0,
    metrics_triggered: [],
    alert_ids: [],
    response_actions: [],
    resolved_by: null,
    resolution_notes: null,
    ...over,
  };
}

/**
 * Write what the alerting pipeline writes: the alert (and incident) and one outbox row per
 * channel, through the pipeline's own outboxRows, with the next sequence of the incident.
 */
export async function enqueue(
  store: Store,
  event: { kind: DeliveryKind; alert?: Alert | null; incident?: Incident | null; actor?: string; notes?: string },
  channels: string[],
  now: number,
  options: { insertSubjects?: boolean } = {},
): Promise<Delivery[]> {
  return store.transaction(async (tx) => {
    const a = tx.alerting;
    if (options.insertSubjects !== false) {
      if (event.incident && !(await a.getIncident(event.incident.incident_id))) await a.insertIncident(event.incident);
      if (event.alert && !(await a.getAlert(event.alert.alert_id))) await a.insertAlert(event.alert);
    }
    const scope = event.incident ? { incident_id: event.incident.incident_id } : { alert_id: event.alert!.alert_id };
    const sequence = (await a.lastSequence(scope)) + 1;
    const rows = outboxRows({ kind: event.kind, alert: event.alert ?? null, incident: event.incident ?? null, actor: event.actor, notes: event.notes }, channels, sequence, now);
    await a.insertDeliveries(rows);
    return rows;
  });
}
