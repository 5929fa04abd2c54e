/**
 * The report's work that runs on any thread: parsing a byte range and preparing one side of a
 * numeric feature. Deliberately light to import (no drift tests, no @stdlib): a worker boots in
 * a few tens of milliseconds and never compiles the tests; the main thread runs them on the
 * samples prepared here.
 */
import { prepareSorted, sortFloat64 } from '../stats/sort.js';
import type { NumericSample } from '../stats/types.js';
import type { TaskHandlers } from './csv/worker-pool.js';
import { summarizeChunk } from './summarize-chunk.js';

/** The finite values of one side of a numeric feature, one array per parsed chunk. */
export interface ValueRuns {
  readonly runs: readonly Float64Array[];
  readonly missing: number;
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
  // sortFloat64 counts numbers written with few decimals, radix-sorts the others
  return prepareSorted(sortFloat64(values), side.missing);
}

/** Tasks of the report, by name: run inline or served by report-worker.ts. */
export const REPORT_TASKS = {
  summarizeChunk,
  prepareSide: prepareRuns,
} satisfies TaskHandlers;
