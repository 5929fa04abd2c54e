/**
 * Wasserstein-1 (earth mover's) distance between the reference and current samples, as
 * `scipy.stats.wasserstein_distance`, normed the way Evidently norms it: divided by the
 * reference's population standard deviation (numpy's `np.std`, ddof = 0), floored at 0.001.
 */
import { cdfDistance } from './cdf-distance.js';
import { judge } from './drift-result.js';
import { walkOf } from './merged-walk.js';
import { requireValues } from './numeric-guard.js';
import type { DriftTest, DriftTestOptions, DriftTestResult, NumericSample } from './types.js';

/** Evidently's floor for the norm, so a constant reference does not divide by zero. */
export const WASSERSTEIN_MIN_NORM = 0.001;

/** The raw distance W1 = ∫ |F_ref − F_cur| dx (scipy `wasserstein_distance`). Symmetric. */
export function wassersteinDistance(reference: NumericSample, current: NumericSample): number {
  // the same double as cdfDistance(reference.sorted, current.sorted, 1), from the walk the
  // feature's KS and Cramér–von Mises tests share
  return reference.n === 0 || current.n === 0 ? cdfDistance(reference.sorted, current.sorted, 1) : walkOf(reference, current).wasserstein;
}

/** max(np.std(reference), 0.001): the population standard deviation (ddof = 0) of the reference. */
export function wassersteinNorm(reference: NumericSample): number {
  const n = reference.n;
  const std = n === 1 ? 0 : Math.sqrt((reference.variance * (n - 1)) / n);
  return Math.max(std, WASSERSTEIN_MIN_NORM);
}

/**
 * Normed Wasserstein distance: `statistic` is the raw W1, `value` = W1 / {@link wassersteinNorm};
 * drift when value ≥ 0.1. Not symmetric: the norm is the reference's spread.
 */
export const wasserstein: DriftTest = {
  name: 'wasserstein',
  label: 'Wasserstein distance (normed)',
  columnTypes: ['numeric'],
  direction: 'value_at_or_above',
  defaultThreshold: 0.1,
  symmetric: false,
  computeNumeric(reference: NumericSample, current: NumericSample, options?: DriftTestOptions): DriftTestResult {
    requireValues(wasserstein.name, reference, current);
    const raw = wassersteinDistance(reference, current);
    const normed = raw / wassersteinNorm(reference);
    const judged = judge(wasserstein, { statistic: normed, p_value: null }, options);
    return { ...judged, statistic: raw };
  },
};
