/**
 * Two-sample Cramér–von Mises test, as `scipy.stats.cramervonmises_2samp(reference, current)`
 * with method 'auto': the exact null distribution when both samples have at most 20 values, else
 * the asymptotic one. Ranks are midranks in the merged sample, from one merge walk.
 */
import { cvmExactSf, cvmLimitSf } from './cvm-distribution.js';
import { judge } from './drift-result.js';
import { walkOf } from './merged-walk.js';
import { requireValues } from './numeric-guard.js';
import { NumpySum } from './numpy-sum.js';
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

/**
 * U = nx Σ (r_i − i)² + ny Σ (s_j − j)², with r, s the midranks of the sorted x, y in the merged
 * sample. Each sum is added up as scipy's `np.sum` adds it (numpy-sum.ts): the sums reach ~1e18
 * for a million values, where any other order rounds differently, and T subtracts a term of the
 * same size, so U is formed exactly as scipy forms it.
 */
export function cvmRankStatistic(x: Float64Array, y: Float64Array): number {
  const nx = x.length;
  const ny = y.length;
  const sumX = new NumpySum();
  const sumY = new NumpySum();
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
      sumX.add(d * d);
    }
    for (let k = startY; k < j; k++) {
      const d = midrank - (k + 1);
      sumY.add(d * d);
    }
  }
  return nx * sumX.result() + ny * sumY.result();
}

/** scipy.stats.cramervonmises_2samp(x, y) on sorted samples (each needs at least 2 values). */
export function cramerVonMisesTwoSample(x: Float64Array, y: Float64Array): CvmResult {
  if (x.length < 2 || y.length < 2) return { statistic: Number.NaN, u: Number.NaN, pValue: Number.NaN, method: 'asymptotic' };
  return cvmFromRankStatistic(cvmRankStatistic(x, y), x.length, y.length);
}

/** T and its p-value from the rank statistic U of samples of sizes nx, ny (both at least 2). */
export function cvmFromRankStatistic(u: number, nx: number, ny: number): CvmResult {
  const k = nx * ny;
  const N = nx + ny;
  const t = u / (k * N) - (4 * k - 1) / (6 * N);
  if (Math.max(nx, ny) <= CVM_EXACT_MAX_N) {
    return { statistic: t, u, pValue: cvmExactSf(u, nx, ny), method: 'exact' };
  }
  // mean and variance of T (Anderson 1962, eqs. 11 and 14), then the normalised statistic (eq. 15);
  // scipy forms the variance from Python integers, exactly, and divides once
  const et = (1 + 1 / N) / 6;
  const vt = cvmVarianceOfT(nx, ny);
  const tn = 1 / 6 + (t - et) / Math.sqrt(45 * vt);
  // below 0.003 the limiting cdf is under 1.3e-18: scipy returns 1 directly
  const p = tn < 0.003 ? 1 : cvmLimitSf(tn);
  return { statistic: t, u, pValue: p, method: 'asymptotic' };
}

/**
 * Var(T) = (N + 1)(4kN − 3(nx² + ny²) − 2k) / (45 N² 4k), k = nx·ny, N = nx + ny, as scipy computes
 * it: in exact integers (4kN exceeds 2^53 for samples of a million), then one correctly rounded
 * division, as Python's int / int.
 */
export function cvmVarianceOfT(nx: number, ny: number): number {
  const x = BigInt(nx);
  const y = BigInt(ny);
  const k = x * y;
  const N = x + y;
  return divideToDouble((N + 1n) * (4n * k * N - 3n * (x * x + y * y) - 2n * k), 45n * N * N * 4n * k);
}

/** num / den correctly rounded to a double (round half to even), for positive integers. */
export function divideToDouble(num: bigint, den: bigint): number {
  // scale so that the quotient has at least 66 bits, then let a sticky bit carry the remainder
  const shift = Math.max(0, 66 - (num.toString(2).length - den.toString(2).length));
  const scaled = num << BigInt(shift);
  let q = scaled / den;
  if (q * den !== scaled) q |= 1n;
  // keep 64 significant bits (plus sticky) so Number() rounds once, correctly
  const extra = Math.max(0, q.toString(2).length - 64);
  let top = q >> BigInt(extra);
  if (extra > 0 && (q & ((1n << BigInt(extra)) - 1n)) !== 0n) top |= 1n;
  return Number(top) * 2 ** (extra - shift);
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
    const r = cvmFromRankStatistic(walkOf(reference, current).cvmU, reference.n, current.n);
    return judge(cramerVonMises, { statistic: r.statistic, p_value: r.pValue }, options);
  },
};
