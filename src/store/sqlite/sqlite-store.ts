import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect, type Transaction } from 'kysely';
import type { DB } from '../db-types.js';
import { KyselyStore, type PredictionKey } from '../kysely-store.js';
import { SQLITE_TYPES } from '../migrations/dialect-types.js';
import type { PredictionBatch, PredictionWriteResult, StoreCapabilities } from '../store.js';
import { KeyLedger } from './key-ledger.js';
import { DEFAULT_MERGER_OPTIONS, KeyMerger, type KeyMergerOptions } from './key-merger.js';
import { SqlitePredictionWriter } from './prediction-writer.js';

export interface SqliteOptions {
  /** file path, or ':memory:' */
  path: string;
  /** `full` (default) makes every commit survive power loss; `normal` survives process crashes only */
  synchronous?: 'full' | 'normal';
  /** when pending prediction keys are merged into prediction_keys (tests shorten it) */
  keyMerge?: Partial<KeyMergerOptions>;
}

/** Prediction write machinery, made once the tables exist and shared by every executor of the connection. */
interface Engine {
  ledger: KeyLedger;
  writer: SqlitePredictionWriter;
  merger: KeyMerger;
}

/** The embedded store: one SQLite file in WAL mode, better-sqlite3 underneath Kysely. */
export class SqliteStore extends KyselyStore {
  readonly backend = 'sqlite' as const;
  readonly capabilities: StoreCapabilities = { copy: false, skipLocked: false, advisoryLocks: false, multiInstance: false };
  protected readonly types = SQLITE_TYPES;

  private constructor(
    private readonly raw: Database.Database,
    db: Kysely<DB> | Transaction<DB>,
    private readonly shared: { engine?: Engine; mergeOptions: KeyMergerOptions },
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
    raw.pragma('cache_size = -65536');
    raw.pragma('temp_store = MEMORY');
    raw.pragma('mmap_size = 268435456');
    const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: raw }) });
    return new SqliteStore(raw, db, { mergeOptions: { ...DEFAULT_MERGER_OPTIONS, ...options.keyMerge } });
  }

  protected withExecutor(db: Kysely<DB> | Transaction<DB>): SqliteStore {
    return new SqliteStore(this.raw, db, this.shared);
  }

  private engine(): Engine {
    if (!this.shared.engine) {
      const ledger = new KeyLedger(this.raw);
      const merger = new KeyMerger(this.raw, ledger, (fn) => this.exclusive(fn), this.shared.mergeOptions);
      this.shared.engine = { ledger, writer: new SqlitePredictionWriter(this.raw, ledger), merger };
      merger.arm();
    }
    return this.shared.engine;
  }

  /** Run `fn` holding Kysely's connection mutex (no async transaction is open meanwhile). */
  private exclusive<T>(fn: () => T): Promise<T> {
    return this.root()
      .connection()
      .execute(async () => fn());
  }

  async writePredictions(batches: PredictionBatch[]): Promise<PredictionWriteResult[]> {
    const e = this.engine();
    const now = Date.now();
    // inside an outer transaction that may still roll back: leave the shared key index alone
    if (this.db.isTransaction) return this.raw.transaction(() => e.writer.write(batches, now, e.ledger.overlay()).results)();
    return this.exclusive(() => {
      const { results, written } = this.raw
        .transaction(() => {
          e.ledger.refresh();
          return e.writer.write(batches, now, null);
        })
        .immediate();
      for (const w of written) e.ledger.index.addBlock(w.blockId, w.modelId, w.ids);
      e.merger.noteWrite();
      return results;
    });
  }

  protected override async predictionKeys(modelId: string, ids: readonly string[]): Promise<Map<string, PredictionKey>> {
    const e = this.engine();
    if (this.db.isTransaction) return e.ledger.session(e.ledger.overlay()).keys(modelId, ids);
    return this.exclusive(() => {
      e.ledger.refresh();
      return e.ledger.session(null).keys(modelId, ids);
    });
  }

  /** Merge every pending prediction key into prediction_keys now (normally done in the background). */
  async mergePendingKeys(): Promise<void> {
    await this.engine().merger.flush();
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
    await this.shared.engine?.merger.close();
    await this.root().destroy();
  }
}
