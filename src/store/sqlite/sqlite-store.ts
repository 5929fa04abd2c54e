import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect, type Transaction } from 'kysely';
import type { DB } from '../db-types.js';
import { KyselyStore, type PredictionKey } from '../kysely-store.js';
import { SQLITE_TYPES } from '../migrations/dialect-types.js';
import type { Model } from '../../domain/model-schema.js';
import type { ModelChange, PredictionBatch, PredictionBlock, PredictionScan, PredictionWriteResult, StoreCapabilities } from '../store.js';
import { type CompactionOptions, type CompactionResult, compactionOptions } from '../blocks/compaction.js';
import { DEFAULT_MERGER_OPTIONS, type KeyMergerOptions } from './key-merger.js';
import { WriteEngine, defaultBlockWriter } from './write-engine.js';

export interface SqliteOptions {
  /** file path, or ':memory:' */
  path: string;
  /** `full` (default) makes every commit survive power loss; `normal` survives process crashes only */
  synchronous?: 'full' | 'normal';
  /** when pending prediction keys are merged into prediction_keys (tests shorten it) */
  keyMerge?: Partial<KeyMergerOptions>;
  /**
   * script of the block writer thread (commits off the main thread); default: the one built
   * next to this module, if present; null: commit on the main connection
   */
  blockWriter?: URL | null;
  /**
   * compaction of small prediction blocks at quiet times (after the key merge the quiet trigger
   * starts): its options, or false for none. Default: on, with the default options.
   */
  compaction?: Partial<CompactionOptions> | false;
}

/** How long a models row read for ingestion is used again (see modelRow). */
const MODEL_ROW_TTL_MS = 1000;

/** Made once the tables exist; shared by every executor of the connection. */
interface Shared {
  engine?: WriteEngine;
  /** the connection's Kysely instance (executors inside a transaction hold a Transaction) */
  root: Kysely<DB>;
  modelRow?: Database.Statement;
  /** models rows read outside transactions, with when they were read */
  models: Map<string, { row: DB['models'] | undefined; at: number }>;
  options: Required<Pick<SqliteOptions, 'path' | 'synchronous'>> & { merge: KeyMergerOptions; blockWriter: URL | null; compaction: CompactionOptions | false };
  /** prediction scans in progress (compaction rounds wait until none is) */
  scans: number;
}

/** The embedded store: one SQLite file in WAL mode, better-sqlite3 underneath Kysely. */
export class SqliteStore extends KyselyStore {
  readonly backend = 'sqlite' as const;
  readonly capabilities: StoreCapabilities = { copy: false, skipLocked: false, advisoryLocks: false, multiInstance: false };
  protected readonly types = SQLITE_TYPES;

  private constructor(
    private readonly raw: Database.Database,
    db: Kysely<DB> | Transaction<DB>,
    private readonly shared: Shared,
  ) {
    super(db);
  }

