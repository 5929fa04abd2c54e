import { Kysely, PostgresDialect, sql, type Transaction } from 'kysely';
import pg from 'pg';
import { encodeColumns } from '../blocks/codec.js';
import { takeColumnSet } from '../blocks/columns.js';
import { idColumn, predictedValues, splitByDay, tsColumn } from '../blocks/prediction-rows.js';
import type { DB } from '../db-types.js';
import { type BlockRow, KyselyStore } from '../kysely-store.js';
import { type CompactionOptions, type CompactionResult, compactionOptions } from '../blocks/compaction.js';
import { dayOf } from '../../domain/time.js';
import { compactRoundPg } from './compactor.js';
import { POSTGRES_TYPES } from '../migrations/dialect-types.js';
import { readBlobsByCopy, readBlobsByCopyOn } from './blob-reader.js';
import type { Model } from '../../domain/model-schema.js';
import type { ModelChange, PredictionBatch, PredictionBlock, PredictionScan, PredictionWriteResult, RetentionPlan, StoreCapabilities } from '../store.js';
import { ModelRowCache } from './model-row-cache.js';
import { writeWithCopy } from './copy-writer.js';
import { NO_PARTITION, type PartitionDrop, PredictionPartitions, daySpan } from './partitions.js';

export interface PostgresOptions {
  /** postgres://user@host:port/db */
  url: string;
  /** schema to use (created when missing); default `public` */
  schema?: string;
  poolSize?: number;
}

const INT8_OID = 20;

/** The PostgreSQL store: the same tables as SQLite, through a pg pool under Kysely. */
export class PostgresStore extends KyselyStore {
  readonly backend = 'postgres' as const;
  readonly capabilities: StoreCapabilities = { copy: true, skipLocked: true, advisoryLocks: true, multiInstance: true };
  protected readonly types = POSTGRES_TYPES;

  private constructor(
    private readonly pool: pg.Pool,
    db: Kysely<DB> | Transaction<DB>,
    private readonly schema: string,
    private readonly partitions: PredictionPartitions = new PredictionPartitions(pool),
    private readonly models: ModelRowCache = new ModelRowCache(),
  ) {
    super(db);
  }

  /** Outside a transaction, a models row read in the last second (model-row-cache.ts). */
  protected override async modelRow(modelId: string): Promise<DB['models'] | undefined> {
    if (this.db.isTransaction) return super.modelRow(modelId);
    const hit = this.models.get(modelId);
    if (hit) return hit;
    const row = await super.modelRow(modelId);
    if (row) this.models.set(row);
    return row;
  }

  override async updateModel(modelId: string, change: ModelChange, now: number): Promise<Model> {
    this.models.forget(modelId);
    try {
      return await super.updateModel(modelId, change, now);
    } finally {
      this.models.forget(modelId);
    }
  }

  /** Migrate, then create the month partitions around now (several instances may do this at once). */
  override async migrate(): Promise<void> {
    await super.migrate();
    await this.partitions.ensureAhead(Date.now());
  }

  override dropExpiredPartitions(plans: readonly RetentionPlan[]): Promise<PartitionDrop> {
    return this.partitions.dropExpired(plans);
  }

  protected override migrationTableSchema(): string {
    return this.schema;
  }

