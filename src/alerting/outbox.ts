import { newId } from './ids.js';
import { toIso } from '../domain/time.js';
import type { Alert, Delivery, DeliveryKind, Incident } from './types.js';
import { currentRequestId } from '../observability/log-context.js';

/**
 * Outbox rows: what the delivery worker sends, written in the same transaction as the change
 * they announce. The payload is a self-contained snapshot, so a row sent an hour late (receiver
 * down) still says what was true when it was written:
 *
 * ```
 * { kind, sequence, dedup_key,                       // dedup_key: PagerDuty's, stable per incident
 *   alert: { alert_id, model_id, metric_name, metric_value, threshold, severity, title, … } | null,
 *   incident: { incident_id, title, status, severity, metrics_triggered, … } | null,
 *   actor, notes,                                    // who acknowledged or resolved, and why
 *   links: { alert, incident } }                     // paths under server.public_url
 * ```
 */
export interface OutboxEvent {
  kind: DeliveryKind;
  alert: Alert | null;
  incident: Incident | null;
  actor?: string;
  notes?: string | null;
}

const alertView = (a: Alert) => ({
  alert_id: a.alert_id,
  incident_id: a.incident_id,
  model_id: a.model_id,
  rule_id: a.rule_id,
  metric_name: a.metric_name,
  metric_value: a.metric_value,
  threshold: a.threshold,
  severity: a.severity,
  source: a.source,
  component: a.component,
  title: a.title,
  message: a.message,
  affected_groups: a.affected_groups,
  labels: a.labels,
  monitoring_record_id: a.monitoring_record_id,
  created_at: toIso(a.created_at),
});

const incidentView = (i: Incident) => ({
  incident_id: i.incident_id,
  model_id: i.model_id,
  component: i.component,
  title: i.title,
  status: i.status,
  severity: i.severity,
  created_at: toIso(i.created_at),
  acknowledged_at: i.acknowledged_at === null ? null : toIso(i.acknowledged_at),
  resolved_at: i.resolved_at === null ? null : toIso(i.resolved_at),
  monitoring_record_id: i.monitoring_record_id,
  metrics_triggered: i.metrics_triggered.map((m) => ({ metric_name: m.metric_name, value: m.value, threshold: m.threshold, severity: m.severity, affected_groups: m.affected_groups })),
});

/** The scope that orders deliveries: the incident, or the alert when it has none. */
export const scopeOf = (e: Pick<OutboxEvent, 'alert' | 'incident'>): { incident_id: string } | { alert_id: string } =>
  e.incident ? { incident_id: e.incident.incident_id } : { alert_id: e.alert!.alert_id };

/**
 * One pending row per channel for an event. All rows of an event share its sequence number
 * (per incident); the idempotency key `<incident or alert id>:<sequence>:<channel>` is unique,
 * so a retried transaction can never write an event twice and receivers can drop repeats.
 */
export function outboxRows(event: OutboxEvent, channels: readonly string[], sequence: number, now: number): Delivery[] {
  if (!event.alert && !event.incident) throw new Error('an outbox event needs an alert or an incident');
  const scope = event.incident?.incident_id ?? event.alert!.alert_id;
  const payload = {
    kind: event.kind,
    sequence,
    dedup_key: scope,
    alert: event.alert ? alertView(event.alert) : null,
    incident: event.incident ? incidentView(event.incident) : null,
    actor: event.actor ?? null,
    notes: event.notes ?? null,
    links: {
      alert: event.alert ? `/alerts/${event.alert.alert_id}` : null,
      incident: event.incident ? `/incidents/${event.incident.incident_id}` : null,
    },
    // the request that caused this event (an analysis, a trigger): the delivery worker logs it
    request_id: currentRequestId() ?? null,
  };
  return [...new Set(channels)].map((channel) => ({
    delivery_id: newId('DLV', now),
    alert_id: event.alert?.alert_id ?? null,
    incident_id: event.incident?.incident_id ?? null,
    channel,
    kind: event.kind,
    sequence,
    idempotency_key: `${scope}:${sequence}:${channel}`,
    payload,
    status: 'pending',
    attempts: 0,
    next_attempt_at: now,
    last_error: null,
    created_at: now,
    sent_at: null,
  }));
}

/** Channels that took (or will take) an alert's trigger: acknowledge and resolve notices go to them. */
export const notifiedChannels = (deliveries: readonly Delivery[], alerts?: readonly Alert[]): string[] => {
  const out = new Set(deliveries.filter((d) => d.kind === 'trigger' && d.status !== 'failed').map((d) => d.channel));
  for (const a of alerts ?? []) for (const c of a.channels_notified) out.add(c);
  return [...out].sort();
};
