import { Type } from '@fastify/type-provider-typebox';
import type { CandidateOutcome } from '../../alerting/alert-recorder.js';

/** Route schemas of rules, alerts, incidents, silences and the audit trail (they make up the OpenAPI document). */

/** A filter value from the query string: text a store can compare (no NUL, which PostgreSQL refuses). */
export const QueryText = (maxLength: number, description?: string) => Type.String({ maxLength, pattern: '^[^\\u0000]*$', ...(description ? { description } : {}) });

export const Severity = Type.Union([Type.Literal('INFO'), Type.Literal('WARNING'), Type.Literal('CRITICAL')]);
export const Comparison = Type.Union([Type.Literal('<'), Type.Literal('<='), Type.Literal('>'), Type.Literal('>='), Type.Literal('=='), Type.Literal('!=')]);
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const Time = Type.String({ description: 'ISO-8601 (UTC)' });
const Text = (maxLength: number, description?: string) => Type.String({ maxLength, ...(description ? { description } : {}) });

export const RuleView = Type.Object({
  rule_id: Type.String(),
  name: Type.String(),
  description: Type.String(),
  metric: Type.String({ description: 'selector: `data_drift.psi.income`, `data_drift.psi.*`, a prefix such as `fairness.disparate_impact`, or `*`' }),
  comparison: Nullable(Comparison),
  threshold: Nullable(Type.Number()),
  severity_at_least: Nullable(Severity),
  severity: Severity,
  models: Type.Array(Type.String()),
  for: Type.Integer({ description: 'consecutive breaching analyses before the rule fires' }),
  cooldown_ms: Type.Integer(),
  channels: Type.Array(Type.String()),
  enabled: Type.Boolean(),
  builtin: Type.Boolean({ description: 'shipped with the product: can be changed or disabled, not deleted' }),
  created_at: Time,
  updated_at: Time,
});

/** Rule fields a client sets (create: name, metric and severity are required). */
export const RuleBody = Type.Object(
  {
    rule_id: Type.Optional(Type.String({ maxLength: 128, description: 'default: rule_<ulid>' })),
    name: Type.Optional(Text(200)),
    description: Type.Optional(Text(2000)),
    metric: Type.Optional(Text(256)),
    comparison: Type.Optional(Nullable(Comparison)),
    threshold: Type.Optional(Nullable(Type.Number())),
    severity_at_least: Type.Optional(Nullable(Severity)),
    severity: Type.Optional(Severity),
    models: Type.Optional(Type.Array(Type.String({ maxLength: 128 }), { minItems: 1, maxItems: 1000 })),
    for: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    cooldown: Type.Optional(Type.Union([Type.Integer({ minimum: 0, description: 'ms' }), Type.String({ maxLength: 32, description: 'a duration: 30m, 6h, 1d' })])),
    channels: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 50 })),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const TriggeredMetricView = Type.Object({
  metric_name: Type.String(),
  value: Nullable(Type.Number()),
  threshold: Nullable(Type.Number()),
  severity: Severity,
  affected_groups: Type.Array(Type.String()),
  source: Type.String(),
  first_seen: Time,
  last_seen: Time,
  clear_count: Type.Integer({ description: 'consecutive clear analyses' }),
  cleared: Type.Boolean(),
});

export const ResponseActionView = Type.Object({
  action: Type.String({ description: 'opened, alert, reopened, acknowledged, comment, cleared, resolved' }),
  taken_by: Type.String(),
  taken_at: Time,
  notes: Type.Optional(Type.String()),
  alert_id: Type.Optional(Type.String()),
  metric: Type.Optional(Type.String()),
  automatic: Type.Optional(Type.Boolean()),
});

export const IncidentView = Type.Object({
  incident_id: Type.String(),
  model_id: Nullable(Type.String()),
  component: Type.String(),
  condition_key: Type.String(),
  title: Type.String(),
  severity: Severity,
  status: Type.Union([Type.Literal('open'), Type.Literal('investigating'), Type.Literal('resolved')]),
  created_at: Time,
  updated_at: Time,
  acknowledged_at: Nullable(Time),
  resolved_at: Nullable(Time),
  resolved_by: Nullable(Type.String()),
  resolution_notes: Nullable(Type.String()),
  monitoring_record_id: Nullable(Type.String()),
  analysis_period: Nullable(Type.Object({ start: Time, end: Time })),
  clear_count: Type.Integer(),
  metrics_triggered: Type.Array(TriggeredMetricView),
  alert_ids: Type.Array(Type.String()),
  response_actions: Type.Array(ResponseActionView),
});

export const AlertView = Type.Object({
  alert_id: Type.String(),
  incident_id: Nullable(Type.String()),
  model_id: Nullable(Type.String()),
  rule_id: Nullable(Type.String()),
  metric_name: Type.String(),
  metric_value: Nullable(Type.Number()),
  threshold: Nullable(Type.Number()),
  severity: Severity,
  status: Type.String({ description: 'pending, sent, failed, acknowledged, resolved' }),
  source: Type.String({ description: 'rule, external, alertmanager' }),
  component: Type.String(),
  title: Type.String(),
  message: Type.String(),
  created_at: Time,
  acknowledged: Type.Boolean(),
  acknowledged_by: Nullable(Type.String()),
  acknowledged_at: Nullable(Time),
  acknowledgment_notes: Nullable(Type.String()),
  resolved_at: Nullable(Time),
  fingerprint: Nullable(Type.String()),
  channels_notified: Type.Array(Type.String()),
  labels: Type.Record(Type.String(), Type.String()),
  affected_groups: Type.Array(Type.String()),
  monitoring_record_id: Nullable(Type.String()),
});

export const Matcher = Type.Object(
  {
    label: Type.String({ maxLength: 64, description: 'model_id, metric, severity, rule_id, component, or an Alertmanager label' }),
    op: Type.Union([Type.Literal('='), Type.Literal('!='), Type.Literal('=~'), Type.Literal('!~')], { default: '=' }),
    value: Type.String({ maxLength: 1024 }),
  },
  { additionalProperties: false },
);

export const SilenceView = Type.Object({
  silence_id: Type.String(),
  matchers: Type.Array(Matcher),
  state: Type.Union([Type.Literal('pending'), Type.Literal('active'), Type.Literal('expired')]),
  starts_at: Time,
  ends_at: Time,
  created_by: Type.String(),
  comment: Type.String(),
  created_at: Time,
});

export const PagedOf = <T extends Parameters<typeof Type.Array>[0]>(item: T) => Type.Object({ items: Type.Array(item), next_cursor: Nullable(Type.String()) });

/** What happened to each alert an external producer raised. */
export const Outcome = Type.Object({
  metric_name: Type.String(),
  decision: Type.String({ description: 'recorded, suppressed, deduplicated or cooling_down' }),
  reason: Type.String(),
  alert_id: Nullable(Type.String()),
  incident_id: Nullable(Type.String()),
});

export const outcomeView = (o: CandidateOutcome) => ({
  metric_name: o.candidate.metric,
  decision: o.decision,
  reason: o.reason,
  alert_id: o.alert?.alert_id ?? null,
  incident_id: o.alert?.incident_id ?? null,
});