  static open(options: SqliteOptions): SqliteStore {
    if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
    const raw = new Database(options.path);
    raw.pragma('journal_mode = WAL');
    raw.pragma(`synchronous = ${options.synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
    raw.pragma('busy_timeout = 10000');
    raw.pragma('foreign_keys = ON');
    // reads go through mmap; this cache mostly holds pages the key merger dirties (sorted inserts: little is needed)
    raw.pragma('cache_size = -16384');
    raw.pragma('temp_store = MEMORY');
    // no mmap: a window scan reads hundreds of MB of blobs once, and mapped pages count in the
    // process's RSS (bench/analyze: peak 660 -> 430 MB, same CPU time)
    raw.pragma('mmap_size = 0');
    const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: raw }) });
    return new SqliteStore(raw, db, {
      root: db,
      models: new Map(),
      scans: 0,
      options: {
        path: options.path,
        synchronous: options.synchronous ?? 'full',
        merge: { ...DEFAULT_MERGER_OPTIONS, ...options.keyMerge },
        blockWriter: options.blockWriter === undefined ? defaultBlockWriter(options.path) : options.blockWriter,
        compaction: options.compaction === false ? false : compactionOptions(options.compaction),
      },
    });
  }

  protected withExecutor(db: Kysely<DB> | Transaction<DB>): SqliteStore {
    return new SqliteStore(this.raw, db, this.shared);
  }

  private engine(): WriteEngine {
    this.shared.engine ??= new WriteEngine(this.raw, (fn) => this.exclusive(fn), { ...this.shared.options, merge: this.shared.options.merge, readers: () => this.shared.scans });
    return this.shared.engine;
  }

  /** Run `fn` holding Kysely's connection mutex (no async transaction is open meanwhile). */
  private exclusive<T>(fn: () => T): Promise<T> {
    return this.shared.root
      .connection()
      .execute(async () => fn());
  }

  async writePredictions(batches: PredictionBatch[]): Promise<PredictionWriteResult[]> {
    const e = this.engine();
    const now = Date.now();
    return this.db.isTransaction ? e.writeInTransaction(batches, now) : e.write(batches, now);
  }

  protected override async modelRow(modelId: string): Promise<DB['models'] | undefined> {
    if (this.db.isTransaction) return super.modelRow(modelId);
    // every ingest request reads its model: a row read less than MODEL_ROW_TTL_MS ago is used
    // again. Changes made through this store drop it at once (updateModel); another process
    // writing the same file is seen within the TTL.
    const now = Date.now();
    const hit = this.shared.models.get(modelId);
    if (hit && now - hit.at < MODEL_ROW_TTL_MS) return hit.row;
    // a prepared statement: Kysely's SQLite driver prepares every query again (~half the cost of a small ingest request)
    return this.exclusive(() => {
      this.shared.modelRow ??= this.raw.prepare('SELECT * FROM models WHERE model_id = ?');
      const row = this.shared.modelRow.get(modelId) as DB['models'] | undefined;
      if (this.shared.models.size >= 10_000) this.shared.models.clear();
      this.shared.models.set(modelId, { row, at: now });
      return row;
    });
  }

  override async createModel(model: Model): Promise<void> {
    // (a cached "no such model" from an earlier request must not outlive the creation)
    await super.createModel(model);
    this.shared.models.delete(model.model_id);
  }

  override async updateModel(modelId: string, change: ModelChange, now: number): Promise<Model> {
    // the connection is held from here to the commit: no read outside the transaction can cache
    // the old row in between
    this.shared.models.delete(modelId);
    const model = await super.updateModel(modelId, change, now);
    this.shared.models.delete(modelId);
    return model;
  }

  protected override async predictionKeys(modelId: string, ids: readonly string[]): Promise<Map<string, PredictionKey>> {
    return this.engine().keys(modelId, ids, this.db.isTransaction);
  }

  /** Merge every pending prediction key into prediction_keys now (normally done in the background). */
  async mergePendingKeys(): Promise<void> {
    await this.engine().merger.flush();
  }

  /**
   * One bounded compaction round (blocks/compaction.ts, sqlite/compactor.ts). Outside a
   * transaction only: a round commits on its own.
   */
  async compactPredictionBlocks(options: Partial<CompactionOptions> = {}): Promise<CompactionResult> {
    if (this.db.isTransaction) throw new Error('compactPredictionBlocks cannot run inside a store transaction');
    return this.engine().compactor.round(compactionOptions(options));
  }

  /**
   * A scan lists blocks, then reads them chunk by chunk: while one is in progress, compaction
   * rounds of this store wait (they would delete blocks it listed but has not read yet).
   */
  override async *scanPredictions(query: PredictionScan): AsyncIterable<PredictionBlock> {
    this.shared.scans++;
    try {
      yield* super.scanPredictions(query);
    } finally {
      this.shared.scans--;
    }
  }

  protected async readBlockData(ids: number[]): Promise<Map<number, Uint8Array>> {
    const out = new Map<number, Uint8Array>();
    if (ids.length === 0) return out;
    const rows = this.raw
      .prepare(`SELECT id, data FROM prediction_blocks WHERE id IN (${ids.map(() => '?').join(',')})`)
      .all(...ids) as { id: number; data: Buffer }[];
    for (const r of rows) out.set(r.id, r.data);
    return out;
  }

  async close(): Promise<void> {
    if (this.db.isTransaction) return;
    await this.shared.engine?.close();
    await this.root().destroy();
  }
}
