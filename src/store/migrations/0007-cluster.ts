import { type Kysely, sql } from 'kysely';
import { dayOf } from '../../domain/time.js';
import { createPartitionSql, monthsCovering } from '../postgres/partition-names.js';
import type { DialectTypes } from './dialect-types.js';

/**
 * Several instances on one store (issue 9).
 *
 * Both backends: `job_ticks`, one row per (scheduled job, cron tick): which instance holds the
 * tick's lease and until when, and whether the run is done, so each tick runs once across the
 * cluster and a dead holder's tick is taken over when its lease ends (scheduler/lease-tick-gate.ts).
 *
 * PostgreSQL only: prediction_blocks becomes a table partitioned by range of `day`, one
 * partition per UTC calendar month (postgres/partition-names.ts), so retention detaches whole
 * months instead of deleting rows. The primary key becomes (id, day) — a partitioned table's
 * keys must hold the partition key — and ids keep coming from the same sequence.
 */
export async function up(db: Kysely<unknown>, t: DialectTypes): Promise<void> {
  await db.schema
    .createTable('job_ticks')
    .addColumn('job', 'text', (c) => c.notNull())
    .addColumn('tick_at', 'bigint', (c) => c.notNull())
    .addColumn('owner', 'text', (c) => c.notNull())
    .addColumn('lease_until', 'bigint', (c) => c.notNull())
    /** running | done */
    .addColumn('status', 'text', (c) => c.notNull())
    /** how many instances have held the lease (more than 1: taken over) */
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('claimed_at', 'bigint', (c) => c.notNull())
    .addColumn('finished_at', 'bigint')
    /** succeeded | failed | skipped, once done */
    .addColumn('outcome', 'text')
    .addPrimaryKeyConstraint('job_ticks_pk', ['job', 'tick_at'])
    .execute();
  await db.schema.createIndex('job_ticks_claimed').on('job_ticks').column('claimed_at').execute();

  if (t.name === 'postgres') await partitionBlocks(db);
}

async function partitionBlocks(db: Kysely<unknown>): Promise<void> {
  const run = (text: string) => sql.raw(text).execute(db);
  await run('ALTER TABLE prediction_blocks RENAME TO prediction_blocks_unpartitioned');
  await run('ALTER TABLE prediction_blocks_unpartitioned RENAME CONSTRAINT prediction_blocks_pkey TO prediction_blocks_unpartitioned_pkey');
  await run('DROP INDEX IF EXISTS prediction_blocks_model_day');
  // SQLite's pending-keys index: PostgreSQL writes keys with their blocks
  await run('DROP INDEX IF EXISTS prediction_blocks_pending');
  await run(`CREATE TABLE prediction_blocks (
    id bigint NOT NULL DEFAULT nextval('prediction_blocks_id_seq'),
    model_id text NOT NULL,
    schema_version integer NOT NULL,
    day integer NOT NULL,
    min_ts bigint NOT NULL,
    max_ts bigint NOT NULL,
    row_count integer NOT NULL,
    created_at bigint NOT NULL,
    data bytea NOT NULL,
    keys_pending integer NOT NULL DEFAULT 0,
    CONSTRAINT prediction_blocks_pkey PRIMARY KEY (id, day)
  ) PARTITION BY RANGE (day)`);
  await run('CREATE INDEX prediction_blocks_model_day ON prediction_blocks (model_id, day, min_ts)');
  const span = await sql<{ lo: number | null; hi: number | null }>`SELECT min(day) AS lo, max(day) AS hi FROM prediction_blocks_unpartitioned`.execute(db);
  const today = dayOf(Date.now());
  const lo = Math.min(Number(span.rows[0]?.lo ?? today), today - 31);
  const hi = Math.max(Number(span.rows[0]?.hi ?? today), today + 62);
  for (const p of monthsCovering(lo, hi)) await run(createPartitionSql(p));
  await run(`INSERT INTO prediction_blocks (id, model_id, schema_version, day, min_ts, max_ts, row_count, created_at, data, keys_pending)
    SELECT id, model_id, schema_version, day, min_ts, max_ts, row_count, created_at, data, keys_pending FROM prediction_blocks_unpartitioned`);
  await run('ALTER SEQUENCE prediction_blocks_id_seq OWNED BY prediction_blocks.id');
  await run('DROP TABLE prediction_blocks_unpartitioned');
}
