import type {
  Alert,
  AlertDecision,
  AlertRule,
  AuditEntry,
  Comparison,
  Delivery,
  Incident,
  RuleState,
  Severity,
  Silence,
} from '../alerting/types.js';
import type { DB } from './db-types.js';

/** Conversions between the alerting tables' rows and the domain objects (JSON in text columns, 0/1 flags). */

const num = (v: number | null): number | null => (v === null ? null : Number(v));
const json = <T>(text: string): T => JSON.parse(text) as T;

export function toRule(r: DB['alert_rules']): AlertRule {
  return {
    rule_id: r.rule_id,
    name: r.name,
    description: r.description,
    metric: r.metric,
    comparison: r.comparison as Comparison | null,
    threshold: num(r.threshold),
    severity_at_least: r.severity_at_least as Severity | null,
    severity: r.severity as Severity,
    models: json<string[]>(r.models),
    for_count: r.for_count,
    cooldown_ms: Number(r.cooldown_ms),
    channels: json<string[]>(r.channels),
    enabled: Number(r.enabled) === 1,
    builtin: Number(r.builtin) === 1,
    created_at: Number(r.created_at),
    updated_at: Number(r.updated_at),
  };
}

export const fromRule = (r: AlertRule): DB['alert_rules'] => ({
  ...r,
  models: JSON.stringify(r.models),
  channels: JSON.stringify(r.channels),
  enabled: r.enabled ? 1 : 0,
  builtin: r.builtin ? 1 : 0,
});

export const toRuleState = (r: DB['alert_rule_state']): RuleState => ({
  rule_id: r.rule_id,
  model_id: r.model_id,
  metric: r.metric,
  consecutive: r.consecutive,
  firing: Number(r.firing) === 1,
  last_value: num(r.last_value),
  last_evaluated_at: Number(r.last_evaluated_at),
  last_fired_at: num(r.last_fired_at),
});

export const fromRuleState = (s: RuleState): DB['alert_rule_state'] => ({ ...s, firing: s.firing ? 1 : 0 });

type IncidentBody = Pick<Incident, 'metrics_triggered' | 'alert_ids' | 'response_actions' | 'resolved_by' | 'resolution_notes'>;

export function toIncident(r: DB['incidents']): Incident {
  const body = json<IncidentBody>(r.body);
  return {
    incident_id: r.incident_id,
    model_id: r.model_id,
    component: r.component,
    condition_key: r.condition_key,
    title: r.title,
    severity: r.severity as Severity,
    status: r.status as Incident['status'],
    created_at: Number(r.created_at),
    updated_at: Number(r.updated_at),
    acknowledged_at: num(r.acknowledged_at),
    resolved_at: num(r.resolved_at),
    monitoring_record_id: r.monitoring_record_id,
    period_start: num(r.period_start),
    period_end: num(r.period_end),
    clear_count: r.clear_count,
    metrics_triggered: body.metrics_triggered,
    alert_ids: body.alert_ids,
    response_actions: body.response_actions,
    resolved_by: body.resolved_by ?? null,
    resolution_notes: body.resolution_notes ?? null,
  };
}

export function fromIncident(i: Incident): DB['incidents'] {
  const { metrics_triggered, alert_ids, response_actions, resolved_by, resolution_notes, ...columns } = i;
  const body: IncidentBody = { metrics_triggered, alert_ids, response_actions, resolved_by, resolution_notes };
  return { ...columns, exported_at: null, body: JSON.stringify(body) };
}

type AlertBody = Pick<Alert, 'channels_notified' | 'labels' | 'affected_groups' | 'monitoring_record_id'>;

export function toAlert(r: DB['alerts']): Alert {
  const body = json<AlertBody>(r.body);
  return {
    alert_id: r.alert_id,
    incident_id: r.incident_id,
    model_id: r.model_id,
    rule_id: r.rule_id,
    metric_name: r.metric_name,
    metric_value: num(r.metric_value),
    threshold: num(r.threshold),
    severity: r.severity as Severity,
    status: r.status as Alert['status'],
    source: r.source as Alert['source'],
    component: r.component,
    title: r.title,
    message: r.message,
    created_at: Number(r.created_at),
    acknowledged: Number(r.acknowledged) === 1,
    acknowledged_by: r.acknowledged_by,
    acknowledged_at: num(r.acknowledged_at),
    acknowledgment_notes: r.acknowledgment_notes,
    resolved_at: num(r.resolved_at),
    fingerprint: r.fingerprint,
    channels_notified: body.channels_notified ?? [],
    labels: body.labels ?? {},
    affected_groups: body.affected_groups ?? [],
    monitoring_record_id: body.monitoring_record_id ?? null,
  };
}

export function fromAlert(a: Alert): DB['alerts'] {
  const { channels_notified, labels, affected_groups, monitoring_record_id, acknowledged, ...columns } = a;
  const body: AlertBody = { channels_notified, labels, affected_groups, monitoring_record_id };
  return { ...columns, acknowledged: acknowledged ? 1 : 0, body: JSON.stringify(body) };
}

export const toSilence = (r: DB['silences']): Silence => ({
  ...r,
  matchers: json<Silence['matchers']>(r.matchers),
  starts_at: Number(r.starts_at),
  ends_at: Number(r.ends_at),
  created_at: Number(r.created_at),
});

export const fromSilence = (s: Silence): DB['silences'] => ({ ...s, matchers: JSON.stringify(s.matchers) });

export const toDelivery = (r: DB['deliveries']): Delivery => ({
  delivery_id: r.delivery_id,
  alert_id: r.alert_id,
  incident_id: r.incident_id,
  channel: r.channel,
  kind: r.kind as Delivery['kind'],
  sequence: Number(r.sequence),
  idempotency_key: r.idempotency_key,
  payload: json<Record<string, unknown>>(r.payload),
  status: r.status as Delivery['status'],
  attempts: r.attempts,
  next_attempt_at: Number(r.next_attempt_at),
  last_error: r.last_error,
  created_at: Number(r.created_at),
  sent_at: num(r.sent_at),
});

export const fromDelivery = (d: Delivery): DB['deliveries'] => ({ ...d, payload: JSON.stringify(d.payload), lease_owner: null, lease_until: null });

export const toDecision = (r: DB['alert_decisions']): AlertDecision => ({
  ...r,
  at: Number(r.at),
  severity: r.severity as Severity,
  decision: r.decision as AlertDecision['decision'],
});

export const toAudit = (r: DB['audit_log']): AuditEntry => ({ ...r, at: Number(r.at), details: json<Record<string, unknown>>(r.details) });

export const fromAudit = (e: AuditEntry): DB['audit_log'] => ({ ...e, details: JSON.stringify(e.details) });
