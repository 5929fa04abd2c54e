import type Database from 'better-sqlite3';
import { decodeColumns } from '../blocks/codec.js';
import { COL, type ColumnSet } from '../blocks/columns.js';
import { idColumn, predictedValues, tsColumn } from '../blocks/prediction-rows.js';
import { PendingKeyIndex } from './pending-keys.js';

/** What the key of a stored prediction tells: its time and what it predicted. */
export interface KeyInfo {
  ts: number;
  pred_label: string | null;
  pred_score: number | null;
  pred_value: number | null;
}

/** Columns a key lookup decodes from a pending block. */
const KEY_COLUMNS: ReadonlySet<string> = new Set([COL.predictionId, COL.ts, COL.label, COL.score, COL.value]);
/** ids per IN (...) list */
const IN_CHUNK = 500;

/**
 * Where the prediction keys of the SQLite store live: in `prediction_keys` (merged) or only
 * inside their block (pending, found through the in-memory PendingKeyIndex). This class answers
 * "is this key stored?" across both and refreshes the index from the database.
 *
 * Index mutation rule: the shared index only ever learns committed blocks, so a rolled-back
 * transaction can never leave a key behind that does not exist. It is refreshed while Kysely's
 * connection mutex is held outside any transaction (so every visible block is committed), or
 * extended after a commit. Inside a transaction, lookups use a throwaway overlay instead.
 */
export class KeyLedger {
  readonly index = new PendingKeyIndex();
  private readonly inStatements = new Map<number, Database.Statement>();
  private readonly newPending: Database.Statement;
  private readonly blockById: Database.Statement;
  private readonly anyKey: Database.Statement;
  private readonly tableAnswers = new Map<string, boolean>();

  constructor(private readonly raw: Database.Database) {
    this.newPending = raw.prepare('SELECT id, model_id, data FROM prediction_blocks WHERE keys_pending = 1 AND id > ? ORDER BY id');
    this.blockById = raw.prepare('SELECT model_id, data FROM prediction_blocks WHERE id = ?');
    this.anyKey = raw.prepare('SELECT 1 FROM prediction_keys WHERE model_id = ? LIMIT 1').pluck();
  }

  /** Learn pending blocks newer than the index. Only where every visible block is committed (see above). */
  refresh(): void {
    this.tableAnswers.clear();
    for (const r of this.newPending.all(this.index.maxBlockId) as { id: number; model_id: string; data: Buffer }[]) {
      this.index.addBlock(r.id, r.model_id, idColumn(decodeColumns(r.data, ID_ONLY)));
    }
  }

  /** The pending blocks the index does not know yet, as a throwaway index (null when none). */
  overlay(): PendingKeyIndex | null {
    const rows = this.newPending.all(this.index.maxBlockId) as { id: number; model_id: string; data: Buffer }[];
    if (rows.length === 0) return null;
    const extra = new PendingKeyIndex();
    for (const r of rows) extra.addBlock(r.id, r.model_id, idColumn(decodeColumns(r.data, ID_ONLY)));
    return extra;
  }

  /** A lookup session: caches the blocks it reads. `overlay` as from overlay(). */
  session(overlay: PendingKeyIndex | null): KeySession {
    return new KeySession(this, overlay);
  }

  /**
   * Does prediction_keys hold any key of the model? (lets a write skip table probes.) The answer
   * is remembered until keys may have arrived: a merge round of this process ends
   * (forgetTableAnswers), or a refresh found blocks written by another process (whose merger
   * may have moved keys we never held as pending). Keys of blocks this index holds as pending
   * are found through the index whichever way the table answers.
   */
  tableHasModel(modelId: string): boolean {
    let yes = this.tableAnswers.get(modelId);
    if (yes === undefined) {
      yes = this.anyKey.get(modelId) !== undefined;
      if (this.tableAnswers.size >= 10_000) this.tableAnswers.clear();
      this.tableAnswers.set(modelId, yes);
    }
    return yes;
  }

  /** Keys were merged into prediction_keys: ask the table again. */
  forgetTableAnswers(): void {
    this.tableAnswers.clear();
  }

