import { newId } from '../alerting/ids.js';
import type { Delivery } from '../alerting/types.js';
import { toIso } from '../domain/time.js';
import { currentRequestId } from '../observability/log-context.js';
import type { RetrainTrigger } from './types.js';

/** The event type receivers see in the webhook body's `event` field. */
export const RETRAIN_EVENT = 'retrain.recommended';

const KIND_TEXT: Record<RetrainTrigger['kind'], string> = {
  schedule: 'scheduled retraining',
  data_drift: 'data drift on key features',
  performance_drop: 'performance drop',
  manual: 'requested by hand',
};

/**
 * The data of a `retrain.recommended` event (the webhook body's `data`):
 *
 * ```
 * { trigger_id, model_id, trigger: schedule | data_drift | performance_drop | manual,
 *   reason, fired_at, record_id, model_version, details, timeline }
 * ```
 */
export function retrainEventData(t: RetrainTrigger): Record<string, unknown> {
  return {
    trigger_id: t.trigger_id,
    model_id: t.model_id,
    trigger: t.kind,
    reason: t.reason,
    fired_at: toIso(t.fired_at),
    record_id: t.record_id,
    model_version: t.model_version,
    details: t.details,
    timeline: `/api/v1/models/${encodeURIComponent(t.model_id)}/timeline`,
  };
}

/**
 * Outbox rows announcing a fired trigger, one per channel, written in the trigger's transaction:
 * the delivery worker sends them (signed webhooks, retries, exactly once per idempotency key
 * `<trigger id>:1:<channel>`). They belong to no alert or incident.
 */
export function retrainEventRows(t: RetrainTrigger, channels: readonly string[], now: number): Delivery[] {
  const payload = {
    kind: 'event',
    event: RETRAIN_EVENT,
    sequence: 1,
    dedup_key: t.trigger_id,
    title: `Retraining recommended for ${t.model_id}: ${KIND_TEXT[t.kind]}`,
    message: t.reason,
    model_id: t.model_id,
    severity: t.kind === 'data_drift' || t.kind === 'performance_drop' ? 'WARNING' : 'INFO',
    data: retrainEventData(t),
    alert: null,
    incident: null,
    actor: t.actor,
    notes: null,
    links: { alert: null, incident: null },
    request_id: currentRequestId() ?? null,
  };
  return [...new Set(channels)].map((channel) => ({
    delivery_id: newId('DLV', now),
    alert_id: null,
    incident_id: null,
    channel,
    kind: 'event',
    sequence: 1,
    idempotency_key: `${t.trigger_id}:1:${channel}`,
    payload,
    status: 'pending',
    attempts: 0,
    next_attempt_at: now,
    last_error: null,
    created_at: now,
    sent_at: null,
  }));
}
