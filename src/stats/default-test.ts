/**
 * The drift test a feature gets when none is configured: Evidently's rule
 * (`evidently.calculations.stattests.registry._get_default_stattest`), followed exactly.
 *
 * Inputs, as Evidently computes them after dropping NaN and ±inf from both columns:
 * - `referenceSize`: the number of non-missing reference values;
 * - `uniqueCount`: the number of distinct non-missing values in reference ∪ current together
 *   (Evidently's `pd.concat([reference, current]).nunique()`, not the reference alone).
 *
 * | reference size | feature     | distinct values | test                       |
 * |----------------|-------------|-----------------|----------------------------|
 * | ≤ 1000         | numeric     | > 5             | `ks` (p < 0.05)            |
 * | ≤ 1000         | numeric     | 3–5             | `chi_square` (p < 0.05)    |
 * | ≤ 1000         | numeric     | ≤ 2             | `z_test` (p < 0.05)        |
 * | ≤ 1000         | categorical | > 2             | `chi_square` (p < 0.05)    |
 * | ≤ 1000         | categorical | ≤ 2             | `z_test` (p < 0.05)        |
 * | > 1000         | numeric     | > 5             | `wasserstein` normed (≥ 0.1) |
 * | > 1000         | numeric     | ≤ 5             | `jensen_shannon` (≥ 0.1)   |
 * | > 1000         | categorical | any             | `jensen_shannon` (≥ 0.1)   |
 *
 * A numeric feature with ≤ 5 distinct values is tested as categorical, one category per value
 * (`sampleType: 'categorical'`, see categoricalFromNumeric): Evidently runs its chi-square and
 * z-test on the raw values, and its Jensen–Shannon bins a numeric column with ≤ 20 distinct
 * reference values per value rather than by quantiles.
 */
import { chiSquare } from './chi-square.js';
import { jensenShannon } from './jensen-shannon.js';
import { ks } from './ks.js';
import type { ColumnType, DriftTest, NumericSample, CategoricalSample } from './types.js';
import { wasserstein } from './wasserstein.js';
import { zTest } from './z-test.js';

/** Reference sizes up to this use the hypothesis tests; larger ones the distances. */
export const SMALL_REFERENCE_MAX = 1000;
/** Numeric features with at most this many distinct values are tested as categorical. */
export const FEW_VALUES_MAX = 5;

/** The default test of one feature, and the form of sample it must be given. */
export interface DefaultTestChoice {
  readonly test: DriftTest;
  /** 'categorical' also for numeric features with few distinct values: one category per value */
  readonly sampleType: ColumnType;
  /** the test's default threshold, which Evidently's defaults match */
  readonly threshold: number;
}

function choice(test: DriftTest, sampleType: ColumnType): DefaultTestChoice {
  return { test, sampleType, threshold: test.defaultThreshold };
}

/**
 * Evidently's default test for a feature (see the table above).
 * @param uniqueCount distinct non-missing values over reference and current together
 * @throws RangeError when a count is negative or not an integer
 */
export function defaultDriftTest(columnType: ColumnType, referenceSize: number, uniqueCount: number): DefaultTestChoice {
  for (const [label, v] of [
    ['referenceSize', referenceSize],
    ['uniqueCount', uniqueCount],
  ] as const) {
    if (!Number.isInteger(v) || v < 0) throw new RangeError(`${label} must be a non-negative integer, got ${v}`);
  }
  if (referenceSize <= SMALL_REFERENCE_MAX) {
    if (columnType === 'numeric' && uniqueCount > FEW_VALUES_MAX) return choice(ks, 'numeric');
    return choice(uniqueCount > 2 ? chiSquare : zTest, 'categorical');
  }
  if (columnType === 'numeric' && uniqueCount > FEW_VALUES_MAX) return choice(wasserstein, 'numeric');
  return choice(jensenShannon, 'categorical');
}

/** Distinct values of reference ∪ current for numeric samples: one merge walk over both sorted arrays. */
export function distinctNumericValues(reference: NumericSample, current: NumericSample): number {
  const a = reference.sorted;
  const b = current.sorted;
  let i = 0;
  let j = 0;
  let distinct = 0;
  while (i < a.length || j < b.length) {
    const v = j >= b.length || (i < a.length && a[i] <= b[j]) ? a[i] : b[j];
    distinct++;
    while (i < a.length && a[i] === v) i++;
    while (j < b.length && b[j] === v) j++;
  }
  return distinct;
}

/** Distinct categories of reference ∪ current. */
export function distinctCategories(reference: CategoricalSample, current: CategoricalSample): number {
  let distinct = reference.counts.size;
  for (const key of current.counts.keys()) if (!reference.counts.has(key)) distinct++;
  return distinct;
}