  /** Which of `ids` are in prediction_keys for this model. */
  inTable(modelId: string, ids: readonly string[]): Set<string> {
    const found = new Set<string>();
    for (let i = 0; i < ids.length; i += IN_CHUNK) {
      const part = ids.slice(i, i + IN_CHUNK);
      for (const id of this.inStatement(part.length, 'prediction_id').pluck().all(modelId, ...part) as string[]) found.add(id);
    }
    return found;
  }

  /** Keys in prediction_keys among `ids`. */
  tableKeys(modelId: string, ids: readonly string[]): Map<string, KeyInfo> {
    const out = new Map<string, KeyInfo>();
    for (let i = 0; i < ids.length; i += IN_CHUNK) {
      const part = ids.slice(i, i + IN_CHUNK);
      const rows = this.inStatement(part.length, 'prediction_id, ts, pred_label, pred_score, pred_value', true).all(modelId, ...part) as ({ prediction_id: string } & KeyInfo)[];
      for (const r of rows) out.set(r.prediction_id, { ts: Number(r.ts), pred_label: r.pred_label, pred_score: r.pred_score, pred_value: r.pred_value });
    }
    return out;
  }

  /** Model and key columns of a block, or null when it no longer exists. */
  readBlock(blockId: number): { modelId: string; set: ColumnSet } | null {
    const r = this.blockById.get(blockId) as { model_id: string; data: Buffer } | undefined;
    return r ? { modelId: r.model_id, set: decodeColumns(r.data, KEY_COLUMNS) } : null;
  }

  private inStatement(n: number, columns: string, full = false): Database.Statement {
    const key = full ? -n : n;
    let s = this.inStatements.get(key);
    if (!s) {
      s = this.raw.prepare(`SELECT ${columns} FROM prediction_keys WHERE model_id = ? AND prediction_id IN (${new Array(n).fill('?').join(',')})`);
      if (this.inStatements.size > 64) this.inStatements.clear();
      this.inStatements.set(key, s);
    }
    return s;
  }
}

const ID_ONLY: ReadonlySet<string> = new Set([COL.predictionId]);

/** Lookups of pending keys within one call: each block read once. */
export class KeySession {
  private readonly blocks = new Map<number, { modelId: string; set: ColumnSet } | null>();
  private wantModel = '';
  private wantId = '';
  private foundBlock = 0;
  private foundRow = -1;
  private readonly visit = (blockId: number, row: number): boolean => {
    const b = this.block(blockId);
    if (!b || b.modelId !== this.wantModel || idColumn(b.set)[row] !== this.wantId) return false;
    this.foundBlock = blockId;
    this.foundRow = row;
    return true;
  };

  constructor(
    private readonly ledger: KeyLedger,
    private readonly overlay: PendingKeyIndex | null,
  ) {}

  /** Is (model, id) stored in a pending block? */
  hasPending(modelId: string, id: string): boolean {
    this.wantModel = modelId;
    this.wantId = id;
    return this.ledger.index.find(modelId, id, this.visit) || (this.overlay !== null && this.overlay.find(modelId, id, this.visit));
  }

  /** The key of (model, id) when it is stored in a pending block. */
  pendingKey(modelId: string, id: string): KeyInfo | null {
    if (!this.hasPending(modelId, id)) return null;
    const set = this.blocks.get(this.foundBlock)!.set;
    const pv = predictedValues(set);
    const row = this.foundRow;
    return { ts: tsColumn(set)[row], pred_label: pv.label(row), pred_score: pv.score(row), pred_value: pv.value(row) };
  }

  /** Keys of `ids` wherever they are stored (table first, then pending blocks). */
  keys(modelId: string, ids: readonly string[]): Map<string, KeyInfo> {
    const out = this.ledger.tableKeys(modelId, ids);
    for (const id of ids) {
      if (out.has(id)) continue;
      const k = this.pendingKey(modelId, id);
      if (k) out.set(id, k);
    }
    return out;
  }

  private block(blockId: number): { modelId: string; set: ColumnSet } | null {
    let b = this.blocks.get(blockId);
    if (b === undefined) {
      b = this.ledger.readBlock(blockId);
      this.blocks.set(blockId, b);
    }
    return b;
  }
}
