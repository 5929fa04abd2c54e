import type Database from 'better-sqlite3';
import {
  type CompactionOptions,
  type CompactionResult,
  EMPTY_COMPACTION,
  SMALL_BLOCK_LIMIT,
  type SmallBlock,
  mergeBlocks,
  planRound,
} from '../blocks/compaction.js';
import type { KeyLedger } from './key-ledger.js';
import type { Exclusive } from './key-merger.js';

/** ids per IN (...) list */
const IN_CHUNK = 500;
/** (model, schema version, day) keys a round steps through at most (each one index seek) */
const MAX_KEY_STEPS = 2_000;

interface GroupKey {
  model_id: string;
  schema_version: number;
  day: number;
}

/**
 * SQLite's compaction rounds (see blocks/compaction.ts). A round runs on the main connection
 * holding the store's connection mutex (like the key merger), in one IMMEDIATE transaction: it
 * refreshes the pending key index (with the write lock held, every block is committed and none
 * can be added meanwhile), reads a bounded set of small blocks, inserts their rows as new
 * blocks and deletes them. New blocks get higher ids than any existing one (AUTOINCREMENT), so
 * max(id) changes with every round that writes: a write planned before the round is refused by
 * the block writer thread and planned again (write-engine.ts), and the index's maxBlockId
 * stays a true watermark.
 *
 * Keys: a new block is pending when any of its originals was (its keys may be only inside the
 * blocks); otherwise every key is already in prediction_keys. After the commit the in-memory
 * index drops the deleted blocks and learns the pending new one. A key merge round in flight
 * that held a deleted block finds it gone when it finishes and removes that block's keys from
 * the table again (key-merger.ts): the new pending block holds them, and its own merge puts them
 * back.
 */
/** How often a round waits for the block writer thread to go idle before giving up (done: false). */
const MAX_WRITER_WAITS = 100;

export class SqliteCompactor {
  private readonly keyFrom: Database.Statement;
  private readonly keyAfter: Database.Statement;
  private readonly listGroup: Database.Statement;
  /** where the next round (over every model) goes on: rounds walk the keys in turn, not from the start each time */
  private cursor: GroupKey | null = null;
  private readonly insertBlock: Database.Statement;
  /** block ids a round deleted, that a write committed before it may still announce (see wasCompacted) */
  private readonly deleted = new Set<number>();

