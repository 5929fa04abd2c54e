import type Database from 'better-sqlite3';
import { decodeColumns } from '../blocks/codec.js';
import { COL } from '../blocks/columns.js';
import { idColumn, predictedValues, tsColumn } from '../blocks/prediction-rows.js';
import type { KeyLedger } from './key-ledger.js';

/** When and how much the merger works. */
export interface KeyMergerOptions {
  /** merge once no prediction was written for this long (ms) */
  idleMs: number;
  /** merge even under load once this many keys are pending (bounds the index's memory) */
  forceRows: number;
  /** keys read, sorted and merged per round (bounds the merge's memory) */
  roundRows: number;
  /** keys per merge transaction (bounds how long one holds the connection) */
  chunkRows: number;
}

// idle for longer than the parse workers (3 s), so their heaps are gone before a merge needs memory
export const DEFAULT_MERGER_OPTIONS: KeyMergerOptions = { idleMs: 5000, forceRows: 2_000_000, roundRows: 250_000, chunkRows: 5_000 };

/** Runs `fn` holding the store's connection, outside any transaction. */
export type Exclusive = <T>(fn: () => T) => Promise<T>;

const KEY_COLUMNS: ReadonlySet<string> = new Set([COL.predictionId, COL.ts, COL.label, COL.score, COL.value]);

/**
 * Moves pending keys (ids that live only inside their blocks) into prediction_keys in the
 * background: a round reads up to `roundRows` pending keys, sorts them, and inserts them in
 * short transactions of consecutive keys, so each transaction dirties only the pages of its
 * key range and the table is rewritten about once per round instead of once per commit. The
 * blocks are then marked merged. A crash mid-round is harmless: the blocks stay pending and
 * the next round inserts again (INSERT OR IGNORE).
 */
export class KeyMerger {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private lastWrite = 0;
  private loaded = false;
  private closed = false;
  private readonly insertKey: Database.Statement;
  /**
   * Work for quiet times, after a merge the quiet trigger started (the store's block
   * compaction). `quiet` says whether writes are still paused; it should stop when not.
   */
  quietWork: ((quiet: () => boolean) => Promise<unknown>) | undefined;

  constructor(
    private readonly raw: Database.Database,
    private readonly ledger: KeyLedger,
    private readonly exclusive: Exclusive,
    private readonly options: KeyMergerOptions = DEFAULT_MERGER_OPTIONS,
  ) {
    this.insertKey = raw.prepare(
      'INSERT OR IGNORE INTO prediction_keys (model_id, prediction_id, ts, pred_label, pred_score, pred_value) VALUES (?, ?, ?, ?, ?, ?)',
    );
  }

  /** A prediction write committed: merging waits for quiet, unless too much is pending. */
  noteWrite(): void {
    this.lastWrite = Date.now();
    if (this.ledger.index.pendingRows >= this.options.forceRows) this.start();
    else this.arm();
  }

