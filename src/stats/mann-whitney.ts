/**
 * Mann–Whitney U test, as `scipy.stats.mannwhitneyu(reference, current)` (two-sided, continuity
 * correction, method 'auto'): the exact null distribution when one sample has at most 8 values
 * and there are no ties, else the normal approximation with tie correction.
 */
import { judge } from './drift-result.js';
import { requireValues } from './numeric-guard.js';
import { mergedRanks } from './ranks.js';
import type { DriftTest, DriftTestOptions, DriftTestResult, NumericSample } from './types.js';
import { lazyFunction } from './lazy-function.js';

/** erfc (@stdlib), loaded when the test first runs */
const erfc = lazyFunction<(x: number) => number>('@stdlib/math-base-special-erfc');

/** scipy's 'auto' rule: the asymptotic method once both samples have more than 8 values. */
export const MWU_EXACT_MAX_N = 8;

/** U1 (of the first sample) and the two-sided p-value. */
export interface MannWhitneyResult {
  readonly statistic: number;
  readonly pValue: number;
  readonly method: 'exact' | 'asymptotic';
}

/**
 * Pr(U ≥ u) under the null for sample sizes m and n (u an integer), as scipy's `_MWU.sf`: the
 * number of partitions of k into at most m parts of size at most n, for k ≤ mn − u, over C(m+n, m).
 * The counts come from the Gaussian binomial ∏ (1 − q^(n+i)) / (1 − q^i), i = 1…min(m, n):
 * O(min(m, n) · (mn − u)) time.
 */
export function mannWhitneyExactSf(u: number, m: number, n: number): number {
  const small = Math.min(m, n);
  const big = Math.max(m, n);
  const K = m * n - u;
  if (K < 0) return 0;
  const counts = new Float64Array(K + 1);
  counts[0] = 1;
  for (let i = 1; i <= small; i++) for (let k = i; k <= K; k++) counts[k] += counts[k - i];
  for (let i = 1; i <= small; i++) for (let k = K; k >= big + i; k--) counts[k] -= counts[k - big - i];
  let cdf = 0;
  for (let k = 0; k <= K; k++) cdf += counts[k];
  let total = 1;
  for (let i = 1; i <= small; i++) total = (total * (big + i)) / i;
  return cdf / total;
}

/** scipy.stats.mannwhitneyu(x, y) (two-sided, use_continuity=True, method='auto') on sorted samples. */
export function mannWhitneyTwoSample(x: Float64Array, y: Float64Array): MannWhitneyResult {
  const n1 = x.length;
  const n2 = y.length;
  if (n1 === 0 || n2 === 0) return { statistic: Number.NaN, pValue: Number.NaN, method: 'asymptotic' };
  const ranks = mergedRanks(x, y);
  const u1 = ranks.rankSumX - (n1 * (n1 + 1)) / 2;
  const u = Math.max(u1, n1 * n2 - u1);
  let p: number;
  let method: 'exact' | 'asymptotic';
  if ((n1 <= MWU_EXACT_MAX_N || n2 <= MWU_EXACT_MAX_N) && !ranks.hasTies) {
    method = 'exact';
    p = 2 * mannWhitneyExactSf(u, n1, n2);
  } else {
    method = 'asymptotic';
    const n = n1 + n2;
    const s = Math.sqrt(((n1 * n2) / 12) * (n + 1 - ranks.tieTerm / (n * (n - 1))));
    // continuity correction: the survival function at U − 0.5 covers the mass at U
    const z = (u - (n1 * n2) / 2 - 0.5) / s;
    p = 2 * 0.5 * erfc(z / Math.SQRT2);
  }
  return { statistic: u1, pValue: Math.min(Math.max(p, 0), 1), method };
}

/** Mann–Whitney U: drift when the p-value is below 0.05. Symmetric in its p-value (U1 becomes U2). */
export const mannWhitney: DriftTest = {
  name: 'mann_whitney',
  label: 'Mann–Whitney U',
  columnTypes: ['numeric'],
  direction: 'p_value_below',
  defaultThreshold: 0.05,
  symmetric: true,
  computeNumeric(reference: NumericSample, current: NumericSample, options?: DriftTestOptions): DriftTestResult {
    requireValues(mannWhitney.name, reference, current);
    const r = mannWhitneyTwoSample(reference.sorted, current.sorted);
    return judge(mannWhitney, { statistic: r.statistic, p_value: r.pValue }, options);
  },
};
