import { basename } from 'node:path';
import { maxSeverity } from '../stats/severity.js';
import type { CategoricalSample, NumericSample } from '../stats/types.js';
import { planReportColumns } from './column-plan.js';
import type { PlannedColumn } from './column-plan.js';
import { planNdjsonRanges } from './csv/ndjson-range.js';
import { mergeChunks } from './csv/merge-columns.js';
import type { ColumnTable } from './csv/merge-columns.js';
import { formatOf } from './csv/read-columns.js';
import { checkRanges, planCsvRanges } from './csv/read-csv.js';
import type { RangeTask } from './csv/csv-file.js';
import type { TaskRunner } from './csv/worker-pool.js';
import { categoricalFeatureDrift, numericFeatureDrift } from './feature-drift.js';
import type { FeatureDriftOptions, TestSelection } from './feature-drift.js';
import { buildModelSections } from './model-sections.js';
import { createReportRunner } from './report-runner.js';
import type { ValueRuns } from './report-tasks.js';
import type { ReportSchema } from './schema.js';
import type { ChunkSummary, CountsPart, FinitePart } from './summarize-chunk.js';
import type { DriftReport, DriftSummary, FeatureDrift } from './types.js';

/** Evidently's default: the dataset drifts when at least half of the tested features drift. */
export const DEFAULT_DRIFT_SHARE = 0.5;

export interface BuildReportOptions {
  readonly reference: string;
  readonly current: string;
  readonly schema: ReportSchema;
  /** the schema's file name, for error messages */
  readonly schemaFile?: string;
  /** default: each feature's default test plus PSI */
  readonly selection?: TestSelection;
  /** threshold per test name */
  readonly thresholds?: Readonly<Record<string, number>>;
  readonly driftShare?: number;
  /** threads for parsing and testing (default: up to 2); ignored when `runner` is given */
  readonly threads?: number;
  /** a runner serving REPORT_TASKS */
  readonly runner?: TaskRunner;
  readonly title?: string;
  /** the report's timestamp (default: now) */
  readonly generatedAt?: Date;
}

/** One file read as chunk summaries. */
interface Side {
  readonly path: string;
  readonly chunks: readonly ChunkSummary[];
  readonly rows: number;
}

/**
 * Compares a current file with a reference file, feature by feature, the way Evidently's data
 * drift report does. Both files are parsed in byte ranges by this thread and the workers, each
 * chunk reduced where it was parsed (finite values, category counts); each numeric sample is
 * then sorted once, on any thread, and every test reads that one prepared sample.
 */
export async function buildReport(options: BuildReportOptions): Promise<DriftReport> {
  const plan = planReportColumns(options.schema, options.schemaFile);
  const runner = options.runner ?? (await createReportRunner(options.threads));
  try {
    const [reference, current] = await readSides(runner, [options.reference, options.current], plan);
    const featureOptions: FeatureDriftOptions = { selection: options.selection ?? { mode: 'default' }, thresholds: options.thresholds };
    // each side of each numeric feature is joined and sorted on whichever thread is free;
    // the tests then run here, on the prepared samples
    const numeric = options.schema.features.filter((f) => f.type === 'numeric');
    const sides = numeric.flatMap((f) => {
      const k = plan.findIndex((p) => p.name === f.name);
      return [runsOf(reference, k), runsOf(current, k)];
    });
    const tested = new Map<string, FeatureDrift>();
    const prepared = new Array<NumericSample>(sides.length);
    await runner.runBatch<NumericSample>(
      sides.map((payload) => ({ kind: 'prepareSide', payload })),
      {
        // a feature is tested as soon as both its sides are sorted, while the others sort
        onResult: (i, sample) => {
          prepared[i] = sample;
          const j = i >> 1;
          const [ref, cur] = [prepared[2 * j], prepared[2 * j + 1]];
          if (ref && cur) tested.set(numeric[j].name, numericFeatureDrift(numeric[j].name, ref, cur, featureOptions));
        },
      },
    );
    const features = options.schema.features.map((f) => {
      if (f.type === 'numeric') return tested.get(f.name)!;
      const k = plan.findIndex((p) => p.name === f.name);
      return categoricalFeatureDrift(f.name, f.type, countsOf(reference, k, f.type), countsOf(current, k, f.type), featureOptions);
    });
    const sections = buildModelSections(options.schema, rawTable(reference, plan), rawTable(current, plan), featureOptions);
    return {
      version: 1,
      title: options.title ?? 'Data drift report',
      generated_at: (options.generatedAt ?? new Date()).toISOString(),
      reference: { name: basename(options.reference), rows: reference.rows },
      current: { name: basename(options.current), rows: current.rows },
      summary: summarize(features, options.driftShare ?? DEFAULT_DRIFT_SHARE),
      features,
      ...sections,
    };
  } finally {
    if (!options.runner) await runner.close();
  }
}

