import type { Kysely } from 'kysely';
import type { DialectTypes } from './dialect-types.js';

/** Models, schema versions, prediction blocks and keys, outcomes, API keys, job runs. */
export async function up(db: Kysely<unknown>, t: DialectTypes): Promise<void> {
  await db.schema
    .createTable('models')
    .addColumn('model_id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('schema_version', 'integer', (c) => c.notNull())
    .addColumn('settings', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('model_schemas')
    .addColumn('model_id', 'text', (c) => c.notNull().references('models.model_id').onDelete('cascade'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('schema', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('model_schemas_pk', ['model_id', 'version'])
    .execute();

  // Predictions live in column blocks: one block holds rows of one model, schema version and
  // UTC day, so a window scan reads a few large blobs and retention drops whole blocks.
  await db.schema
    .createTable('prediction_blocks')
    .addColumn('id', t.autoId, (c) => (t.name === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey()))
    .addColumn('model_id', 'text', (c) => c.notNull())
    .addColumn('schema_version', 'integer', (c) => c.notNull())
    .addColumn('day', 'integer', (c) => c.notNull())
    .addColumn('min_ts', 'bigint', (c) => c.notNull())
    .addColumn('max_ts', 'bigint', (c) => c.notNull())
    .addColumn('row_count', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('data', t.binary, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('prediction_blocks_model_day').on('prediction_blocks').columns(['model_id', 'day', 'min_ts']).execute();

  // One row per prediction id: idempotency, outcome linking and lookups by id.
  let keys = db.schema
    .createTable('prediction_keys')
    .addColumn('model_id', 'text', (c) => c.notNull())
    .addColumn('prediction_id', 'text', (c) => c.notNull())
    .addColumn('ts', 'bigint', (c) => c.notNull())
    // what was predicted, copied onto outcomes when they link, so rolling performance windows
    // are computed from outcome rows alone
    .addColumn('pred_label', 'text')
    .addColumn('pred_score', t.double)
    .addColumn('pred_value', t.double)
    .addPrimaryKeyConstraint('prediction_keys_pk', ['model_id', 'prediction_id']);
  if (t.clusteredSuffix) keys = keys.modifyEnd(t.clusteredSuffix);
  await keys.execute();
  await db.schema.createIndex('prediction_keys_model_ts').on('prediction_keys').columns(['model_id', 'ts']).execute();

  let outcomes = db.schema
    .createTable('outcomes')
    .addColumn('model_id', 'text', (c) => c.notNull())
    .addColumn('prediction_id', 'text', (c) => c.notNull())
    .addColumn('label', 'text')
    .addColumn('value', t.double)
    .addColumn('ts', 'bigint', (c) => c.notNull())
    .addColumn('received_at', 'bigint', (c) => c.notNull())
    .addColumn('prediction_ts', 'bigint')
    .addColumn('pred_label', 'text')
    .addColumn('pred_score', t.double)
    .addColumn('pred_value', t.double)
    .addPrimaryKeyConstraint('outcomes_pk', ['model_id', 'prediction_id']);
  if (t.clusteredSuffix) outcomes = outcomes.modifyEnd(t.clusteredSuffix);
  await outcomes.execute();
  await db.schema.createIndex('outcomes_model_prediction_ts').on('outcomes').columns(['model_id', 'prediction_ts']).execute();

  await db.schema
    .createTable('api_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('scopes', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('revoked_at', 'bigint')
    .addColumn('last_used_at', 'bigint')
    .execute();

  await db.schema
    .createTable('job_runs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('job', 'text', (c) => c.notNull())
    .addColumn('model_id', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('finished_at', 'bigint')
    .addColumn('details', 'text', (c) => c.notNull())
    .addColumn('error', 'text')
    .execute();
  await db.schema.createIndex('job_runs_started').on('job_runs').columns(['started_at']).execute();
  await db.schema.createIndex('job_runs_model').on('job_runs').columns(['model_id', 'started_at']).execute();
}
