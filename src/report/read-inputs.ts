/**
 * Reading the two files of a report: light to import (no drift tests), so the CLI can start the
 * workers parsing while it still loads the statistics.
 */
import { statSync } from 'node:fs';
import { planReportColumns } from './column-plan.js';
import type { PlannedColumn } from './column-plan.js';
import type { ColumnTarget } from './csv/column-builders.js';
import { estimateRangeRows } from './csv/csv-file.js';
import type { RangeTask } from './csv/csv-file.js';
import { mergeChunks } from './csv/merge-columns.js';
import type { ColumnTable } from './csv/merge-columns.js';
import { planNdjsonRanges } from './csv/ndjson-range.js';
import { formatOf } from './csv/read-columns.js';
import { checkRanges, planCsvRanges } from './csv/read-csv.js';
import type { TaskRunner } from './csv/worker-pool.js';
import type { ReportSchema } from './schema.js';
import type { ChunkSummary } from './summarize-chunk.js';

/** One file read as chunk summaries. */
export interface Side {
  readonly path: string;
  readonly chunks: readonly ChunkSummary[];
  readonly rows: number;
  /** per chunk and column, the slice it was written into (when the planned ranges stood) */
  readonly targets?: readonly (readonly (ColumnTarget | null)[])[];
}

/** Both files parsed and reduced, with the plan of their columns. */
export interface ReportInputs {
  readonly plan: readonly PlannedColumn[];
  readonly reference: Side;
  readonly current: Side;
}

export interface ReadInputsOptions {
  readonly reference: string;
  readonly current: string;
  readonly schema: ReportSchema;
  /** the schema's file name, for error messages */
  readonly schemaFile?: string;
  readonly runner: TaskRunner;
  /**
   * Awaited once the workers have the ranges, before this thread parses any: the CLI loads the
   * statistics modules here, while the workers are already parsing.
   */
  readonly beforeCallerWorks?: () => Promise<void>;
  /** files smaller than this are parsed in one range (default 2 MiB; tests split small files) */
  readonly minSplitBytes?: number;
}

/** Plans the columns and parses both files on the runner's threads. */
export async function readReportInputs(options: ReadInputsOptions): Promise<ReportInputs> {
  const plan = planReportColumns(options.schema, options.schemaFile);
  const [reference, current] = await readSides(options.runner, [options.reference, options.current], plan, options);
  return { plan, reference, current };
}

/**
 * Parses the files in one batch of ranges, largest file first: the workers take ranges from
 * the front, the main thread from the back, so the small file fills the gaps.
 */
async function readSides(
  runner: TaskRunner,
  paths: readonly string[],
  plan: readonly PlannedColumn[],
  { beforeCallerWorks, minSplitBytes }: Pick<ReadInputsOptions, 'beforeCallerWorks' | 'minSplitBytes'>,
): Promise<Side[]> {
  const shared = runner.threads > 1;
  const sides = paths.map((path) => {
    const format = formatOf(path);
    const parts = rangesFor(path, runner.threads);
    const planned = format === 'csv' ? planCsvRanges(path, plan, parts, minSplitBytes) : planNdjsonRanges(path, plan, parts, minSplitBytes);
    const targets = shared && format === 'csv' && planned.length > 1 ? columnTargets(planned, plan) : [];
    const ranges = planned.map((r, i) => ({ ...r, shared, targets: targets[i] }));
    const parse = (batch: readonly RangeTask[]): Promise<ChunkSummary[]> =>
      runner.runBatch<ChunkSummary>(batch.map((range) => ({ kind: 'summarizeChunk', payload: { range, format, plan } })));
    return { path, ranges, targets, parse, bytes: ranges.reduce((n, r) => n + r.end - r.start, 0) };
  });
  const order = sides.map((_, i) => i).sort((a, b) => sides[b].bytes - sides[a].bytes);
  const batch = order.flatMap((i) => sides[i].ranges);
  const results = await runner.runBatch<ChunkSummary>(
    batch.map((range) => ({ kind: 'summarizeChunk', payload: { range, format: formatOf(range.path), plan } })),
    { beforeCallerWorks },
  );
  let at = 0;
  const chunksOf = new Array<ChunkSummary[]>(sides.length);
  for (const i of order) {
    chunksOf[i] = results.slice(at, at + sides[i].ranges.length);
    at += sides[i].ranges.length;
  }
  return Promise.all(
    sides.map(async (side, i) => {
      const chunks = await checkRanges(side.ranges, chunksOf[i], side.parse);
      const rows = chunks.reduce((n, c) => n + c.rowCount, 0);
      const targets = side.targets.length === chunks.length ? side.targets : undefined;
      return { path: side.path, chunks, rows, ...(targets ? { targets } : {}) };
    }),
  );
}

/** The row-aligned columns of one side (prediction, actual, score, protected attributes). */
/**
 * Where each range writes its numeric feature columns: one SharedArrayBuffer per column for the
 * whole file, a slice per range sized by its bytes with 5 % to spare. The chunks of a column are
 * then joined in place (report-tasks.ts) instead of being copied into a new array; a range that
 * outgrows its slice moves to its own buffer and is copied as before.
 */
function columnTargets(ranges: readonly RangeTask[], plan: readonly PlannedColumn[]): (ColumnTarget | null)[][] {
  const first = ranges[0];
  const last = ranges[ranges.length - 1];
  const bytes = last.end - first.start;
  const rows = estimateRangeRows(first.path, first.start, last.end);
  const capacities = ranges.map((r) => Math.ceil(((rows * (r.end - r.start)) / bytes) * 1.05) + 256);
  const offsets = capacities.map((_, i) => capacities.slice(0, i).reduce((a, b) => a + b, 0));
  const total = capacities.reduce((a, b) => a + b, 0);
  const perColumn = plan.map((p) => (p.type === 'numeric' && p.summary && !p.raw ? new SharedArrayBuffer(total * 8) : null));
  return ranges.map((_, i) => perColumn.map((buffer) => (buffer ? { buffer, offset: offsets[i], capacity: capacities[i] } : null)));
}

/**
 * Ranges per file: one per thread, and from 32 MiB on one per 8 MiB (at most eight per thread).
 * The threads claim ranges from the two ends of the list, so they finish within about one range
 * of each other: ~30 ms of parsing at 8 MiB, where ranges of a quarter of a 115 MB file left one
 * thread idle for 60–100 ms. Joining more runs costs nothing extra.
 */
function rangesFor(path: string, threads: number): number {
  let size = 0;
  try {
    size = statSync(path).size;
  } catch {
    // an unreadable file is reported by the planner with its name
  }
  if (threads === 1 || size < 32 << 20) return threads;
  return Math.min(8 * threads, Math.max(2 * threads, Math.ceil(size / (8 << 20))));
}

export function rawTable(side: Side, plan: readonly PlannedColumn[]): ColumnTable {
  const raw = plan.map((p, k) => ({ p, k })).filter(({ p }) => p.raw);
  return mergeChunks(
    raw.map(({ p }) => p.name),
    side.chunks.map((c) => ({ rowCount: c.rowCount, columns: raw.map(({ k }) => c.columns[k].raw!) })),
  );
}
