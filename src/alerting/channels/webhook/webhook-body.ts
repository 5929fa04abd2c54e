import type { Notification } from '../../delivery/notification.js';

/**
 * The generic webhook's JSON body, version 1. Stable field names; times are ISO-8601 UTC.
 * `timestamp` is when this attempt was made (also in the X-Driftwatch-Timestamp header, in
 * seconds); `idempotency_key` is the same on every attempt of a delivery.
 */
export function webhookBody(n: Notification, sentAt: number): Record<string, unknown> {
  return {
    version: '1',
    // an `event` delivery names its own type (retrain.recommended) and carries its data
    event: n.event?.type ?? n.kind,
    timestamp: new Date(sentAt).toISOString(),
    idempotency_key: n.idempotency_key,
    delivery_id: n.delivery_id,
    sequence: n.sequence,
    dedup_key: n.dedup_key,
    alert_id: n.alert_id,
    incident_id: n.incident_id,
    severity: n.severity,
    title: n.title,
    message: n.message,
    model_id: n.model_id,
    component: n.component,
    source: n.source,
    incident_status: n.incident_status,
    metrics: n.metrics,
    actor: n.actor,
    notes: n.notes,
    started_at: new Date(n.started_at).toISOString(),
    occurred_at: new Date(n.occurred_at).toISOString(),
    links: n.links,
    ...(n.event ? { data: n.event.data } : {}),
  };
}
