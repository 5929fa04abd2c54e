/**
 * Two-sample t-tests on the means, as `scipy.stats.ttest_ind(reference, current)`: Welch's test
 * (equal_var=False) by default, Student's (pooled variance) as a second descriptor. Two-sided.
 * O(1): the means and variances come with the prepared samples.
 */
import { judge } from './drift-result.js';
import { lazyFunction } from './lazy-function.js';
import { requireValues } from './numeric-guard.js';
import type { DriftTest, DriftTestOptions, DriftTestResult, NumericSample } from './types.js';

/** Student's t cdf (@stdlib), loaded when a t-test first runs */
const tcdf = lazyFunction<(x: number, v: number) => number>('@stdlib/stats-base-dists-t-cdf');

/** The t statistic (reference minus current), its degrees of freedom and two-sided p-value. */
export interface TTestResult {
  readonly statistic: number;
  readonly df: number;
  readonly pValue: number;
}

/** scipy.stats.ttest_ind(a, b, equal_var) from the samples' moments. */
export function tTestTwoSample(a: NumericSample, b: NumericSample, equalVariances: boolean): TTestResult {
  const n1 = a.n;
  const n2 = b.n;
  const v1 = a.variance;
  const v2 = b.variance;
  let df: number;
  let denom: number;
  if (equalVariances) {
    df = n1 + n2 - 2;
    const pooled = ((n1 - 1) * v1 + (n2 - 1) * v2) / df;
    denom = Math.sqrt(pooled * (1 / n1 + 1 / n2));
  } else {
    const vn1 = v1 / n1;
    const vn2 = v2 / n2;
    df = (vn1 + vn2) ** 2 / (vn1 ** 2 / (n1 - 1) + vn2 ** 2 / (n2 - 1));
    // both variances zero: scipy sets df = 1 (t is then NaN or ±inf anyway)
    if (Number.isNaN(df)) df = 1;
    denom = Math.sqrt(vn1 + vn2);
  }
  const t = (a.mean - b.mean) / denom;
  // the lower tail at −|t| is computed directly, so tiny p-values keep their precision
  const p = Number.isNaN(t) ? Number.NaN : 2 * tcdf(-Math.abs(t), df);
  return { statistic: t, df, pValue: p };
}

function descriptor(name: string, label: string, equalVariances: boolean): DriftTest {
  const test: DriftTest = {
    name,
    label,
    columnTypes: ['numeric'],
    direction: 'p_value_below',
    defaultThreshold: 0.05,
    symmetric: true,
    computeNumeric(reference: NumericSample, current: NumericSample, options?: DriftTestOptions): DriftTestResult {
      requireValues(name, reference, current);
      const r = tTestTwoSample(reference, current, equalVariances);
      return judge(test, { statistic: r.statistic, p_value: r.pValue }, options);
    },
  };
  return test;
}

/**
 * Welch's t-test: drift when the p-value is below 0.05. Symmetric in its p-value (the statistic
 * changes sign when the samples are swapped).
 */
export const tTest: DriftTest = descriptor('t_test', "Welch's t-test", false);

/** Student's t-test with pooled variance (scipy's equal_var=True). Symmetric like {@link tTest}. */
export const tTestStudent: DriftTest = descriptor('t_test_student', "Student's t-test", true);
