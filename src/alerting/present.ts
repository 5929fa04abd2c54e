import { toIso } from '../domain/time.js';
import { silenceState } from './silence-service.js';
import type { Alert, AlertDecision, AlertRule, AuditEntry, Delivery, Incident, Silence } from './types.js';

/** API views of the alerting objects: times as UTC ISO-8601, names as the API documents them. */

const iso = (t: number | null): string | null => (t === null ? null : toIso(t));

export const presentRule = (r: AlertRule) => ({
  rule_id: r.rule_id,
  name: r.name,
  description: r.description,
  metric: r.metric,
  comparison: r.comparison,
  threshold: r.threshold,
  severity_at_least: r.severity_at_least,
  severity: r.severity,
  models: r.models,
  for: r.for_count,
  cooldown_ms: r.cooldown_ms,
  channels: r.channels,
  enabled: r.enabled,
  builtin: r.builtin,
  created_at: toIso(r.created_at),
  updated_at: toIso(r.updated_at),
});

export const presentAlert = (a: Alert) => ({
  ...a,
  created_at: toIso(a.created_at),
  acknowledged_at: iso(a.acknowledged_at),
  resolved_at: iso(a.resolved_at),
});

export const presentIncident = ({ period_start, period_end, ...i }: Incident) => ({
  ...i,
  created_at: toIso(i.created_at),
  updated_at: toIso(i.updated_at),
  acknowledged_at: iso(i.acknowledged_at),
  resolved_at: iso(i.resolved_at),
  analysis_period: period_start === null || period_end === null ? null : { start: toIso(period_start), end: toIso(period_end) },
  metrics_triggered: i.metrics_triggered.map((m) => ({ ...m, first_seen: toIso(m.first_seen), last_seen: toIso(m.last_seen) })),
  response_actions: i.response_actions.map((a) => ({ ...a, taken_at: toIso(a.taken_at) })),
});

export const presentSilence = (s: Silence, now: number) => ({
  ...s,
  state: silenceState(s, now),
  starts_at: toIso(s.starts_at),
  ends_at: toIso(s.ends_at),
  created_at: toIso(s.created_at),
});

export const presentDecision = (d: AlertDecision) => ({ ...d, at: toIso(d.at) });

export const presentAudit = (e: AuditEntry) => ({ ...e, at: toIso(e.at) });

/** A delivery as the incident view lists it (no payload: it repeats the alert and incident). */
export const presentDelivery = (d: Delivery) => ({
  delivery_id: d.delivery_id,
  alert_id: d.alert_id,
  channel: d.channel,
  kind: d.kind,
  sequence: d.sequence,
  status: d.status,
  attempts: d.attempts,
  last_error: d.last_error,
  created_at: toIso(d.created_at),
  sent_at: iso(d.sent_at),
});
