import type { Kysely } from 'kysely';
import type { DialectTypes } from './dialect-types.js';

/** Baselines (frozen reference profiles) and monitoring records (one per analysis). */
export async function up(db: Kysely<unknown>, t: DialectTypes): Promise<void> {
  await db.schema
    .createTable('baselines')
    .addColumn('snapshot_id', 'text', (c) => c.primaryKey())
    .addColumn('model_id', 'text', (c) => c.notNull())
    .addColumn('model_version', 'text')
    .addColumn('schema_version', 'integer', (c) => c.notNull())
    .addColumn('is_active', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('archived_at', 'bigint')
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('sample_count', 'integer', (c) => c.notNull())
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('metadata', 'text', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('data', t.binary, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('baselines_model').on('baselines').columns(['model_id', 'created_at']).execute();

  await db.schema
    .createTable('monitoring_records')
    .addColumn('record_id', 'text', (c) => c.primaryKey())
    .addColumn('model_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('timestamp', 'bigint', (c) => c.notNull())
    .addColumn('period_start', 'bigint', (c) => c.notNull())
    .addColumn('period_end', 'bigint', (c) => c.notNull())
    .addColumn('sample_count', 'integer', (c) => c.notNull())
    .addColumn('baseline_id', 'text')
    .addColumn('aggregated_score', t.double)
    .addColumn('max_severity', 'text')
    .addColumn('duration_ms', t.double, (c) => c.notNull())
    .addColumn('trigger', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('error', 'text')
    .execute();
  await db.schema.createIndex('monitoring_records_model_ts').on('monitoring_records').columns(['model_id', 'timestamp']).execute();
  await db.schema.createIndex('monitoring_records_ts').on('monitoring_records').columns(['timestamp']).execute();
}
