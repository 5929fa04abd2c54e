import type { Kysely } from 'kysely';
import type { DialectTypes } from './dialect-types.js';

/**
 * Alerting: rules and their persisted state (consecutive breaches, cooldown), incidents,
 * alerts, silences, the delivery outbox, the decision log and the audit trail.
 */
export async function up(db: Kysely<unknown>, t: DialectTypes): Promise<void> {
  await db.schema
    .createTable('alert_rules')
    .addColumn('rule_id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    /** metric selector: exact (`data_drift.psi.income`), wildcard segment (`data_drift.psi.*`), or prefix */
    .addColumn('metric', 'text', (c) => c.notNull())
    /** < <= > >= == != against `threshold`; null when the rule only looks at the finding's own severity */
    .addColumn('comparison', 'text')
    .addColumn('threshold', t.double)
    /** the finding's graded severity must be at least this (null: not a condition) */
    .addColumn('severity_at_least', 'text')
    .addColumn('severity', 'text', (c) => c.notNull())
    /** JSON: ["*"] or a list of model ids */
    .addColumn('models', 'text', (c) => c.notNull())
    /** consecutive breaching analyses before the rule fires */
    .addColumn('for_count', 'integer', (c) => c.notNull())
    .addColumn('cooldown_ms', 'bigint', (c) => c.notNull())
    /** JSON list of channel names ([] = every configured channel) */
    .addColumn('channels', 'text', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('builtin', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  // one row per (rule, model, metric): survives restarts, so `for` and cooldown hold across them
  await db.schema
    .createTable('alert_rule_state')
    .addColumn('rule_id', 'text', (c) => c.notNull())
    .addColumn('model_id', 'text', (c) => c.notNull())
    .addColumn('metric', 'text', (c) => c.notNull())
    .addColumn('consecutive', 'integer', (c) => c.notNull())
    .addColumn('firing', 'integer', (c) => c.notNull())
    .addColumn('last_value', t.double)
    .addColumn('last_evaluated_at', 'bigint', (c) => c.notNull())
    .addColumn('last_fired_at', 'bigint')
    .addPrimaryKeyConstraint('alert_rule_state_pk', ['rule_id', 'model_id', 'metric'])
    .execute();

  await db.schema
    .createTable('incidents')
    .addColumn('incident_id', 'text', (c) => c.primaryKey())
    .addColumn('model_id', 'text')
    /** model, analyzer, ingest, or an external producer's component */
    .addColumn('component', 'text', (c) => c.notNull())
    /** model + component: at most one incident per key is open or investigating */
    .addColumn('condition_key', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull())
    /** open | investigating | resolved */
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('acknowledged_at', 'bigint')
    .addColumn('resolved_at', 'bigint')
    .addColumn('monitoring_record_id', 'text')
    /** analysis period of the record that opened it (retention keeps it while on legal hold) */
    .addColumn('period_start', 'bigint')
    .addColumn('period_end', 'bigint')
    /** consecutive analyses in which its conditions were clear (auto-resolution) */
    .addColumn('clear_count', 'integer', (c) => c.notNull())
    .addColumn('exported_at', 'bigint')
    /** JSON: metrics_triggered, alert_ids, response_actions */
    .addColumn('body', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('incidents_model_status').on('incidents').columns(['model_id', 'status']).execute();
  await db.schema.createIndex('incidents_condition').on('incidents').columns(['condition_key', 'status']).execute();
  await db.schema.createIndex('incidents_created').on('incidents').columns(['created_at']).execute();

  await db.schema
    .createTable('alerts')
    .addColumn('alert_id', 'text', (c) => c.primaryKey())
    .addColumn('incident_id', 'text')
    .addColumn('model_id', 'text')
    .addColumn('rule_id', 'text')
    .addColumn('metric_name', 'text', (c) => c.notNull())
    .addColumn('metric_value', t.double)
    .addColumn('threshold', t.double)
    .addColumn('severity', 'text', (c) => c.notNull())
    /** pending → sent | failed (delivery worker), acknowledged, resolved */
    .addColumn('status', 'text', (c) => c.notNull())
    /** rule | external | alertmanager */
    .addColumn('source', 'text', (c) => c.notNull())
    /** Alertmanager's fingerprint (resolved notifications find their alert by it) */
    .addColumn('fingerprint', 'text')
    .addColumn('component', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('acknowledged', 'integer', (c) => c.notNull())
    .addColumn('acknowledged_by', 'text')
    .addColumn('acknowledged_at', 'bigint')
    .addColumn('acknowledgment_notes', 'text')
    .addColumn('resolved_at', 'bigint')
    /** JSON: channels_notified, labels, affected_groups, monitoring_record_id */
    .addColumn('body', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('alerts_dedup').on('alerts').columns(['model_id', 'metric_name', 'severity', 'created_at']).execute();
  await db.schema.createIndex('alerts_created').on('alerts').columns(['created_at']).execute();
  await db.schema.createIndex('alerts_incident').on('alerts').columns(['incident_id']).execute();
  await db.schema.createIndex('alerts_fingerprint').on('alerts').columns(['fingerprint']).execute();

  await db.schema
    .createTable('silences')
    .addColumn('silence_id', 'text', (c) => c.primaryKey())
    /** JSON list of matchers {label, op: = != =~ !~, value} over model_id, metric, severity, rule_id, component */
    .addColumn('matchers', 'text', (c) => c.notNull())
    .addColumn('starts_at', 'bigint', (c) => c.notNull())
    .addColumn('ends_at', 'bigint', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('comment', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('silences_ends').on('silences').columns(['ends_at']).execute();

  // the outbox: written in the same transaction as the alert; the delivery worker drains it
  await db.schema
    .createTable('deliveries')
    .addColumn('delivery_id', 'text', (c) => c.primaryKey())
    .addColumn('alert_id', 'text')
    .addColumn('incident_id', 'text')
    .addColumn('channel', 'text', (c) => c.notNull())
    /** trigger | acknowledge | resolve | comment | event */
    .addColumn('kind', 'text', (c) => c.notNull())
    /** per (incident or alert) and channel: deliveries go out in this order */
    .addColumn('sequence', 'bigint', (c) => c.notNull())
    .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
    .addColumn('last_error', 'text')
    .addColumn('lease_owner', 'text')
    .addColumn('lease_until', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('sent_at', 'bigint')
    .execute();
  await db.schema.createIndex('deliveries_due').on('deliveries').columns(['status', 'next_attempt_at']).execute();
  await db.schema.createIndex('deliveries_alert').on('deliveries').columns(['alert_id']).execute();
  await db.schema.createIndex('deliveries_order').on('deliveries').columns(['channel', 'incident_id', 'sequence']).execute();

  // every pipeline decision with its reason (suppressed by a silence, deduplicated, cooling down, sent…)
  await db.schema
    .createTable('alert_decisions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('model_id', 'text')
    .addColumn('rule_id', 'text')
    .addColumn('metric', 'text', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull())
    /** recorded | suppressed | deduplicated | cooling_down | inhibited */
    .addColumn('decision', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('alert_id', 'text')
    .execute();
  await db.schema.createIndex('alert_decisions_at').on('alert_decisions').columns(['at']).execute();
  await db.schema.createIndex('alert_decisions_model').on('alert_decisions').columns(['model_id', 'at']).execute();

  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('target_type', 'text', (c) => c.notNull())
    .addColumn('target_id', 'text')
    .addColumn('details', 'text', (c) => c.notNull())
    .addColumn('request_id', 'text')
    .execute();
  await db.schema.createIndex('audit_log_at').on('audit_log').columns(['at']).execute();
  await db.schema.createIndex('audit_log_target').on('audit_log').columns(['target_type', 'target_id']).execute();
}