/**
 * Parses the files in one batch of ranges, largest file first: the workers take ranges from
 * the front, the main thread from the back, so the small file fills the gaps.
 */
async function readSides(runner: TaskRunner, paths: readonly string[], plan: readonly PlannedColumn[]): Promise<Side[]> {
  const shared = runner.threads > 1;
  const sides = paths.map((path) => {
    const format = formatOf(path);
    const planned = format === 'csv' ? planCsvRanges(path, plan, runner.threads) : planNdjsonRanges(path, plan, runner.threads);
    const ranges = planned.map((r) => ({ ...r, shared }));
    const parse = (batch: readonly RangeTask[]): Promise<ChunkSummary[]> =>
      runner.runBatch<ChunkSummary>(batch.map((range) => ({ kind: 'summarizeChunk', payload: { range, format, plan } })));
    return { path, ranges, parse, bytes: ranges.reduce((n, r) => n + r.end - r.start, 0) };
  });
  const order = sides.map((_, i) => i).sort((a, b) => sides[b].bytes - sides[a].bytes);
  const batch = order.flatMap((i) => sides[i].ranges);
  const results = await runner.runBatch<ChunkSummary>(
    batch.map((range) => ({ kind: 'summarizeChunk', payload: { range, format: formatOf(range.path), plan } })),
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
      return { path: side.path, chunks, rows: chunks.reduce((n, c) => n + c.rowCount, 0) };
    }),
  );
}

function runsOf(side: Side, k: number): ValueRuns {
  const parts = side.chunks.map((c) => c.columns[k].summary as FinitePart);
  return { runs: parts.map((p) => p.values), missing: parts.reduce((n, p) => n + p.missing, 0) };
}

/** Category counts over all chunks; boolean spellings (True, 1, yes, …) become `true`/`false`. */
function countsOf(side: Side, k: number, type: 'categorical' | 'boolean'): CategoricalSample {
  const counts = new Map<string, number>();
  let missing = 0;
  let n = 0;
  for (const chunk of side.chunks) {
    const part = chunk.columns[k].summary as CountsPart;
    missing += part.missing;
    part.categories.forEach((category, j) => {
      const key = type === 'boolean' ? booleanKey(category) : category;
      const c = part.counts[j];
      if (c > 0) counts.set(key, (counts.get(key) ?? 0) + c);
      n += c;
    });
  }
  return { counts, n, missing };
}

const TRUE = new Set(['true', 't', 'yes', 'y', '1', '1.0']);
const FALSE = new Set(['false', 'f', 'no', 'n', '0', '0.0']);

/** `true` / `false` for the usual spellings of a boolean, else the value unchanged. */
export function booleanKey(value: string): string {
  const v = value.trim().toLowerCase();
  return TRUE.has(v) ? 'true' : FALSE.has(v) ? 'false' : value;
}

/** The row-aligned columns of one side (prediction, actual, score, protected attributes). */
function rawTable(side: Side, plan: readonly PlannedColumn[]): ColumnTable {
  const raw = plan.map((p, k) => ({ p, k })).filter(({ p }) => p.raw);
  return mergeChunks(
    raw.map(({ p }) => p.name),
    side.chunks.map((c) => ({ rowCount: c.rowCount, columns: raw.map(({ k }) => c.columns[k].raw!) })),
  );
}

/** The dataset-level verdict over the features that could be tested. */
export function summarize(features: readonly FeatureDrift[], driftShare: number): DriftSummary {
  const tested = features.filter((f) => f.decided_by !== null);
  const drifted = tested.filter((f) => f.drift_detected).length;
  const share = tested.length === 0 ? 0 : drifted / tested.length;
  return {
    features_tested: tested.length,
    features_drifted: drifted,
    drift_share: share,
    drift_share_threshold: driftShare,
    dataset_drift: tested.length > 0 && share >= driftShare,
    severity: maxSeverity(features.map((f) => f.severity)),
  };
}
