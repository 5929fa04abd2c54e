import type { Severity } from '../stats/types.js';

export type { Severity };

/** How a rule compares a finding's value with its threshold. */
export type Comparison = '<' | '<=' | '>' | '>=' | '==' | '!=';
export const COMPARISONS: readonly Comparison[] = ['<', '<=', '>', '>=', '==', '!='];

export const SEVERITIES: readonly Severity[] = ['INFO', 'WARNING', 'CRITICAL'];
/** 0 for INFO, 1 for WARNING, 2 for CRITICAL. */
export const severityRank = (s: Severity): number => SEVERITIES.indexOf(s);
export const maxSeverity = (a: Severity, b: Severity): Severity => (severityRank(a) >= severityRank(b) ? a : b);

/**
 * A stored alert rule. A finding breaches it when its metric matches the selector and every
 * condition the rule sets holds (`comparison` + `threshold` on the value, `severity_at_least` on
 * the finding's own graded severity). It fires after `for_count` consecutive breaching analyses.
 */
export interface AlertRule {
  rule_id: string;
  name: string;
  description: string;
  /** selector: `data_drift.psi.income`, `data_drift.psi.*`, a prefix (`fairness.disparate_impact`) or `*` */
  metric: string;
  comparison: Comparison | null;
  threshold: number | null;
  severity_at_least: Severity | null;
  /** severity of the alerts it makes */
  severity: Severity;
  /** `['*']` (every model) or model ids */
  models: string[];
  /** consecutive breaching analyses before it fires (1 = at once) */
  for_count: number;
  /** after firing for a (model, metric), it does not fire again for it within this many ms */
  cooldown_ms: number;
  /** channel names; empty = the configured default channels */
  channels: string[];
  enabled: boolean;
  /** shipped with the product: may be changed or disabled, never deleted */
  builtin: boolean;
  created_at: number;
  updated_at: number;
}

/** Persisted per (rule, model, metric): `for`, firing and cooldown survive restarts. */
export interface RuleState {
  rule_id: string;
  model_id: string;
  metric: string;
  consecutive: number;
  firing: boolean;
  last_value: number | null;
  last_evaluated_at: number;
  last_fired_at: number | null;
}

/** A finding as alerting sees it (analysis findings and self-monitoring measurements alike). */
export interface ObservedFinding {
  metric: string;
  value: number | null;
  threshold: number | null;
  severity: Severity;
  category?: string;
  feature?: string;
  attribute?: string;
  affected_groups?: string[];
  message?: string;
}

export type AlertSource = 'rule' | 'external' | 'alertmanager';

/** What might become an alert: it goes through silence → dedup → cooldown → record. */
export interface AlertCandidate {
  source: AlertSource;
  rule_id: string | null;
  model_id: string | null;
  metric: string;
  value: number | null;
  threshold: number | null;
  severity: Severity;
  /** model, analyzer, ingest, or an external producer's component */
  component: string;
  title: string;
  message: string;
  affected_groups: string[];
  /** extra labels (Alertmanager's) that silences can match too */
  labels: Record<string, string>;
  monitoring_record_id: string | null;
  period: { start: number; end: number } | null;
  /** channel names; empty = the default channels */
  channels: string[];
  /** an incident the producer named (Flow 4's incident_id) */
  incident_id?: string;
  fingerprint?: string;
}

export type IncidentStatus = 'open' | 'investigating' | 'resolved';

/** One metric that took part in an incident, and whether it has cleared since. */
export interface TriggeredMetric {
  metric_name: string;
  value: number | null;
  threshold: number | null;
  severity: Severity;
  affected_groups: string[];
  source: AlertSource;
  first_seen: number;
  last_seen: number;
  /** consecutive analyses in which it was clear (rule metrics); resolved flag for Alertmanager's */
  clear_count: number;
  cleared: boolean;
}

/** An entry of an incident's timeline. */
export interface ResponseAction {
  action: 'opened' | 'alert' | 'reopened' | 'acknowledged' | 'comment' | 'resolved' | 'cleared';
  taken_by: string;
  taken_at: number;
  notes?: string;
  alert_id?: string;
  metric?: string;
  automatic?: boolean;
}

export interface Incident {
  incident_id: string;
  model_id: string | null;
  component: string;
  /** `${model_id}|${component}`: at most one open or investigating incident per key */
  condition_key: string;
  title: string;
  severity: Severity;
  status: IncidentStatus;
  created_at: number;
  updated_at: number;
  acknowledged_at: number | null;
  resolved_at: number | null;
  monitoring_record_id: string | null;
  period_start: number | null;
  period_end: number | null;
  /** the smallest clear_count among its rule metrics (what auto-resolution waits for) */
  clear_count: number;
  metrics_triggered: TriggeredMetric[];
  alert_ids: string[];
  response_actions: ResponseAction[];
  resolved_by: string | null;
  resolution_notes: string | null;
}

export type AlertStatus = 'pending' | 'sent' | 'failed' | 'acknowledged' | 'resolved';

export interface Alert {
  alert_id: string;
  incident_id: string | null;
  model_id: string | null;
  rule_id: string | null;
  metric_name: string;
  metric_value: number | null;
  threshold: number | null;
  severity: Severity;
  /** pending until the delivery worker has sent it (sent | failed); acknowledged; resolved */
  status: AlertStatus;
  source: AlertSource;
  component: string;
  title: string;
  message: string;
  created_at: number;
  acknowledged: boolean;
  acknowledged_by: string | null;
  acknowledged_at: number | null;
  acknowledgment_notes: string | null;
  resolved_at: number | null;
  fingerprint: string | null;
  /** filled by the delivery worker */
  channels_notified: string[];
  labels: Record<string, string>;
  affected_groups: string[];
  monitoring_record_id: string | null;
}

/** A matcher over a candidate's labels (model_id, metric, severity, rule_id, component, and Alertmanager's). */
export interface SilenceMatcher {
  label: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
}

export interface Silence {
  silence_id: string;
  matchers: SilenceMatcher[];
  starts_at: number;
  ends_at: number;
  created_by: string;
  comment: string;
  created_at: number;
}

/** `event`: a notice that is not about an alert or incident (a retraining recommendation, src/registry/retrain-event.ts). */
export type DeliveryKind = 'trigger' | 'acknowledge' | 'resolve' | 'event';

/** One outbox row: written with the alert, drained by the delivery worker. */
export interface Delivery {
  delivery_id: string;
  alert_id: string | null;
  incident_id: string | null;
  channel: string;
  kind: DeliveryKind;
  /** per incident (per alert when there is none): a worker sends a channel's rows in this order */
  sequence: number;
  idempotency_key: string;
  payload: Record<string, unknown>;
  status: 'pending' | 'sent' | 'failed';
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  created_at: number;
  sent_at: number | null;
}

export type DecisionKind = 'recorded' | 'suppressed' | 'deduplicated' | 'cooling_down' | 'inhibited';

/** A pipeline decision about a candidate, with its reason (the alert_decisions log). */
export interface AlertDecision {
  id: string;
  at: number;
  model_id: string | null;
  rule_id: string | null;
  metric: string;
  severity: Severity;
  decision: DecisionKind;
  reason: string;
  alert_id: string | null;
}

export interface AuditEntry {
  id: string;
  at: number;
  /** who: `key:<api key id>` for API calls, `system` for the service itself */
  actor: string;
  /** e.g. rule.create, silence.expire, alert.acknowledge, incident.resolve, baseline.create */
  action: string;
  target_type: string;
  target_id: string | null;
  details: Record<string, unknown>;
  request_id: string | null;
}
