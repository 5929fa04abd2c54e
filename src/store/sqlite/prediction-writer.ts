import type Database from 'better-sqlite3';
import { decodeColumns, encodeColumns } from '../blocks/codec.js';
import { COL, takeColumnSet } from '../blocks/columns.js';
import { idColumn, predictedValues, splitByDay, tsColumn } from '../blocks/prediction-rows.js';
import type { PredictionBatch, PredictionWriteResult } from '../store.js';
import type { KeyLedger } from './key-ledger.js';
import type { PendingKeyIndex } from './pending-keys.js';

/** A block ready to insert: its row metadata and encoded columns. */
export interface PlannedBlock {
  modelId: string;
  schemaVersion: number;
  day: number;
  minTs: number;
  maxTs: number;
  rows: number;
  data: Uint8Array;
}

/** What a write will store, decided before the insert: results per batch and the new blocks with their ids. */
export interface WritePlan {
  results: PredictionWriteResult[];
  blocks: PlannedBlock[];
  /** prediction ids of each planned block, in row order (for the key index once committed) */
  blockIds: (string | null)[][];
}

/**
 * Decides what a prediction write stores: drops keys that are already stored (earlier in this
 * call, in a pending block, or in prediction_keys) and encodes one block per model and UTC day.
 * The plan is valid while no other block is written (the caller checks that when it commits).
 */
export function planWrite(ledger: KeyLedger, batches: PredictionBatch[], overlay: PendingKeyIndex | null, alloc?: (bytes: number) => Buffer): WritePlan {
  const session = ledger.session(overlay);
  const accepted = new Map<string, Set<string>>();
  const blocks: PlannedBlock[] = [];
  const blockIds: (string | null)[][] = [];
  const results = batches.map((batch) => {
    const modelId = batch.model_id;
    const n = batch.columns.rows;
    const ids = idColumn(batch.columns) as string[];
    let seen = accepted.get(modelId);
    if (!seen) accepted.set(modelId, (seen = new Set()));
    const dup = new Uint8Array(n);
    const fresh: number[] = [];
    for (let i = 0; i < n; i++) {
      const id = ids[i];
      if (seen.has(id) || session.hasPending(modelId, id)) dup[i] = 1;
      else {
        seen.add(id);
        fresh.push(i);
      }
    }
    if (fresh.length > 0 && ledger.tableHasModel(modelId)) {
      const stored = ledger.inTable(
        modelId,
        fresh.map((i) => ids[i]),
      );
      if (stored.size) for (const i of fresh) if (stored.has(ids[i])) dup[i] = 1;
    }
    const keep: number[] = [];
    const duplicates: string[] = [];
    const duplicateRows: number[] = [];
    for (let i = 0; i < n; i++) {
      if (dup[i] === 0) keep.push(i);
      else {
        duplicates.push(ids[i]);
        duplicateRows.push(i);
      }
    }
    if (keep.length === 0) return { inserted: 0, duplicates, duplicateRows };
    const set = keep.length === n ? batch.columns : takeColumnSet(batch.columns, keep);
    for (const part of splitByDay(set)) {
      blocks.push({ modelId, schemaVersion: batch.schema_version, day: part.day, minTs: part.minTs, maxTs: part.maxTs, rows: part.columns.rows, data: encodeColumns(part.columns, alloc) });
      blockIds.push(idColumn(part.columns));
    }
    return { inserted: keep.length, duplicates, duplicateRows };
  });
  return { results, blocks, blockIds };
}

const LINK_COLUMNS: ReadonlySet<string> = new Set([COL.predictionId, COL.ts, COL.label, COL.score, COL.value]);

/**
 * Inserts planned blocks with their keys pending and links outcomes that were waiting for these
 * predictions. Runs inside the caller's transaction, on whichever connection (main thread or
 * the block writer thread). Returns the new block ids.
 */
export class BlockInserter {
  private readonly insertBlock: Database.Statement;
  private readonly linkOutcome: Database.Statement;
  private readonly orphanExists: Database.Statement;
  private readonly maxId: Database.Statement;

  constructor(raw: Database.Database) {
    this.insertBlock = raw.prepare(
      'INSERT INTO prediction_blocks (model_id, schema_version, day, min_ts, max_ts, row_count, created_at, data, keys_pending) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)',
    );
    this.linkOutcome = raw.prepare(
      'UPDATE outcomes SET prediction_ts = ?, pred_label = ?, pred_score = ?, pred_value = ? WHERE model_id = ? AND prediction_id = ? AND prediction_ts IS NULL',
    );
    this.orphanExists = raw.prepare('SELECT 1 FROM outcomes WHERE model_id = ? AND prediction_ts IS NULL LIMIT 1').pluck();
    this.maxId = raw.prepare('SELECT max(id) FROM prediction_blocks').pluck();
  }

  /** Highest block id stored (0 when none): a plan made at this value is still valid while it holds. */
  maxBlockId(): number {
    return Number(this.maxId.get() ?? 0);
  }

  insert(blocks: readonly PlannedBlock[], now: number): number[] {
    const ids = blocks.map((b) =>
      Number(this.insertBlock.run(b.modelId, b.schemaVersion, b.day, b.minTs, b.maxTs, b.rows, now, b.data).lastInsertRowid),
    );
    const checked = new Map<string, boolean>();
    for (const b of blocks) {
      let orphans = checked.get(b.modelId);
      if (orphans === undefined) checked.set(b.modelId, (orphans = this.orphanExists.get(b.modelId) !== undefined));
      if (!orphans) continue;
      const set = decodeColumns(b.data, LINK_COLUMNS);
      const pid = idColumn(set);
      const ts = tsColumn(set);
      const pv = predictedValues(set);
      for (let i = 0; i < set.rows; i++) this.linkOutcome.run(ts[i], pv.label(i), pv.score(i), pv.value(i), b.modelId, pid[i]);
    }
    return ids;
  }
}
