import { decodeColumns, encodeColumns } from './codec.js';
import { type Column, type ColumnSet, concatColumnSets, takeColumnSet } from './columns.js';
import { tsColumn } from './prediction-rows.js';

/**
 * Compaction of small prediction blocks, the part both backends share: which blocks a round
 * takes, and how their rows become fewer, larger blocks. Single-prediction traffic commits
 * blocks of a few rows each (group commit); every block costs the analyzer a blob read, a
 * header decode and per-column setup, so a day of 2-row blocks scans several times slower than
 * the same rows in a few large blocks. A round rewrites some small blocks of one (model, schema
 * version, day) as one or a few blocks, in one transaction with the deletion of the originals.
 */
export interface CompactionOptions {
  /** blocks with fewer rows than this are compacted (default 2,000; at most SMALL_BLOCK_LIMIT) */
  minRows: number;
  /** rows per block written (default 20,000; at least 2 × minRows) */
  maxRowsPerBlock: number;
  /** rows read, merged and rewritten per round: bounds memory and how long a round holds locks (default 20,000) */
  roundRows: number;
  /**
   * blocks per round (default 32: ~1 ms on 3-row blocks, so a request that arrives meanwhile
   * waits little; the job pauses 20 ms between rounds and still outpaces 2,000 single writes/s): a round's CPU time goes mostly per block (decoding ~45
   * columns of a 3-row block costs as much as of a 3,000-row one), so this bounds how long a
   * round of tiny blocks keeps the main thread (SQLite: and the connection)
   */
  roundBlocks: number;
  /** only this model's blocks (default: every model) */
  modelId?: string;
}

/** The partial index on small blocks (migration 0009) covers blocks below this many rows. */
export const SMALL_BLOCK_LIMIT = 10_000;

export const DEFAULT_COMPACTION_OPTIONS: CompactionOptions = { minRows: 2_000, maxRowsPerBlock: 20_000, roundRows: 20_000, roundBlocks: 32 };

/** What one round (or a run of rounds) did. */
export interface CompactionResult {
  /** (model, schema version, day) groups rewritten */
  groups: number;
  /** blocks read and deleted */
  blocksIn: number;
  /** blocks written */
  blocksOut: number;
  /** predictions moved (blocks in and out hold the same rows) */
  rows: number;
  /** no group with two or more small blocks was left when the round looked */
  done: boolean;
}

export const EMPTY_COMPACTION: CompactionResult = { groups: 0, blocksIn: 0, blocksOut: 0, rows: 0, done: true };

export function addCompaction(a: CompactionResult, b: CompactionResult): CompactionResult {
  return { groups: a.groups + b.groups, blocksIn: a.blocksIn + b.blocksIn, blocksOut: a.blocksOut + b.blocksOut, rows: a.rows + b.rows, done: b.done };
}

/** Options with defaults, checked. */
export function compactionOptions(o: Partial<CompactionOptions> = {}): CompactionOptions {
  const out = { ...DEFAULT_COMPACTION_OPTIONS, ...o };
  const int = (v: number) => Number.isSafeInteger(v) && v > 0;
  if (!int(out.minRows) || out.minRows > SMALL_BLOCK_LIMIT) throw new Error(`compaction minRows must be an integer in [1, ${SMALL_BLOCK_LIMIT}]`);
  // a group is split into equal parts of more than maxRowsPerBlock / 2 rows: with at least twice
  // minRows none of them is small again, and every round leaves fewer blocks than it took
  if (!int(out.maxRowsPerBlock) || out.maxRowsPerBlock < 2 * out.minRows) throw new Error('compaction maxRowsPerBlock must be an integer >= 2 × minRows');
  if (!int(out.roundRows)) throw new Error('compaction roundRows must be a positive integer');
  if (!int(out.roundBlocks) || out.roundBlocks < 2) throw new Error('compaction roundBlocks must be an integer >= 2');
  return out;
}

/** A small block as listed for a round (metadata only). */
export interface SmallBlock {
  id: number;
  model_id: string;
  schema_version: number;
  day: number;
  row_count: number;
  /** SQLite: its keys are only inside the block so far */
  keys_pending?: number;
}

/** A group of blocks of one (model, schema version, day) a round rewrites together. */
export interface CompactionGroup<B extends SmallBlock = SmallBlock> {
  model_id: string;
  schema_version: number;
  day: number;
  blocks: B[];
}

/**
 * Small blocks listed in (model, schema version, day, id) order → the groups of one round: only
 * groups of two or more blocks, taken in order until `roundRows` rows or `roundBlocks` blocks (a
 * group may be cut short: compacting some of a day's small blocks is as valid as compacting all
 * of them). Stops reading the listing as soon as the round is full. Returns the groups and
 * whether every group the listing holds fitted in.
 */
export function planRound<B extends SmallBlock>(listed: Iterable<B>, roundRows: number, roundBlocks = Infinity): { groups: CompactionGroup<B>[]; complete: boolean } {
  const groups: CompactionGroup<B>[] = [];
  let rows = 0;
  let blocks = 0;
  let current: CompactionGroup<B> | null = null;
  let currentRows = 0;
  const close = (): void => {
    if (current && current.blocks.length >= 2) {
      groups.push(current);
      rows += currentRows;
      blocks += current.blocks.length;
    }
    current = null;
    currentRows = 0;
  };
  for (const b of listed) {
    if (!current || current.model_id !== b.model_id || current.schema_version !== b.schema_version || current.day !== b.day) {
      close();
      current = { model_id: b.model_id, schema_version: b.schema_version, day: b.day, blocks: [] };
    }
    // at least two blocks of a group (each under SMALL_BLOCK_LIMIT rows), then while the budget lasts
    if (current.blocks.length >= 2 && (rows + currentRows + b.row_count > roundRows || blocks + current.blocks.length >= roundBlocks)) {
      close();
      return { groups, complete: false };
    }
    current.blocks.push(b);
    currentRows += b.row_count;
  }
  close();
  return { groups, complete: true };
}

