/**
 * Two-sample Cramér–von Mises test, as `scipy.stats.cramervonmises_2samp(reference, current)`
 * with method 'auto': the exact null distribution when both samples have at most 20 values, else
 * the asymptotic one. Ranks are midranks in the merged sample, from one merge walk.
 */
import { cvmExactSf, cvmLimitSf } from './cvm-distribution.js';
import { judge } from './drift-result.js';
import { requireValues } from './numeric-guard.js';
import type { DriftTest, DriftTestOptions, DriftTestResult, NumericSample } from './types.js';

/** scipy's 'auto' rule: exact when max(n1, n2) ≤ 20. */
export const CVM_EXACT_MAX_N = 20;

/** The statistic T, the rank statistic U it comes from, and the p-value. */
export interface CvmResult {
  readonly statistic: number;
  readonly u: number;
  readonly pValue: number;
  readonly method: 'exact' | 'asymptotic';
}

/** U = nx Σ (r_i − i)² + ny Σ (s_j − j)², with r, s the midranks of the sorted x, y in the merged sample. */
export function cvmRankStatistic(x: Float64Array, y: Float64Array): number {
  const nx = x.length;
  const ny = y.length;
  // The sums reach ~1e18 for a million values and T subtracts a term of the same size, so a
  // naive running sum loses six digits: accumulate with Neumaier compensation.
  let sumX = 0;
  let compX = 0;
  let sumY = 0;
  let compY = 0;
  let i = 0;
  let j = 0;
  while (i < nx || j < ny) {
    const z = i < nx && (j >= ny || x[i] <= y[j]) ? x[i] : y[j];
    const startX = i;
    const startY = j;
    while (i < nx && x[i] <= z) i++;
    while (j < ny && y[j] <= z) j++;
    // every value of the tie group gets the group's midrank
    const midrank = startX + startY + (i - startX + (j - startY) + 1) / 2;
    for (let k = startX; k < i; k++) {
      const d = midrank - (k + 1);
      const v = d * d;
      const t = sumX + v;
      compX += Math.abs(sumX) >= v ? sumX - t + v : v - t + sumX;
      sumX = t;
    }
    for (let k = startY; k < j; k++) {
      const d = midrank - (k + 1);
      const v = d * d;
      const t = sumY + v;
      compY += Math.abs(sumY) >= v ? sumY - t + v : v - t + sumY;
      sumY = t;
    }
  }
  return nx * (sumX + compX) + ny * (sumY + compY);
}

/** scipy.stats.cramervonmises_2samp(x, y) on sorted samples (each needs at least 2 values). */
export function cramerVonMisesTwoSample(x: Float64Array, y: Float64Array): CvmResult {
  const nx = x.length;
  const ny = y.length;
  if (nx < 2 || ny < 2) return { statistic: Number.NaN, u: Number.NaN, pValue: Number.NaN, method: 'asymptotic' };
  const u = cvmRankStatistic(x, y);
  const k = nx * ny;
  const N = nx + ny;
  const t = u / (k * N) - (4 * k - 1) / (6 * N);
  if (Math.max(nx, ny) <= CVM_EXACT_MAX_N) {
    return { statistic: t, u, pValue: cvmExactSf(u, nx, ny), method: 'exact' };
  }
  // mean and variance of T (Anderson 1962, eqs. 11 and 14), then the normalised statistic (eq. 15)
  const et = (1 + 1 / N) / 6;
  const vt = ((N + 1) * (4 * k * N - 3 * (nx * nx + ny * ny) - 2 * k)) / (45 * N * N * 4 * k);
  const tn = 1 / 6 + (t - et) / Math.sqrt(45 * vt);
  // below 0.003 the limiting cdf is under 1.3e-18: scipy returns 1 directly
  const p = tn < 0.003 ? 1 : cvmLimitSf(tn);
  return { statistic: t, u, pValue: p, method: 'asymptotic' };
}

/** Cramér–von Mises: drift when the p-value is below 0.05. Symmetric. */
export const cramerVonMises: DriftTest = {
  name: 'cramer_von_mises',
  label: 'Cramér–von Mises',
  columnTypes: ['numeric'],
  direction: 'p_value_below',
  defaultThreshold: 0.05,
  symmetric: true,
  computeNumeric(reference: NumericSample, current: NumericSample, options?: DriftTestOptions): DriftTestResult {
    // scipy refuses samples of fewer than two values
    requireValues(cramerVonMises.name, reference, current, 2);
    const r = cramerVonMisesTwoSample(reference.sorted, current.sorted);
    return judge(cramerVonMises, { statistic: r.statistic, p_value: r.pValue }, options);
  },
};
