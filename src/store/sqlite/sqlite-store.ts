import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect, type Transaction } from 'kysely';
import { encodeColumns } from '../blocks/codec.js';
import { takeColumnSet } from '../blocks/columns.js';
import { idColumn, predictedValues, splitByDay, tsColumn } from '../blocks/prediction-rows.js';
import type { DB } from '../db-types.js';
import { KyselyStore } from '../kysely-store.js';
import { SQLITE_TYPES } from '../migrations/dialect-types.js';
import type { PredictionBatch, PredictionWriteResult, StoreCapabilities } from '../store.js';

export interface SqliteOptions {
  /** file path, or ':memory:' */
  path: string;
  /** `full` (default) makes every commit survive power loss; `normal` survives process crashes only */
  synchronous?: 'full' | 'normal';
}

interface Statements {
  insertKey: Database.Statement;
  insertBlock: Database.Statement;
  linkOutcome: Database.Statement;
  orphanExists: Database.Statement;
}

/** The embedded store: one SQLite file in WAL mode, better-sqlite3 underneath Kysely. */
export class SqliteStore extends KyselyStore {
  readonly backend = 'sqlite' as const;
  readonly capabilities: StoreCapabilities = { copy: false, skipLocked: false, advisoryLocks: false, multiInstance: false };
  protected readonly types = SQLITE_TYPES;
  private stmts?: Statements;

  private constructor(
    private readonly raw: Database.Database,
    db: Kysely<DB> | Transaction<DB>,
    stmts?: Statements,
  ) {
    super(db);
    this.stmts = stmts;
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
    return new SqliteStore(raw, db);
  }

  protected withExecutor(db: Kysely<DB> | Transaction<DB>): SqliteStore {
    return new SqliteStore(this.raw, db, this.stmts);
  }

  private statements(): Statements {
    this.stmts ??= {
      insertKey: this.raw.prepare('INSERT OR IGNORE INTO prediction_keys (model_id, prediction_id, ts, pred_label, pred_score, pred_value) VALUES (?, ?, ?, ?, ?, ?)'),
      insertBlock: this.raw.prepare(
        'INSERT INTO prediction_blocks (model_id, schema_version, day, min_ts, max_ts, row_count, created_at, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      linkOutcome: this.raw.prepare(
        'UPDATE outcomes SET prediction_ts = ?, pred_label = ?, pred_score = ?, pred_value = ? WHERE model_id = ? AND prediction_id = ? AND prediction_ts IS NULL',
      ),
      orphanExists: this.raw.prepare('SELECT 1 FROM outcomes WHERE model_id = ? AND prediction_ts IS NULL LIMIT 1').pluck(),
    };
    return this.stmts;
  }

  async writePredictions(batches: PredictionBatch[]): Promise<PredictionWriteResult[]> {
    const s = this.statements();
    const now = Date.now();
    const write = (): PredictionWriteResult[] =>
      batches.map((batch) => {
        const ids = idColumn(batch.columns);
        const ts = tsColumn(batch.columns);
        const pv = predictedValues(batch.columns);
        const keep: number[] = [];
        const duplicates: string[] = [];
        const duplicateRows: number[] = [];
        for (let i = 0; i < batch.columns.rows; i++) {
          if (s.insertKey.run(batch.model_id, ids[i], ts[i], pv.label(i), pv.score(i), pv.value(i)).changes === 1) keep.push(i);
          else {
            duplicates.push(ids[i] as string);
            duplicateRows.push(i);
          }
        }
        if (keep.length === 0) return { inserted: 0, duplicates, duplicateRows };
        const set = keep.length === batch.columns.rows ? batch.columns : takeColumnSet(batch.columns, keep);
        for (const part of splitByDay(set)) {
          s.insertBlock.run(batch.model_id, batch.schema_version, part.day, part.minTs, part.maxTs, part.columns.rows, now, encodeColumns(part.columns));
        }
        if (s.orphanExists.get(batch.model_id) !== undefined) {
          for (const i of keep) s.linkOutcome.run(ts[i], pv.label(i), pv.score(i), pv.value(i), batch.model_id, ids[i]);
        }
        return { inserted: keep.length, duplicates, duplicateRows };
      });
    if (this.db.isTransaction) return this.raw.transaction(write)();
    // hold Kysely's connection mutex so no async transaction is open on the connection meanwhile
    return this.root()
      .connection()
      .execute(async () => this.raw.transaction(write).immediate());
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
    await this.root().destroy();
  }
}
