/**
 * The shape shared by the binned drift metrics (PSI, Jensen–Shannon, KL, Hellinger): a distance
 * over two vectors of bin shares, bins made by binning.ts for numeric or categorical features.
 */
import { binCategorical, binNumeric } from './binning.js';
import type { BinnedShares } from './binning.js';
import { judge } from './drift-result.js';
import type { DriftTest, DriftTestOptions, DriftTestResult } from './types.js';

/** A binned metric: a drift test that can also judge bins frozen in a baseline. */
export interface BinnedDriftTest extends DriftTest {
  /** the distance between reference and current shares (same bins, same order) */
  fromShares(referenceShares: Float64Array, currentShares: Float64Array): number;
  /** judges already-binned shares, e.g. from binNumericAgainst / binCategoricalAgainst */
  computeShares(bins: BinnedShares, options?: DriftTestOptions): DriftTestResult;
}

/** What a binned metric file declares. */
export interface BinnedMetricSpec {
  readonly name: string;
  readonly label: string;
  readonly defaultThreshold: number;
  readonly fromShares: (referenceShares: Float64Array, currentShares: Float64Array) => number;
}

/**
 * Makes the descriptor of a binned metric. None is `symmetric` as a test: numeric bins are the
 * reference's deciles, so swapping the samples changes the bins (and KL is asymmetric anyway);
 * docs/statistics.md says which are symmetric on fixed bins.
 */
export function binnedMetric(spec: BinnedMetricSpec): BinnedDriftTest {
  const test: BinnedDriftTest = {
    name: spec.name,
    label: spec.label,
    columnTypes: ['numeric', 'categorical'],
    direction: 'value_at_or_above',
    defaultThreshold: spec.defaultThreshold,
    symmetric: false,
    fromShares: spec.fromShares,
    computeShares(bins, options) {
      checkSameLength(bins.referenceShares, bins.currentShares);
      return judge(test, { statistic: spec.fromShares(bins.referenceShares, bins.currentShares), p_value: null }, options);
    },
    computeNumeric(reference, current, options) {
      return test.computeShares(binNumeric(reference, current), options);
    },
    computeCategorical(reference, current, options) {
      return test.computeShares(binCategorical(reference, current), options);
    },
  };
  return test;
}

function checkSameLength(a: Float64Array, b: Float64Array): void {
  if (a.length !== b.length) throw new RangeError(`share vectors differ in length (${a.length} vs ${b.length})`);
}

/** Σ of a vector, in order. */
export function sum(values: Float64Array): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i];
  return s;
}

/** scipy.special.rel_entr(x, y) = x·ln(x/y), 0 when x = 0, +inf when y = 0 < x. */
export function relEntr(x: number, y: number): number {
  if (x > 0 && y > 0) return x * Math.log(x / y);
  if (x === 0 && y >= 0) return 0;
  return Number.POSITIVE_INFINITY;
}
