import { prepareSorted, sortFloat64 } from '../stats/sort.js';
import type { NumericSample } from '../stats/types.js';
import { sortDecimal } from './decimal-sort.js';
import { numericFeatureDrift } from './feature-drift.js';
import type { FeatureDriftOptions } from './feature-drift.js';
import { summarizeChunk } from './summarize-chunk.js';
import type { FeatureDrift } from './types.js';
import type { TaskHandlers } from './csv/worker-pool.js';

/** The finite values of one side of a numeric feature, one array per parsed chunk. */
export interface ValueRuns {
  readonly runs: readonly Float64Array[];
  readonly missing: number;
}

/** Task payload: one numeric feature, tested on a worker thread. */
export interface NumericFeatureTask {
  readonly name: string;
  readonly reference: ValueRuns;
  readonly current: ValueRuns;
  readonly options: FeatureDriftOptions;
}

/** Prepares each side once (joined, radix-sorted), then runs every test on the two samples. */
export function numericFeatureTask(task: NumericFeatureTask): FeatureDrift {
  return numericFeatureDrift(task.name, prepareRuns(task.reference), prepareRuns(task.current), task.options);
}

/** One sample from a side's runs of finite values: joined (no merge needed), sorted once. */
export function prepareRuns(side: ValueRuns): NumericSample {
  const runs = side.runs;
  let values: Float64Array;
  if (runs.length === 1) values = runs[0];
  else {
    values = new Float64Array(runs.reduce((n, r) => n + r.length, 0));
    let at = 0;
    for (const r of runs) {
      values.set(r, at);
      at += r.length;
    }
  }
  // numbers written with few decimals sort by counting; anything else by the radix sort
  if (!sortDecimal(values)) sortFloat64(values);
  return prepareSorted(values, side.missing);
}

/** Tasks of the report, by name: run inline or served by report-worker.ts. */
export const REPORT_TASKS = {
  summarizeChunk,
  numericFeature: numericFeatureTask,
} satisfies TaskHandlers;
