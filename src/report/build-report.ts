import { basename } from 'node:path';
import { maxSeverity } from '../stats/severity.js';
import type { CategoricalSample } from '../stats/types.js';
import type { TaskRunner } from './csv/worker-pool.js';
import { categoricalFeatureDrift, numericFeatureDrift } from './feature-drift.js';
import type { FeatureDriftOptions, TestSelection } from './feature-drift.js';
import { buildModelSections } from './model-sections.js';
import { createReportRunner } from './report-runner.js';
import { samplesOf } from './report-tasks.js';
import type { FeatureRuns, SortedFeature, ValueRuns } from './report-tasks.js';
import { rawTable, readReportInputs } from './read-inputs.js';
import type { ReportInputs, Side } from './read-inputs.js';
import type { ReportSchema } from './schema.js';
import type { CountsPart, FinitePart } from './summarize-chunk.js';
import type { DriftReport, DriftSummary, FeatureDrift } from './types.js';

/** Evidently's default: the dataset drifts when at least half of the tested features drift. */
export const DEFAULT_DRIFT_SHARE = 0.5;

/** What the report compares and how, once the files are read. */
export interface ReportOptions {
  readonly reference: string;
  readonly current: string;
  readonly schema: ReportSchema;
  /** default: each feature's default test plus PSI */
  readonly selection?: TestSelection;
  /** threshold per test name */
  readonly thresholds?: Readonly<Record<string, number>>;
  readonly driftShare?: number;
  readonly title?: string;
  /** the report's timestamp (default: now) */
  readonly generatedAt?: Date;
}

export interface BuildReportOptions extends ReportOptions {
  /** the schema's file name, for error messages */
  readonly schemaFile?: string;
  /** threads for parsing and testing (default: up to 2); ignored when `runner` is given */
  readonly threads?: number;
  /** a runner serving REPORT_TASKS */
  readonly runner?: TaskRunner;
  /** files smaller than this are parsed in one range (default 2 MiB) */
  readonly minSplitBytes?: number;
}

/**
 * Compares a current file with a reference file, feature by feature, the way Evidently's data
 * drift report does. Both files are parsed in byte ranges by this thread and the workers, each
 * chunk reduced where it was parsed (finite values, category counts); each numeric sample is
 * then sorted once, on any thread, and every test reads that one prepared sample.
 */
export async function buildReport(options: BuildReportOptions): Promise<DriftReport> {
  const runner = options.runner ?? (await createReportRunner(options.threads));
  try {
    return await reportFromInputs(await readReportInputs({ ...options, runner }), options, runner);
  } finally {
    if (!options.runner) await runner.close();
  }
}

/**
 * The report of files already read (readReportInputs): each side of each numeric feature is
 * joined and sorted on whichever thread is free, and the feature is tested here as soon as both
 * its sides are ready; categorical features are tested from their counts.
 */
export async function reportFromInputs(inputs: ReportInputs, options: ReportOptions, runner: TaskRunner): Promise<DriftReport> {
  const { plan, reference, current } = inputs;
  const featureOptions: FeatureDriftOptions = { selection: options.selection ?? { mode: 'default' }, thresholds: options.thresholds };
  const numeric = options.schema.features.filter((f) => f.type === 'numeric');
  const walk = needsWalk(featureOptions.selection);
  const payloads = numeric.map((f): FeatureRuns => {
    const k = plan.findIndex((p) => p.name === f.name);
    return { reference: runsOf(reference, k), current: runsOf(current, k), walk };
  });
  const tested = new Map<string, FeatureDrift>();
  let sections: ReturnType<typeof buildModelSections> | undefined;
  // categorical features (tested from their counts) and the model sections need no sorted
  // sample: done first, while the workers start on the numeric features (this thread then takes
  // fewer of those, and the claims balance the load)
  const meanwhile = async (): Promise<void> => {
    for (const f of options.schema.features) {
      if (f.type === 'numeric') continue;
      const k = plan.findIndex((p) => p.name === f.name);
      tested.set(f.name, categoricalFeatureDrift(f.name, f.type, countsOf(reference, k, f.type), countsOf(current, k, f.type), featureOptions));
    }
    sections = buildModelSections(options.schema, rawTable(reference, plan), rawTable(current, plan), featureOptions);
  };
  await runner.runBatch<SortedFeature>(
    payloads.map((payload) => ({ kind: 'prepareFeature', payload })),
    {
      // the tests of a feature run here when it is ready, so this thread leaves the last feature
      // to the workers: they finish about together
      leaveToWorkers: 1,
      // a feature is tested as soon as it is sorted (and walked), while the others are prepared
      onResult: (j, prepared) => {
        const [ref, cur] = samplesOf(prepared);
        tested.set(numeric[j].name, numericFeatureDrift(numeric[j].name, ref, cur, featureOptions));
      },
      beforeCallerWorks: meanwhile,
    },
  );
  const features = options.schema.features.map((f) => tested.get(f.name)!);
  return {
    version: 1,
    title: options.title ?? 'Data drift report',
    generated_at: (options.generatedAt ?? new Date()).toISOString(),
    reference: { name: basename(options.reference), rows: reference.rows },
    current: { name: basename(options.current), rows: current.rows },
    summary: summarize(features, options.driftShare ?? DEFAULT_DRIFT_SHARE),
    features,
    ...sections!,
  };
}

/** The tests that read the merged walk of a feature's samples (stats/merged-walk.ts). */
const WALK_TESTS = new Set(['ks', 'wasserstein', 'cramer_von_mises']);

/** Whether the selection can run a test that walks the samples (the default one may: KS or Wasserstein). */
function needsWalk(selection: TestSelection): boolean {
  return selection.mode !== 'list' || selection.names.some((n) => WALK_TESTS.has(n));
}

/**
 * The finite values of column k, one run per chunk. Runs written into their column's shared
 * buffer are viewed through this thread's own buffer object, so the thread that joins them sees
 * one buffer and can join them in place (prepareRuns).
 */
function runsOf(side: Side, k: number): ValueRuns {
  const parts = side.chunks.map((c) => c.columns[k].summary as FinitePart);
  const missing = parts.reduce((n, p) => n + p.missing, 0);
  const targets = side.targets?.map((t) => t[k]);
  if (targets && parts.every((p, i) => p.inTarget && targets[i])) {
    return { runs: parts.map((p, i) => new Float64Array(targets[i]!.buffer, targets[i]!.offset * 8, p.values.length)), missing };
  }
  return { runs: parts.map((p) => p.values), missing };
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
