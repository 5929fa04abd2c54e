/**
 * Fisher's exact test, two-sided, on the 2×2 table of a binary feature: rows reference and
 * current, columns the two categories in the stable order of categorical.ts; as
 * `scipy.stats.fisher_exact(table)`. Statistic: scipy's (conditional-free) odds ratio
 * a·d / (b·c) (+inf when b·c = 0, NaN when a row or column is empty). Drift when p < 0.05.
 *
 * The two-sided p-value sums the hypergeometric probabilities of every table with the same margins
 * that is at most as likely as the observed one, "as likely" with scipy's relative tolerance
 * (pmf ≤ pexact·(1 + 1e-14)). Probabilities are taken relative to the mode through the pmf ratio
 * recurrence in log space: mirror tables then get bitwise-equal weights, so ties are found exactly,
 * and large tables do not suffer the cancellation of log-factorial differences. The stdlib
 * hypergeometric pmf checks this in the tests.
 */
import { contingencyRows } from './categorical.js';
import { judge } from './drift-result.js';
import type { Measured } from './drift-result.js';
import type { DriftTest } from './types.js';

/** scipy's relative tolerance for "as extreme as the observed table". */
const RELATIVE_TOLERANCE = 1e-14;
/** Terms this far (in log) below both the observed table and the mode add nothing to a double. */
const NEGLIGIBLE_LOG = 60;

/**
 * Two-sided Fisher exact test of [[a, b], [c, d]] (scipy.stats.fisher_exact).
 * @throws RangeError when a cell is not a non-negative integer
 */
export function fisherExact2x2(a: number, b: number, c: number, d: number): Measured {
  for (const cell of [a, b, c, d]) {
    if (!Number.isInteger(cell) || cell < 0) throw new RangeError(`table cells must be non-negative integers, got ${cell}`);
  }
  if (a + b === 0 || c + d === 0 || a + c === 0 || b + d === 0) return { statistic: Number.NaN, p_value: 1 };
  const oddsRatio = c > 0 && b > 0 ? (a * d) / (c * b) : Number.POSITIVE_INFINITY;
  return { statistic: oddsRatio, p_value: twoSidedP(a, a + b + c + d, a + b, a + c) };
}

/**
 * X ~ Hypergeometric(population N, successes K, draws n), observed x. Weights are
 * log(pmf(y) / pmf(mode)), walked outwards from the mode.
 */
function twoSidedP(x: number, N: number, K: number, n: number): number {
  const lo = Math.max(0, n + K - N);
  const hi = Math.min(K, n);
  const mode = Math.min(hi, Math.max(lo, Math.floor(((n + 1) * (K + 1)) / (N + 2))));
  // pmf(y+1)/pmf(y) and pmf(y-1)/pmf(y) as ratios of exact integer products
  const up = (y: number): number => ((K - y) * (n - y)) / ((y + 1) * (N - K - n + y + 1));
  const down = (y: number): number => (y * (N - K - n + y)) / ((K - y + 1) * (n - y + 1));

  let lx = 0;
  if (x > mode) for (let y = mode; y < x; y++) lx += Math.log(up(y));
  else for (let y = mode; y > x; y--) lx += Math.log(down(y));
  if (lx >= -RELATIVE_TOLERANCE) return 1;

  const bound = lx + Math.log1p(RELATIVE_TOLERANCE);
  const cutoff = Math.min(lx, 0) - NEGLIGIBLE_LOG;
  // Σ exp(lw) over all tables (≥ 1, the mode) and over the extreme ones, scaled by exp(-lx)
  let total = 1;
  let extreme = 0;
  let lw = 0;
  for (let y = mode; y < hi && lw >= cutoff; y++) {
    lw += Math.log(up(y));
    total += Math.exp(lw);
    if (lw <= bound) extreme += Math.exp(lw - lx);
  }
  lw = 0;
  for (let y = mode; y > lo && lw >= cutoff; y--) {
    lw += Math.log(down(y));
    total += Math.exp(lw);
    if (lw <= bound) extreme += Math.exp(lw - lx);
  }
  return Math.min(1, Math.exp(lx - Math.log(total)) * extreme);
}

/** Fisher's exact test (`fisher_exact`), binary categorical features only, drift when p < 0.05. */
export const fisherExact: DriftTest = {
  name: 'fisher_exact',
  label: "Fisher's exact test",
  columnTypes: ['categorical'],
  direction: 'p_value_below',
  defaultThreshold: 0.05,
  // the p-value is; the odds ratio becomes its inverse when the samples are swapped
  symmetric: true,
  computeCategorical(reference, current, options) {
    const table = contingencyRows(reference, current);
    if (table.categories.length > 2) {
      throw new RangeError(
        `Fisher's exact test needs a binary feature, got ${table.categories.length} categories`,
      );
    }
    const [a = 0, b = 0] = table.reference;
    const [c = 0, d = 0] = table.current;
    return judge(fisherExact, fisherExact2x2(a, b, c, d), options);
  },
};
