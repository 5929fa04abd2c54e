import { availableParallelism } from 'node:os';
import type { ColumnKind } from './column-builders.js';
import { COLUMN_TASKS, COLUMN_WORKER } from './column-tasks.js';
import type { RangeResult, RangeTask } from './csv-file.js';
import { mergeChunks } from './merge-columns.js';
import type { ColumnTable } from './merge-columns.js';
import { planNdjsonRanges } from './ndjson-range.js';
import { planCsvRanges, runRanges } from './read-csv.js';
import type { ColumnRequest } from './read-csv.js';
import { createRunner } from './worker-pool.js';
import type { TaskRunner } from './worker-pool.js';

export type { ColumnKind, ColumnRequest, ColumnTable };
export type { CategoricalColumn, Column, NumericColumn } from './column-builders.js';

/** File formats the column readers understand. */
export type TableFormat = 'csv' | 'ndjson';

export interface ReadColumnsOptions {
  /** the columns to read and how; other columns are skipped without being decoded */
  readonly columns: readonly ColumnRequest[];
  /** default: `ndjson` for .ndjson/.jsonl files, else `csv` */
  readonly format?: TableFormat;
  /** parsing threads (default: up to 2, as the machine allows); ignored when `runner` is given */
  readonly threads?: number;
  /** a runner serving {@link COLUMN_TASKS} to share between reads */
  readonly runner?: TaskRunner;
  /** files smaller than this are parsed in one range (default 2 MiB) */
  readonly minSplitBytes?: number;
}

/** Default number of parsing threads: both cores of the target machine, never more than it has. */
export function defaultThreads(): number {
  return Math.max(1, Math.min(2, availableParallelism()));
}

/** `ndjson` for .ndjson/.jsonl paths, else `csv`. */
export function formatOf(path: string): TableFormat {
  return /\.(ndjson|jsonl)$/i.test(path) ? 'ndjson' : 'csv';
}

/**
 * Reads the requested columns of a CSV (RFC 4180, header line, BOM allowed) or NDJSON file:
 * numeric columns as Float64Array (NaN where missing: empty, NA, null, nan, …), categorical
 * columns as dictionary codes (-1 where missing). Large files are parsed in byte ranges on
 * worker threads. Problems throw a `validation_failed` AppError naming the file and line.
 */
export async function readColumns(path: string, options: ReadColumnsOptions): Promise<ColumnTable> {
  const threads = options.runner?.threads ?? options.threads ?? defaultThreads();
  const format = options.format ?? formatOf(path);
  const plan = format === 'csv' ? planCsvRanges : planNdjsonRanges;
  const tasks = plan(path, options.columns, threads, options.minSplitBytes);
  const runner = options.runner ?? createRunner(COLUMN_WORKER, tasks.length > 1 ? threads : 1, COLUMN_TASKS);
  try {
    const kind = format === 'csv' ? 'parseCsvRange' : 'parseNdjsonRange';
    const chunks = await runRanges(tasks, (batch: readonly RangeTask[]) =>
      runner.runBatch<RangeResult>(batch.map((payload) => ({ kind, payload }))),
    );
    return mergeChunks(
      options.columns.map((c) => c.name),
      chunks,
    );
  } finally {
    if (!options.runner) await runner.close();
  }
}