  static async open(options: PostgresOptions): Promise<PostgresStore> {
    const schema = options.schema ?? 'public';
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`invalid PostgreSQL schema name "${schema}"`);
    const pool = new pg.Pool({
      connectionString: options.url,
      max: options.poolSize ?? 10,
      // bigint columns hold epoch milliseconds and counts: safe as JS numbers
      types: { getTypeParser: ((oid: number, format?: string) => (oid === INT8_OID ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text'))) as typeof pg.types.getTypeParser },
      options: `-c search_path=${schema}`,
    });
    pool.on('error', () => {
      /* idle client errors surface on the next query */
    });
    if (schema !== 'public') {
      // instances starting together race here: IF NOT EXISTS still fails on the catalog's unique index
      await pool.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`).catch(async (e: unknown) => {
        const found = await pool.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
        if (!found.rowCount) throw e;
      });
    }
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    return new PostgresStore(pool, db, schema);
  }

  protected withExecutor(db: Kysely<DB> | Transaction<DB>): PostgresStore {
    return new PostgresStore(this.pool, db, this.schema, this.partitions, this.models);
  }

  /**
   * Keys through COPY on a connection of its own (copy-writer.ts), after making sure the month
   * partitions the rows fall in exist. Inside a store transaction, the unnest path below.
   */
  async writePredictions(batches: PredictionBatch[]): Promise<PredictionWriteResult[]> {
    const span = daySpan(batches.map((b) => tsColumn(b.columns)));
    if (span) await this.partitions.ensureDays(span[0], span[1]);
    if (this.db.isTransaction) return this.writeWithUnnest(batches);
    for (let attempt = 0; ; attempt++) {
      const client = await this.pool.connect();
      try {
        return await writeWithCopy(client, batches, Date.now());
      } catch (e) {
        // another instance's retention detached a month we thought was there: create it again
        if ((e as { code?: string }).code !== NO_PARTITION || attempt > 0 || !span) throw e;
        this.partitions.forget();
        await this.partitions.ensureDays(span[0], span[1]);
      } finally {
        client.release();
      }
    }
  }

  private async writeWithUnnest(batches: PredictionBatch[]): Promise<PredictionWriteResult[]> {
    return this.transaction(async (tx) => {
      const self = tx as PostgresStore;
      const now = Date.now();
      const results: PredictionWriteResult[] = [];
      for (const batch of batches) {
        const ids = idColumn(batch.columns) as string[];
        const ts = tsColumn(batch.columns);
        const pv = predictedValues(batch.columns);
        const labels = ids.map((_, i) => pv.label(i));
        const scores = ids.map((_, i) => pv.score(i));
        const values = ids.map((_, i) => pv.value(i));
        const inserted = await sql<{ prediction_id: string }>`
          INSERT INTO prediction_keys (model_id, prediction_id, ts, pred_label, pred_score, pred_value)
          SELECT ${batch.model_id}, k.id, k.ts, k.l, k.s, k.v
          FROM unnest(${ids}::text[], ${Array.from(ts)}::bigint[], ${labels}::text[], ${scores}::float8[], ${values}::float8[]) AS k(id, ts, l, s, v)
          ON CONFLICT DO NOTHING RETURNING prediction_id`.execute(self.db);
        const fresh = new Set(inserted.rows.map((r) => r.prediction_id));
        const keep: number[] = [];
        const duplicates: string[] = [];
        const duplicateRows: number[] = [];
        for (let i = 0; i < ids.length; i++) {
          if (fresh.delete(ids[i])) keep.push(i);
          else {
            duplicates.push(ids[i]);
            duplicateRows.push(i);
          }
        }
        if (keep.length > 0) {
          const set = keep.length === ids.length ? batch.columns : takeColumnSet(batch.columns, keep);
          for (const part of splitByDay(set)) {
            await self.db
              .insertInto('prediction_blocks')
              .values({
                model_id: batch.model_id,
                schema_version: batch.schema_version,
                day: part.day,
                min_ts: part.minTs,
                max_ts: part.maxTs,
                row_count: part.columns.rows,
                created_at: now,
                data: encodeColumns(part.columns),
              })
              .execute();
          }
          if (await self.hasOrphanOutcomes(batch.model_id)) {
            await sql`
              UPDATE outcomes o SET prediction_ts = k.ts, pred_label = k.pred_label, pred_score = k.pred_score, pred_value = k.pred_value
              FROM prediction_keys k
              WHERE o.model_id = ${batch.model_id} AND o.prediction_ts IS NULL
                AND k.model_id = o.model_id AND k.prediction_id = o.prediction_id
                AND o.prediction_id = ANY(${keep.map((i) => ids[i])}::text[])`.execute(self.db);
          }
        }
        results.push({ inserted: keep.length, duplicates, duplicateRows });
      }
      return results;
    });
  }

  /** One compaction round (postgres/compactor.ts); other instances may run theirs at the same time. */
  async compactPredictionBlocks(options: Partial<CompactionOptions> = {}): Promise<CompactionResult> {
    if (this.db.isTransaction) throw new Error('compactPredictionBlocks cannot run inside a store transaction');
    return compactRoundPg(this.pool, compactionOptions(options));
  }

  /**
   * A scan lists blocks and reads them chunk by chunk; compaction (any instance's) may replace
   * blocks in between. Outside a store transaction, the listing and every read share one
   * REPEATABLE READ snapshot on one connection, so the scan sees the blocks as they were when it
   * began, whatever commits meanwhile.
   */
  override async *scanPredictions(query: PredictionScan): AsyncIterable<PredictionBlock> {
    if (this.db.isTransaction || !(query.to > query.from)) {
      yield* super.scanPredictions(query);
      return;
    }
    const client = await this.pool.connect();
    let open = false;
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      open = true;
      const listed = await client.query<BlockRow>(
        `SELECT id, schema_version, min_ts, max_ts, row_count FROM prediction_blocks
         WHERE model_id = $1 AND day >= $2 AND day <= $3 AND max_ts >= $4 AND min_ts < $5 ORDER BY min_ts, id`,
        [query.model_id, dayOf(query.from), dayOf(query.to - 1), query.from, query.to],
      );
      const blocks = listed.rows.map((r) => ({ id: Number(r.id), schema_version: r.schema_version, min_ts: Number(r.min_ts), max_ts: Number(r.max_ts), row_count: r.row_count }));
      yield* this.scanListed(query, blocks, (ids) => readBlobsByCopyOn(client, ids));
      await client.query('COMMIT');
      open = false;
    } finally {
      if (open) await client.query('ROLLBACK').catch(() => undefined);
      client.release();
    }
  }

  protected async readBlockData(ids: number[]): Promise<Map<number, Uint8Array>> {
    // outside a transaction by binary COPY (blob-reader.ts): a SELECT sends bytea as hex text
    if (!this.db.isTransaction) return readBlobsByCopy(this.pool, ids);
    const out = new Map<number, Uint8Array>();
    if (ids.length === 0) return out;
    const rows = await this.db.selectFrom('prediction_blocks').select(['id', 'data']).where('id', 'in', ids).execute();
    for (const r of rows) out.set(Number(r.id), r.data);
    return out;
  }

  /** The pool, for backend-specific fast paths (COPY) and tests. */
  get pgPool(): pg.Pool {
    return this.pool;
  }

  async close(): Promise<void> {
    if (this.db.isTransaction) return;
    await this.root().destroy();
  }
}
