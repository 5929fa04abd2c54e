import type Database from 'better-sqlite3';
import { encodeColumns } from '../blocks/codec.js';
import { takeColumnSet } from '../blocks/columns.js';
import { idColumn, predictedValues, splitByDay, tsColumn } from '../blocks/prediction-rows.js';
import type { PredictionBatch, PredictionWriteResult } from '../store.js';
import type { KeyLedger } from './key-ledger.js';
import type { PendingKeyIndex } from './pending-keys.js';

/** A block this write inserted, for the key index once the transaction commits. */
export interface WrittenBlock {
  blockId: number;
  modelId: string;
  ids: (string | null)[];
}

/**
 * SQLite's prediction write path, run inside a transaction the caller opened: drops keys that
 * are already stored (earlier in this call, in a pending block, or in prediction_keys), writes
 * one block per UTC day with its keys pending, and links outcomes that were waiting.
 */
export class SqlitePredictionWriter {
  private readonly insertBlock: Database.Statement;
  private readonly linkOutcome: Database.Statement;
  private readonly orphanExists: Database.Statement;

  constructor(
    raw: Database.Database,
    private readonly ledger: KeyLedger,
  ) {
    this.insertBlock = raw.prepare(
      'INSERT INTO prediction_blocks (model_id, schema_version, day, min_ts, max_ts, row_count, created_at, data, keys_pending) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)',
    );
    this.linkOutcome = raw.prepare(
      'UPDATE outcomes SET prediction_ts = ?, pred_label = ?, pred_score = ?, pred_value = ? WHERE model_id = ? AND prediction_id = ? AND prediction_ts IS NULL',
    );
    this.orphanExists = raw.prepare('SELECT 1 FROM outcomes WHERE model_id = ? AND prediction_ts IS NULL LIMIT 1').pluck();
  }

  /** `overlay`: pending blocks the shared index does not hold (inside an outer transaction). */
  write(batches: PredictionBatch[], now: number, overlay: PendingKeyIndex | null): { results: PredictionWriteResult[]; written: WrittenBlock[] } {
    const session = this.ledger.session(overlay);
    const accepted = new Map<string, Set<string>>();
    const written: WrittenBlock[] = [];
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
      if (fresh.length > 0 && this.ledger.tableHasModel(modelId)) {
        const stored = this.ledger.inTable(
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
        const info = this.insertBlock.run(modelId, batch.schema_version, part.day, part.minTs, part.maxTs, part.columns.rows, now, encodeColumns(part.columns));
        written.push({ blockId: Number(info.lastInsertRowid), modelId, ids: idColumn(part.columns) });
      }
      if (this.orphanExists.get(modelId) !== undefined) {
        const ts = tsColumn(batch.columns);
        const pv = predictedValues(batch.columns);
        for (const i of keep) this.linkOutcome.run(ts[i], pv.label(i), pv.score(i), pv.value(i), modelId, ids[i]);
      }
      return { inserted: keep.length, duplicates, duplicateRows };
    });
    return { results, written };
  }
}