  /** Check for pending keys soon (e.g. left by an earlier process). */
  arm(): void {
    if (this.closed || this.timer || this.running) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const quiet = Date.now() - this.lastWrite >= this.options.idleMs;
      if (quiet || this.ledger.index.pendingRows >= this.options.forceRows) this.start(quiet);
      else this.arm();
    }, this.options.idleMs);
    this.timer.unref();
  }

  /** Merge everything pending now; resolves when done (or closed). */
  async flush(): Promise<void> {
    this.start();
    while (this.running) await this.running;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.running) await this.running;
  }

  private start(quiet = false): void {
    if (this.closed || this.running) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    const since = this.lastWrite;
    const work = this.quietWork;
    const merged = this.mergeAll();
    const after: Promise<void> =
      quiet && work
        ? merged.then(async () => {
            if (this.closed) return;
            // best effort: a failed round leaves the blocks as they were (the next quiet time tries again)
            await work(() => !this.closed && this.lastWrite === since).catch(() => undefined);
          })
        : merged;
    this.running = after.finally(() => {
      this.running = undefined;
      if (this.ledger.index.pendingRows > 0) this.arm();
    });
  }

  private async mergeAll(): Promise<void> {
    if (!this.loaded) {
      await this.exclusive(() => this.ledger.refresh());
      this.loaded = true;
    }
    while (!this.closed && this.ledger.index.pendingRows > 0) {
      if ((await this.round()) === 0) break;
    }
  }

  /** One round; returns the number of keys merged. */
  async round(): Promise<number> {
    const snap = await this.exclusive(() => this.snapshot());
    if (snap.blockIds.length === 0) {
      // the index held only blocks that are gone or merged elsewhere
      await this.exclusive(() => this.forgetStale());
      return 0;
    }
    const order = Int32Array.from({ length: snap.ids.length }, (_, i) => i).sort((a, b) => {
      const ma = snap.models[a];
      const mb = snap.models[b];
      if (ma !== mb) return ma < mb ? -1 : 1;
      const ia = snap.ids[a];
      const ib = snap.ids[b];
      return ia < ib ? -1 : ia > ib ? 1 : 0;
    });
    for (let at = 0; at < order.length && !this.closed; at += this.options.chunkRows) {
      await new Promise((resolve) => setImmediate(resolve));
      const end = Math.min(order.length, at + this.options.chunkRows);
      await this.exclusive(() =>
        this.raw.transaction(() => {
          for (let k = at; k < end; k++) {
            const i = order[k];
            this.insertKey.run(snap.models[i], snap.ids[i], snap.ts[i], snap.labels[i], nullIfNaN(snap.scores[i]), nullIfNaN(snap.values[i]));
          }
        }).immediate(),
      );
    }
    if (this.closed) return 0;
    await this.exclusive(() => this.finish(snap));
    return snap.ids.length;
  }

  private snapshot(): Snapshot {
    this.ledger.refresh();
    const snap: Snapshot = { blockIds: [], rowsOf: new Map(), models: [], ids: [], ts: [], labels: [], scores: [], values: [] };
    const rows = this.raw.prepare('SELECT id, model_id, data FROM prediction_blocks WHERE keys_pending = 1 ORDER BY id').iterate() as IterableIterator<{ id: number; model_id: string; data: Buffer }>;
    for (const r of rows) {
      const set = decodeColumns(r.data, KEY_COLUMNS);
      const ids = idColumn(set);
      const ts = tsColumn(set);
      const pv = predictedValues(set);
      const before = snap.ids.length;
      for (let row = 0; row < set.rows; row++) {
        const id = ids[row];
        if (id === null) continue;
        snap.models.push(r.model_id);
        snap.ids.push(id);
        snap.ts.push(ts[row]);
        snap.labels.push(pv.label(row));
        snap.scores.push(pv.score(row) ?? NaN);
        snap.values.push(pv.value(row) ?? NaN);
      }
      snap.blockIds.push(r.id);
      snap.rowsOf.set(r.id, snap.ids.length - before);
      if (snap.ids.length >= this.options.roundRows) break;
    }
    return snap;
  }

  /** Mark the round's blocks merged; drop keys of blocks retention deleted meanwhile. */
  private finish(snap: Snapshot): void {
    this.raw.transaction(() => {
      const existing = new Set<number>();
      for (let i = 0; i < snap.blockIds.length; i += 500) {
        const part = snap.blockIds.slice(i, i + 500);
        const marks = part.map(() => '?').join(',');
        for (const id of this.raw.prepare(`SELECT id FROM prediction_blocks WHERE id IN (${marks})`).pluck().all(...part) as number[]) existing.add(id);
        this.raw.prepare(`UPDATE prediction_blocks SET keys_pending = 0 WHERE id IN (${marks})`).run(...part);
      }
      if (existing.size < snap.blockIds.length) {
        // ids of a deleted block: remove the keys this round inserted for them
        const gone = new Set(snap.blockIds.filter((id) => !existing.has(id)));
        this.deleteKeysOfBlocks(snap, gone);
      }
    }).immediate();
    // from here these keys are found in the table, no longer through the index
    this.ledger.forgetTableAnswers();
    this.ledger.index.removeBlocks(snap.blockIds);
    this.forgetStale();
  }

  private deleteKeysOfBlocks(snap: Snapshot, gone: Set<number>): void {
    // keys sit in the snapshot block after block, rowsOf keys each
    let k = 0;
    const del = this.raw.prepare('DELETE FROM prediction_keys WHERE model_id = ? AND prediction_id = ?');
    for (const blockId of snap.blockIds) {
      const rows = snap.rowsOf.get(blockId) ?? 0;
      if (gone.has(blockId)) for (let i = k; i < k + rows; i++) del.run(snap.models[i], snap.ids[i]);
      k += rows;
    }
  }

  /** Drop index entries of blocks that are no longer pending in the database. */
  private forgetStale(): void {
    const pending = new Set(this.raw.prepare('SELECT id FROM prediction_blocks WHERE keys_pending = 1').pluck().all() as number[]);
    const stale = [...this.ledger.index.blocks.keys()].filter((id) => !pending.has(id));
    if (stale.length) this.ledger.index.removeBlocks(stale);
  }
}

interface Snapshot {
  blockIds: number[];
  /** keys per block, in snapshot order */
  rowsOf: Map<number, number>;
  models: string[];
  ids: string[];
  ts: number[];
  labels: (string | null)[];
  scores: number[];
  values: number[];
}

const nullIfNaN = (v: number): number | null => (Number.isNaN(v) ? null : v);