/** Names and kinds of a block's columns agree with every other block's (else concatenation would lose values). */
function kindsAgree(sets: readonly ColumnSet[]): boolean {
  const kinds = new Map<string, Column['kind']>();
  for (const s of sets) {
    for (const [name, col] of s.columns) {
      const k = kinds.get(name);
      if (k === undefined) kinds.set(name, col.kind);
      else if (k !== col.kind) return false;
    }
  }
  return true;
}

/** A block a round writes. */
export interface CompactedBlock {
  minTs: number;
  maxTs: number;
  rows: number;
  data: Buffer;
  /** prediction ids in row order (SQLite's pending key index learns them) */
  ids: (string | null)[];
}

/**
 * The blobs of one group's blocks, in block id order (write order) → blocks of at most
 * `maxRows` rows holding the same rows, sorted by time; rows of equal time keep the order of
 * the originals (block id, then row). Every column of every row is kept; a column some
 * originals lack is missing (NaN / null) for their rows, which is how a reader sees a column a
 * block does not have. Null when the blocks cannot be merged without loss (a column with two
 * kinds): the group is left as it is.
 */
export function mergeBlocks(blobs: readonly Uint8Array[], maxRows: number): CompactedBlock[] | null {
  // views: the blobs outlive the merge, and concatenation copies every value once anyway
  const sets = blobs.map((b) => decodeColumns(b, undefined, true));
  if (!kindsAgree(sets)) return null;
  const all = concatColumnSets(sets);
  const ts = tsColumn(all);
  const order = Int32Array.from({ length: all.rows }, (_, i) => i).sort((a, b) => ts[a] - ts[b] || a - b);
  const out: CompactedBlock[] = [];
  // equal parts: 2 × 12,000 rows rather than 20,000 + 4,000
  const parts = Math.max(1, Math.ceil(all.rows / maxRows));
  const per = Math.ceil(all.rows / parts);
  for (let at = 0; at < all.rows; at += per) {
    const rows = order.subarray(at, Math.min(all.rows, at + per));
    const set = takeColumnSet(all, rows);
    const idCol = set.columns.get('id');
    out.push({
      minTs: ts[rows[0]],
      maxTs: ts[rows[rows.length - 1]],
      rows: set.rows,
      data: encodeColumns(set),
      ids: idCol && idCol.kind === 'str' ? idCol.values : new Array<string | null>(set.rows).fill(null),
    });
  }
  return out;
}

/** How a run of rounds is bounded. */
export interface CompactionRunLimits {
  /** stop between rounds (shutdown) */
  signal?: AbortSignal;
  /** stop starting rounds after this long (ms; default 30 s) */
  maxMs?: number;
  /** pause between rounds (ms; default 0: one turn of the event loop), so other work gets the connection */
  pauseMs?: number;
  /** stop between rounds when this says so (e.g. writes resumed) */
  stop?: () => boolean;
  /**
   * pause at least this many times as long as the last round took (default 0): a round that
   * took long was slowed by other work (ingestion holding the connection and the CPU), so the
   * run backs off and keeps its share of the time under 1 / (1 + dutyFactor)
   */
  dutyFactor?: number;
}

/**
 * What background compaction (runs of rounds: the scheduled job, SQLite's quiet times) has done
 * in this process since it started; `/metrics` reports it (observability/compaction-metrics.ts).
 */
export const COMPACTION_TOTALS = { rounds: 0, groups: 0, blocksIn: 0, blocksOut: 0, rows: 0 };

/** Rounds until nothing is left to compact or a limit says stop; the totals. */
export async function runCompactionRounds(round: () => Promise<CompactionResult>, limits: CompactionRunLimits = {}): Promise<CompactionResult> {
  const started = Date.now();
  const maxMs = limits.maxMs ?? 30_000;
  let total: CompactionResult = { ...EMPTY_COMPACTION, done: false };
  for (;;) {
    if (limits.signal?.aborted || limits.stop?.()) return total;
    const roundStarted = performance.now();
    const r = await round();
    const roundMs = performance.now() - roundStarted;
    total = addCompaction(total, r);
    COMPACTION_TOTALS.rounds++;
    COMPACTION_TOTALS.groups += r.groups;
    COMPACTION_TOTALS.blocksIn += r.blocksIn;
    COMPACTION_TOTALS.blocksOut += r.blocksOut;
    COMPACTION_TOTALS.rows += r.rows;
    if (r.done || Date.now() - started >= maxMs) return total;
    // a round that could do nothing yet (readers, rows locked by another instance) waits longer
    const pause = Math.max(r.blocksIn === 0 ? Math.max(100, limits.pauseMs ?? 0) : (limits.pauseMs ?? 0), Math.round(roundMs * (limits.dutyFactor ?? 0)));
    await new Promise((resolve) => (pause ? setTimeout(resolve, pause) : setImmediate(resolve)));
  }
}