  constructor(
    private readonly raw: Database.Database,
    private readonly ledger: KeyLedger,
    private readonly exclusive: Exclusive,
    /** scans in progress on this store: a round waits for none (a scan lists blocks, then reads them) */
    private readonly readers: () => number,
    /** the block writer thread, when writes commit there */
    private readonly writer?: { readonly busy: boolean; idle(): Promise<void> },
  ) {
    // the partial index prediction_blocks_small (migration 0009) serves these: the (model,
    // schema version, day) keys that have small blocks are walked one index seek each (lone
    // small blocks, e.g. of quiet days, cost a step, not a scan), and each key's blocks listed
    const small = `row_count < ${SMALL_BLOCK_LIMIT} AND row_count < ?`;
    const key = 'SELECT model_id, schema_version, day FROM prediction_blocks';
    const order = 'ORDER BY model_id, schema_version, day LIMIT 1';
    this.keyFrom = raw.prepare(`${key} WHERE ${small} AND (model_id, schema_version, day) >= (?, ?, ?) ${order}`);
    this.keyAfter = raw.prepare(`${key} WHERE ${small} AND (model_id, schema_version, day) > (?, ?, ?) ${order}`);
    this.listGroup = raw.prepare(
      `SELECT id, model_id, schema_version, day, row_count, keys_pending FROM prediction_blocks WHERE ${small} AND model_id = ? AND schema_version = ? AND day = ? ORDER BY id`,
    );
    this.insertBlock = raw.prepare(
      'INSERT INTO prediction_blocks (model_id, schema_version, day, min_ts, max_ts, row_count, created_at, data, keys_pending) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
  }

  /**
   * One round; `done: false` with nothing done when scans were running. The round starts only
   * while the block writer thread has no write in flight: its transaction would hold SQLite's
   * write lock, and the main connection would wait for it in SQLite's busy handler, which
   * sleeps on the event loop (milliseconds at a time: every request waits). While the round
   * holds the connection mutex no write can be planned, so none can be sent to the thread.
   */
  async round(o: CompactionOptions): Promise<CompactionResult> {
    for (let attempt = 0; attempt < MAX_WRITER_WAITS; attempt++) {
      await this.writer?.idle();
      const r = await this.exclusive(() =>
        this.writer?.busy ? null : this.readers() > 0 ? { ...EMPTY_COMPACTION, done: false } : this.roundNow(o),
      );
      if (r) return r;
    }
    return { ...EMPTY_COMPACTION, done: false };
  }

  /**
   * Was this block deleted by a round? A write the block writer thread committed just before a
   * round is announced to the index afterwards (write-engine.ts committed()); it must not
   * re-add a block the round already replaced.
   */
  wasCompacted(blockId: number): boolean {
    return this.deleted.has(blockId);
  }

  private roundNow(o: CompactionOptions): CompactionResult {
    const now = Date.now();
    const learned: { id: number; modelId: string; ids: (string | null)[] }[] = [];
    const removed: number[] = [];
    const result = this.raw
      .transaction((): CompactionResult => {
        this.ledger.refresh();
        // every model: from the cursor; one model: from its first key
        const start: GroupKey | null = o.modelId === undefined ? this.cursor : { model_id: o.modelId, schema_version: -1, day: -1 };
        const walk = { at: null as GroupKey | null, steps: 0, end: false };
        const { keyFrom, keyAfter, listGroup } = this;
        function* listed(): Generator<SmallBlock> {
          let k = (start ? keyFrom.get(o.minRows, start.model_id, start.schema_version, start.day) : keyFrom.get(o.minRows, '', -1, -1)) as GroupKey | undefined;
          while (k && (o.modelId === undefined || k.model_id === o.modelId)) {
            walk.at = k;
            yield* listGroup.iterate(o.minRows, k.model_id, k.schema_version, k.day) as IterableIterator<SmallBlock>;
            if (++walk.steps >= MAX_KEY_STEPS) return;
            k = keyAfter.get(o.minRows, k.model_id, k.schema_version, k.day) as GroupKey | undefined;
          }
          walk.end = true;
        }
        const { groups, complete } = planRound(listed(), o.roundRows, o.roundBlocks);
        // a round cut short goes on at the key it was in (its other small blocks, and the new one)
        if (o.modelId === undefined) this.cursor = walk.end ? null : walk.at;
        // done: one walk from the first key to the last found every group it saw compacted whole
        const r: CompactionResult = { groups: 0, blocksIn: 0, blocksOut: 0, rows: 0, done: complete && walk.end && (o.modelId !== undefined || start === null) };
        for (const g of groups) {
          const ids = g.blocks.map((b) => b.id);
          const blobs = this.blobs(ids);
          const merged = blobs && mergeBlocks(ids.map((id) => blobs.get(id)!), o.maxRowsPerBlock);
          if (!merged) continue;
          const pending = g.blocks.some((b) => b.keys_pending === 1) ? 1 : 0;
          for (const m of merged) {
            const id = Number(this.insertBlock.run(g.model_id, g.schema_version, g.day, m.minTs, m.maxTs, m.rows, now, m.data, pending).lastInsertRowid);
            if (pending) learned.push({ id, modelId: g.model_id, ids: m.ids });
          }
          for (let i = 0; i < ids.length; i += IN_CHUNK) {
            const part = ids.slice(i, i + IN_CHUNK);
            this.raw.prepare(`DELETE FROM prediction_blocks WHERE id IN (${part.map(() => '?').join(',')})`).run(...part);
          }
          removed.push(...ids);
          r.groups++;
          r.blocksIn += ids.length;
          r.blocksOut += merged.length;
          r.rows += merged.reduce((s, m) => s + m.rows, 0);
        }
        return r;
      })
      .immediate();
    // committed: the index forgets the originals and learns the new pending blocks
    for (const id of removed) this.deleted.add(id);
    // only ids of the last rounds matter (a committed write is announced within milliseconds): forget the oldest
    if (this.deleted.size > 100_000) for (const id of [...this.deleted].slice(0, 50_000)) this.deleted.delete(id);
    this.ledger.index.removeBlocks(removed);
    for (const b of learned) this.ledger.index.addBlock(b.id, b.modelId, b.ids);
    return result;
  }

  /** Blobs of the blocks (null when one is missing: the listing and the read share a transaction, so it never is). */
  private blobs(ids: number[]): Map<number, Buffer> | null {
    const out = new Map<number, Buffer>();
    for (let i = 0; i < ids.length; i += IN_CHUNK) {
      const part = ids.slice(i, i + IN_CHUNK);
      for (const r of this.raw.prepare(`SELECT id, data FROM prediction_blocks WHERE id IN (${part.map(() => '?').join(',')})`).all(...part) as { id: number; data: Buffer }[]) {
        out.set(r.id, r.data);
      }
    }
    return out.size === ids.length ? out : null;
  }
}
