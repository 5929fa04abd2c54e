import { type Kysely, sql } from 'kysely';
import type { DialectTypes } from './dialect-types.js';

/**
 * PostgreSQL (several instances): at most one scheduled record per model and tick. A scheduled
 * analysis's window ends at its tick's slot, so its record's timestamp is the tick; should two
 * instances ever analyse one tick (a holder that stalled past its lease while another took the
 * tick over), the second record is refused here and the tick keeps the first
 * (scheduler/analysis-jobs.ts reports the stored one). SQLite has one instance: nothing to add.
 */
export async function up(db: Kysely<unknown>, t: DialectTypes): Promise<void> {
  if (t.name !== 'postgres') return;
  await sql`CREATE UNIQUE INDEX monitoring_records_schedule_tick ON monitoring_records (model_id, timestamp) WHERE trigger = 'schedule'`.execute(db);
}
