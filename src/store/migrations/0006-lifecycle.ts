import { type Kysely, sql } from 'kysely';
import type { DialectTypes } from './dialect-types.js';

/**
 * Model lifecycle: registered versions and their history, per-model lifecycle settings
 * (promotion gates, retraining triggers), fired retraining triggers, evidence bundles, and the
 * metric and health snapshots imported from the file-based (JSONL) tracker.
 */
export async function up(db: Kysely<unknown>, t: DialectTypes): Promise<void> {
  await db.schema
    .createTable('model_versions')
    .addColumn('model_id', 'text', (c) => c.notNull())
    .addColumn('version', 'text', (c) => c.notNull())
    /** development | staging | production | archived */
    .addColumn('stage', 'text', (c) => c.notNull())
    .addColumn('artifact_uri', 'text')
    /** JSON object of metric → number */
    .addColumn('metrics', 'text', (c) => c.notNull())
    /** JSON list of strings */
    .addColumn('tags', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    /** JSON: what its validation data showed (latency, disparate impact, metrics), or null */
    .addColumn('validation', 'text')
    /** JSON {by, at, notes} or null */
    .addColumn('sign_off', 'text')
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('stage_changed_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('model_versions_pk', ['model_id', 'version'])
    .execute();
  // one production version per model, whatever races the application loses
  await db.schema
    .createIndex('model_versions_one_production')
    .on('model_versions')
    .column('model_id')
    .unique()
    .where(sql.ref('stage'), '=', 'production')
    .execute();

  await db.schema
    .createTable('model_version_events')
    .addColumn('event_id', 'text', (c) => c.primaryKey())
    .addColumn('model_id', 'text', (c) => c.notNull())
    .addColumn('version', 'text', (c) => c.notNull())
    /** registered | stage_changed | deployed | signed_off | promotion_refused | rolled_back */
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('from_stage', 'text')
    .addColumn('to_stage', 'text')
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('details', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('model_version_events_model').on('model_version_events').columns(['model_id', 'at']).execute();

  await db.schema
    .createTable('model_lifecycle')
    .addColumn('model_id', 'text', (c) => c.primaryKey())
    /** JSON: the model's overrides of the lifecycle defaults (gates, triggers) */
    .addColumn('config', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('retrain_triggers')
    .addColumn('trigger_id', 'text', (c) => c.primaryKey())
    .addColumn('model_id', 'text', (c) => c.notNull())
    /** schedule | data_drift | performance_drop | manual */
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('fired_at', 'bigint', (c) => c.notNull())
    /** a trigger fires at most once per key (a schedule tick, a record, a manual request) */
    .addColumn('dedup_key', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('record_id', 'text')
    .addColumn('model_version', 'text')
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('details', 'text', (c) => c.notNull())
    .addUniqueConstraint('retrain_triggers_dedup', ['model_id', 'dedup_key'])
    .execute();
  await db.schema.createIndex('retrain_triggers_model').on('retrain_triggers').columns(['model_id', 'kind', 'fired_at']).execute();

  await db.schema
    .createTable('evidence_bundles')
    .addColumn('bundle_id', 'text', (c) => c.primaryKey())
    .addColumn('incident_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    /** where the .tar.gz was written */
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('bytes', 'bigint', (c) => c.notNull())
    /** SHA-256 of the whole .tar.gz */
    .addColumn('sha256', 'text', (c) => c.notNull())
    /** JSON: files and their counts (the manifest without the hashes) */
    .addColumn('summary', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('evidence_bundles_incident').on('evidence_bundles').columns(['incident_id', 'created_at']).execute();

  // metrics.jsonl and health_snapshots.jsonl of the file-based tracker, kept as they were
  await db.schema
    .createTable('history_snapshots')
    /** SHA-256 of the kind and the line's canonical JSON: importing the same line again finds it */
    .addColumn('snapshot_id', 'text', (c) => c.primaryKey())
    .addColumn('model_id', 'text', (c) => c.notNull())
    /** metric | health */
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('ts', 'bigint', (c) => c.notNull())
    .addColumn('model_version', 'text')
    /** metric_name of a metric snapshot */
    .addColumn('name', 'text')
    /** value of a metric snapshot */
    .addColumn('value', t.double)
    /** JSON: the snapshot's fields */
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('imported_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('history_snapshots_model').on('history_snapshots').columns(['model_id', 'kind', 'ts']).execute();
}
