import { type Kysely, sql } from 'kysely';
import type { DialectTypes } from './dialect-types.js';

/**
 * Keys may live only inside their block for a while ("pending", SQLite's write path; see
 * sqlite/key-ledger.ts) before a background merge puts them into prediction_keys. Retention now
 * deletes keys by the ids of the blocks it deletes, so the ts index on keys has no reader left
 * and is dropped (it cost an extra B-tree insert per prediction).
 */
export async function up(db: Kysely<unknown>, _t: DialectTypes): Promise<void> {
  await db.schema
    .alterTable('prediction_blocks')
    .addColumn('keys_pending', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createIndex('prediction_blocks_pending')
    .on('prediction_blocks')
    .column('id')
    .where(sql.ref('keys_pending'), '=', 1)
    .execute();
  await db.schema.dropIndex('prediction_keys_model_ts').ifExists().execute();
}
