/**
 * In-memory index of the prediction keys that live only in their blocks so far ("pending"
 * blocks, whose keys are not yet in the prediction_keys table).
 *
 * Why: inserting one B-tree row per prediction on the write path costs several microseconds of
 * CPU, and with random ids (UUIDv4) every commit dirties pages all over the key table, so the
 * WAL traffic per commit grows with the table: 1M keys ingested in 15k-row commits measured
 * 24k keys/s. Instead a block is written with its ids inside it, this index answers "does
 * (model, id) exist?" for pending blocks, and a background merge moves pending keys into
 * prediction_keys in large sorted batches (see key-ledger.ts).
 *
 * The table maps a 64-bit hash of (model_id, prediction_id) to (block id, row in block). A hash
 * match is only a candidate: callers confirm it against the block's id column, so collisions
 * cost a block read, never a wrong answer. 16 bytes per slot, at most half full.
 */
export class PendingKeyIndex {
  private h1 = new Uint32Array(0);
  private h2 = new Uint32Array(0);
  /** block id per slot; 0 = empty (SQLite block ids start at 1) */
  private blockOf = new Uint32Array(0);
  private rowOf = new Uint32Array(0);
  private mask = -1;
  private used = 0;
  /** pending blocks this index holds: block id → model, row count and slots used (non-null ids) */
  readonly blocks = new Map<number, { modelId: string; rows: number; slots?: number }>();
  /** slots still holding entries of removed blocks (skipped by find, dropped by the next rebuild) */
  private stale = 0;
  /** highest block id this index has looked at (pending or not) */
  maxBlockId = 0;
  /** rows of the pending blocks */
  pendingRows = 0;

  constructor(initialSlots = 1 << 12) {
    this.allocate(initialSlots);
  }

  get size(): number {
    return this.used - this.stale;
  }

  /** Add every row of a pending block (ids in row order; null ids are skipped). */
  addBlock(blockId: number, modelId: string, ids: readonly (string | null)[]): void {
    if (this.blocks.has(blockId)) return;
    const entry = { modelId, rows: ids.length, slots: 0 };
    this.blocks.set(blockId, entry);
    this.pendingRows += ids.length;
    if (blockId > this.maxBlockId) this.maxBlockId = blockId;
    this.reserve(ids.length);
    for (let r = 0; r < ids.length; r++) {
      const id = ids[r];
      if (id === null) continue;
      hashKey(modelId, id);
      this.put(H1, H2, blockId, r);
      entry.slots++;
    }
  }

  /**
   * Calls `visit(blockId, row)` for each entry whose hash matches (model, id); stops when it
   * returns true. Returns whether it did.
   */
  find(modelId: string, id: string, visit: (blockId: number, row: number) => boolean): boolean {
    hashKey(modelId, id);
    const a = H1;
    const b = H2;
    for (let s = a & this.mask; this.blockOf[s] !== 0; s = (s + 1) & this.mask) {
      if (this.h1[s] === a && this.h2[s] === b && (this.stale === 0 || this.blocks.has(this.blockOf[s])) && visit(this.blockOf[s], this.rowOf[s])) return true;
    }
    return false;
  }

  /**
   * Drop blocks (merged into prediction_keys, deleted by retention, replaced by compaction).
   * Their slots are skipped from now on and reclaimed by a rebuild once they are as many as the
   * live ones (compaction removes a few hundred blocks per round: rehashing a large index each
   * time would cost more than the round).
   */
  removeBlocks(blockIds: Iterable<number>): void {
    let removed = false;
    for (const id of blockIds) {
      const b = this.blocks.get(id);
      if (!b) continue;
      this.blocks.delete(id);
      this.pendingRows -= b.rows;
      this.stale += b.slots ?? b.rows;
      removed = true;
    }
    if (removed && (this.blocks.size === 0 || this.stale * 2 >= this.used)) this.rebuild();
  }

  /** Forget everything (the next refresh reloads pending blocks from the store). */
  clear(): void {
    this.blocks.clear();
    this.pendingRows = 0;
    this.maxBlockId = 0;
    this.allocate(1 << 12);
  }

  private allocate(slots: number): void {
    this.stale = 0;
    this.h1 = new Uint32Array(slots);
    this.h2 = new Uint32Array(slots);
    this.blockOf = new Uint32Array(slots);
    this.rowOf = new Uint32Array(slots);
    this.mask = slots - 1;
    this.used = 0;
  }

  /** Room for `adding` more entries at most half full (the slots of removed blocks count until dropped). */
  private reserve(adding: number): void {
    if ((this.used + adding) * 2 <= this.blockOf.length) return;
    // growing (or rehashing at the same size) drops the slots of removed blocks
    const live = this.used - this.stale + adding;
    let slots = this.blockOf.length;
    while (live * 2 > slots) slots *= 2;
    this.rehash(slots, this.stale === 0 ? () => true : (blockId) => this.blocks.has(blockId));
  }

  /** Keep only entries of blocks still held, shrinking when mostly empty. */
  private rebuild(): void {
    let live = 0;
    for (const b of this.blocks.values()) live += b.rows;
    let slots = 1 << 12;
    while (live * 2 > slots) slots *= 2;
    this.rehash(slots, (blockId) => this.blocks.has(blockId));
  }

  private rehash(slots: number, keep: (blockId: number) => boolean): void {
    const { h1, h2, blockOf, rowOf } = this;
    this.allocate(slots);
    for (let s = 0; s < blockOf.length; s++) {
      if (blockOf[s] !== 0 && keep(blockOf[s])) this.put(h1[s], h2[s], blockOf[s], rowOf[s]);
    }
  }

  private put(a: number, b: number, blockId: number, row: number): void {
    let s = a & this.mask;
    while (this.blockOf[s] !== 0) s = (s + 1) & this.mask;
    this.h1[s] = a;
    this.h2[s] = b;
    this.blockOf[s] = blockId;
    this.rowOf[s] = row;
    this.used++;
  }
}

let H1 = 0;
let H2 = 0;

/** Two 32-bit hashes of (model, id), for tests. */
export function hashOf(modelId: string, id: string): [number, number] {
  hashKey(modelId, id);
  return [H1, H2];
}

/** Two independent 32-bit hashes of (model, id) over UTF-16 code units, left in H1/H2 (no allocation on the hot path). */
function hashKey(modelId: string, id: string): void {
  let a = 0x811c9dc5;
  let b = 0x2f8a1c3d ^ id.length;
  for (let i = 0; i < modelId.length; i++) {
    const c = modelId.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 13;
  }
  a = Math.imul(a ^ 0xffff, 0x01000193);
  b = Math.imul(b ^ 0xffff, 0x5bd1e995);
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 13;
  }
  H1 = fmix(a) >>> 0;
  H2 = fmix(b ^ Math.imul(a, 0x27d4eb2f)) >>> 0;
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}
