import { type Kysely, sql } from 'kysely';
import type { DialectTypes } from './dialect-types.js';

/**
 * Block compaction (blocks/compaction.ts) looks for the small blocks of each (model, schema
 * version, day): a partial index holds only blocks under 10,000 rows (SMALL_BLOCK_LIMIT), so
 * finding them costs a walk over the small blocks, not a read of every block's row (SQLite keeps
 * small blobs inside the row). On PostgreSQL the index is created on every month partition.
 */
export async function up(db: Kysely<unknown>, t: DialectTypes): Promise<void> {
  const columns = t.name === 'postgres' ? 'model_id, schema_version, day, id' : 'model_id, schema_version, day';
  await sql.raw(`CREATE INDEX prediction_blocks_small ON prediction_blocks (${columns}) WHERE row_count < 10000`).execute(db);
}
