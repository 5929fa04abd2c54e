/**
 * The report's work that runs on any thread: parsing a byte range and preparing one side of a
 * numeric feature. Deliberately light to import (no drift tests, no @stdlib): a worker boots in
 * a few tens of milliseconds and never compiles the tests; the main thread runs them on the
 * samples prepared here.
 */
import { mergedWalk, rememberWalk } from '../stats/merged-walk.js';
import type { MergedWalk } from '../stats/merged-walk.js';
import { lazySample, sortFloat64 } from '../stats/sort.js';
import type { NumericSample } from '../stats/types.js';
import type { TaskHandlers } from './csv/worker-pool.js';
import { summarizeChunk } from './summarize-chunk.js';

/** The finite values of one side of a numeric feature, one array per parsed chunk. */
export interface ValueRuns {
  readonly runs: readonly Float64Array[];
  readonly missing: number;
}

/** One side of a numeric feature, sorted: what a worker sends back (plain data, cloneable). */
export interface SortedSide {
  readonly sorted: Float64Array;
  readonly missing: number;
}

/** A side's runs of finite values joined (no merge needed) and sorted once. */
export function sortRuns(side: ValueRuns): SortedSide {
  const runs = side.runs;
  let values: Float64Array;
  if (runs.length === 1) values = runs[0];
  else values = joinInPlace(runs) ?? joinByCopy(runs);
  // sortFloat64 counts numbers written with few decimals, radix-sorts the others
  return { sorted: sortFloat64(values), missing: side.missing };
}

/**
 * The sample every test of the feature reads, from a sorted side: mean and variance only if a
 * test asks for them (see lazySample), on the thread that runs the tests.
 */
export function sampleOf(side: SortedSide): NumericSample {
  return lazySample(side.sorted, side.missing);
}

/** Both sides of a numeric feature, and whether the tests need their merged walk. */
export interface FeatureRuns {
  readonly reference: ValueRuns;
  readonly current: ValueRuns;
  readonly walk: boolean;
}

/** A numeric feature ready for its tests: both sides sorted, and their merged walk if asked. */
export interface SortedFeature {
  readonly reference: SortedSide;
  readonly current: SortedSide;
  readonly walk: MergedWalk | null;
}

/**
 * Sorts both sides of a feature and, when asked, walks them once for KS, Wasserstein and
 * Cramér–von Mises (stats/merged-walk.ts): on whichever thread is free, so the calling thread is
 * left with the tests' other, lighter parts. The walk needs no statistics modules.
 */
export function prepareFeature(feature: FeatureRuns): SortedFeature {
  const reference = sortRuns(feature.reference);
  const current = sortRuns(feature.current);
  const both = reference.sorted.length > 0 && current.sorted.length > 0;
  return { reference, current, walk: feature.walk && both ? mergedWalk(reference.sorted, current.sorted) : null };
}

/** The two samples of a prepared feature, its walk remembered for the tests (stats/merged-walk.ts). */
export function samplesOf(feature: SortedFeature): [NumericSample, NumericSample] {
  const reference = sampleOf(feature.reference);
  const current = sampleOf(feature.current);
  if (feature.walk) rememberWalk(reference, current, feature.walk);
  return [reference, current];
}

/** sortRuns then sampleOf, on one thread. */
export function prepareRuns(side: ValueRuns): NumericSample {
  return sampleOf(sortRuns(side));
}

/**
 * Runs that are slices of one buffer, in order (see ColumnTarget): moved down next to each other
 * in that buffer, no new memory. Null when they are not.
 */
export function joinInPlace(runs: readonly Float64Array[]): Float64Array | null {
  const buffer = runs[0].buffer;
  for (let i = 1; i < runs.length; i++) {
    if (runs[i].buffer !== buffer || runs[i].byteOffset < runs[i - 1].byteOffset + runs[i - 1].byteLength) return null;
  }
  const whole = new Float64Array(buffer);
  const start = runs[0].byteOffset / 8;
  let at = start + runs[0].length;
  for (let i = 1; i < runs.length; i++) {
    const from = runs[i].byteOffset / 8;
    whole.copyWithin(at, from, from + runs[i].length);
    at += runs[i].length;
  }
  return whole.subarray(start, at);
}

function joinByCopy(runs: readonly Float64Array[]): Float64Array {
  const values = new Float64Array(runs.reduce((n, r) => n + r.length, 0));
  let at = 0;
  for (const r of runs) {
    values.set(r, at);
    at += r.length;
  }
  return values;
}

/** Tasks of the report, by name: run inline or served by report-worker.ts. */
export const REPORT_TASKS = {
  summarizeChunk,
  prepareSide: sortRuns,
  prepareFeature,
} satisfies TaskHandlers;
