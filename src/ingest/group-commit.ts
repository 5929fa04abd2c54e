import { concatColumnSets } from '../store/blocks/columns.js';
import type { PredictionBatch, PredictionWriteResult, Store } from '../store/store.js';

/** queued rows that justify a commit beside the running one (multi-instance stores) */
const PARALLEL_MIN_ROWS = 2000;

interface Pending {
  batches: PredictionBatch[];
  resolve: (r: PredictionWriteResult[]) => void;
  reject: (e: unknown) => void;
}

/** Figures of the last commits, for metrics. */
export interface CommitObserver {
  (info: { requests: number; rows: number; seconds: number; ok: boolean }): void;
}

/**
 * Group commit: requests that arrive while a commit is running are written together in the
 * next transaction, and batches of the same model are merged into one block. Every caller's
 * promise resolves only after its rows are committed. One commit runs at a time on a store
 * that has one writer (SQLite); a store shared by several processes (PostgreSQL) starts a
 * second or third commit on another connection while one runs, but only for a backlog of
 * PARALLEL_MIN_ROWS or more (bulk ingestion: the database works on them in parallel); small
 * requests wait and go in one larger group, fewer commits for the same rows.
 */
export class GroupCommitWriter {
  private queue: Pending[] = [];
  private running = 0;
  private readonly maxRunning: number;
  private scheduled = false;
  private closed = false;
  private idle: (() => void)[] = [];

  constructor(
    private readonly store: Store,
    private readonly observe?: CommitObserver,
    /** commits in flight at once (default: 3 on a multi-instance store, else 1) */
    concurrency?: number,
  ) {
    this.maxRunning = Math.max(1, concurrency ?? (store.capabilities.multiInstance ? 3 : 1));
  }

  write(batches: PredictionBatch[]): Promise<PredictionWriteResult[]> {
    if (this.closed) return Promise.reject(new Error('the writer is closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ batches, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.running >= this.maxRunning || this.scheduled) return;
    if (this.running > 0 && this.queue.reduce((n, p) => n + p.batches.reduce((m, b) => m + b.columns.rows, 0), 0) < PARALLEL_MIN_ROWS) return;
    this.scheduled = true;
    // let requests parsed in the same turn of the event loop join this commit
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    if (this.running >= this.maxRunning || this.queue.length === 0) return;
    if (this.running > 0 && this.queue.reduce((n, p) => n + p.batches.reduce((m, b) => m + b.columns.rows, 0), 0) < PARALLEL_MIN_ROWS) return;
    this.running++;
    const group = this.queue;
    this.queue = [];
    const started = performance.now();
    let rows = 0;
    try {
      // merge batches of the same model and schema version; remember where each caller's rows went
      const merged = new Map<string, { batch: PredictionBatch; parts: { p: number; b: number; offset: number }[]; sets: PredictionBatch['columns'][] }>();
      group.forEach((pending, p) =>
        pending.batches.forEach((batch, b) => {
          const key = `${batch.model_id}\u0000${batch.schema_version}`;
          let m = merged.get(key);
          if (!m) merged.set(key, (m = { batch, parts: [], sets: [] }));
          const offset = m.sets.reduce((s, x) => s + x.rows, 0);
          m.parts.push({ p, b, offset });
          m.sets.push(batch.columns);
          rows += batch.columns.rows;
        }),
      );
      const list = [...merged.values()];
      const results = await this.store.writePredictions(
        list.map((m) => ({ model_id: m.batch.model_id, schema_version: m.batch.schema_version, columns: concatColumnSets(m.sets) })),
      );
      const out: PredictionWriteResult[][] = group.map((g) => g.batches.map(() => ({ inserted: 0, duplicates: [], duplicateRows: [] })));
      list.forEach((m, i) => {
        const res = results[i];
        const dupRows = new Map(res.duplicateRows.map((row, j) => [row, res.duplicates[j]]));
        m.parts.forEach(({ p, b, offset }, k) => {
          const n = m.sets[k].rows;
          const r = out[p][b];
          for (let row = 0; row < n; row++) {
            const dup = dupRows.get(offset + row);
            if (dup !== undefined) {
              r.duplicateRows.push(row);
              r.duplicates.push(dup);
            } else r.inserted++;
          }
        });
      });
      group.forEach((g, p) => g.resolve(out[p]));
      this.observe?.({ requests: group.length, rows, seconds: (performance.now() - started) / 1000, ok: true });
    } catch (e) {
      for (const g of group) g.reject(e);
      this.observe?.({ requests: group.length, rows, seconds: (performance.now() - started) / 1000, ok: false });
    } finally {
      this.running--;
      if (this.queue.length) this.schedule();
      else if (this.running === 0) for (const f of this.idle.splice(0)) f();
    }
  }

  /** Wait for everything queued to be committed, then refuse new writes. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.running === 0 && this.queue.length === 0 && !this.scheduled) return;
    await new Promise<void>((resolve) => this.idle.push(resolve));
  }
}
