/**
 * Two-proportion z-test as Evidently's `z` stattest does it: categories in the stable order of
 * categorical.ts, the first one against all others (for a binary feature: `0` vs `1`,
 * `false` vs `true`), p1 and p2 the shares of "all others" in reference and current, pooled
 * P = (n1·p1 + n2·p2) / (n1 + n2), z = (p1 − p2) / √(P(1 − P)(1/n1 + 1/n2)), two-sided
 * p = 2·(1 − Φ(|z|)) (computed as erfc(|z|/√2), which keeps tiny p-values exact).
 * When both samples hold the same single category, p = 1 and z = 0. Drift when p < 0.05.
 *
 * Meant for binary features; with more categories it compares the first category against the
 * rest, as Evidently does. The p-value is symmetric; z changes sign when the samples are swapped.
 */
import erfc from '@stdlib/math-base-special-erfc';
import { contingencyRows } from './categorical.js';
import { judge } from './drift-result.js';
import type { Measured } from './drift-result.js';
import type { DriftTest } from './types.js';

/**
 * The z-test on counts of the "positive" outcome (`x1` of `n1` in reference, `x2` of `n2` in
 * current).
 */
export function twoProportionZTest(x1: number, n1: number, x2: number, n2: number): Measured {
  if (n1 === 0 || n2 === 0) throw new RangeError('a z-test needs at least one non-missing value in each sample');
  const p1 = x1 / n1;
  const p2 = x2 / n2;
  const pooled = (p1 * n1 + p2 * n2) / (n1 + n2);
  const variance = pooled * (1 - pooled) * (1 / n1 + 1 / n2);
  // both samples all one outcome: nothing differs (Evidently returns p = 1 here)
  if (variance === 0) return { statistic: 0, p_value: 1 };
  const z = (p1 - p2) / Math.sqrt(variance);
  return { statistic: z, p_value: erfc(Math.abs(z) / Math.SQRT2) };
}

/** The two-proportion z-test (`z_test`), categorical, drift when p < 0.05. */
export const zTest: DriftTest = {
  name: 'z_test',
  label: 'Z-test for two proportions',
  columnTypes: ['categorical'],
  direction: 'p_value_below',
  defaultThreshold: 0.05,
  symmetric: true,
  computeCategorical(reference, current, options) {
    const table = contingencyRows(reference, current);
    // counts of everything but the first category
    const x1 = reference.n - (table.reference[0] ?? 0);
    const x2 = current.n - (table.current[0] ?? 0);
    return judge(zTest, twoProportionZTest(x1, reference.n, x2, current.n), options);
  },
};
