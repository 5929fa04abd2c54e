/**
 * Two-sample Kolmogorov–Smirnov test, as `scipy.stats.ks_2samp(reference, current)` with its
 * defaults (two-sided, method 'auto'): the exact distribution when both samples have at most
 * 10,000 values, else the asymptotic one (kstwo with n = round(n1·n2 / (n1 + n2))).
 */
import { judge } from './drift-result.js';
import { walkOf } from './merged-walk.js';
import { kolmogorovSf } from './kolmogorov.js';
import { exactKsTwoSided, roundHalfEven } from './ks-exact.js';
import { requireValues } from './numeric-guard.js';
import type { DriftTest, DriftTestOptions, DriftTestResult, NumericSample } from './types.js';

/** scipy's MAX_AUTO_N: 'auto' is exact up to this many values per sample. */
export const KS_EXACT_MAX_N = 10000;

/** The KS statistic D and its p-value. */
export interface KsResult {
  readonly statistic: number;
  readonly pValue: number;
  readonly method: 'exact' | 'asymptotic';
}

/**
 * D = max |F_a − F_b| over the merged values, by one merge walk over the sorted samples. The
 * differences are formed as scipy forms them (i/n1 − j/n2) so the maximum is the same double.
 */
export function ksStatistic(a: Float64Array, b: Float64Array): number {
  const n1 = a.length;
  const n2 = b.length;
  let i = 0;
  let j = 0;
  let max = -Infinity;
  let min = Infinity;
  while (i < n1 || j < n2) {
    const z = i < n1 && (j >= n2 || a[i] <= b[j]) ? a[i] : b[j];
    while (i < n1 && a[i] <= z) i++;
    while (j < n2 && b[j] <= z) j++;
    const diff = i / n1 - j / n2;
    if (diff > max) max = diff;
    if (diff < min) min = diff;
  }
  const minS = Math.min(Math.max(-min, 0), 1);
  return minS > max ? minS : max;
}

/** scipy.stats.ks_2samp(a, b) (two-sided, method 'auto') on sorted samples. */
export function ksTwoSample(a: Float64Array, b: Float64Array): KsResult {
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0) return { statistic: Number.NaN, pValue: Number.NaN, method: 'asymptotic' };
  return ksFromStatistic(ksStatistic(a, b), n1, n2);
}

/** The KS result for statistic D of non-empty samples of sizes n1, n2 (see {@link ksTwoSample}). */
export function ksFromStatistic(statistic: number, n1: number, n2: number): KsResult {
  let d = statistic;
  if (Math.max(n1, n2) <= KS_EXACT_MAX_N) {
    const exact = exactKsTwoSided(n1, n2, d);
    d = exact.d;
    if (exact.p !== null) return { statistic: d, pValue: exact.p, method: 'exact' };
  }
  const en = (n1 * n2) / (n1 + n2);
  const p = kolmogorovSf(roundHalfEven(en), d);
  return { statistic: d, pValue: Math.min(Math.max(p, 0), 1), method: 'asymptotic' };
}

/** Kolmogorov–Smirnov: drift when the p-value is below 0.05. Symmetric. */
export const ks: DriftTest = {
  name: 'ks',
  label: 'Kolmogorov–Smirnov',
  columnTypes: ['numeric'],
  direction: 'p_value_below',
  defaultThreshold: 0.05,
  symmetric: true,
  computeNumeric(reference: NumericSample, current: NumericSample, options?: DriftTestOptions): DriftTestResult {
    requireValues(ks.name, reference, current);
    const r = ksFromStatistic(walkOf(reference, current).ks, reference.n, current.n);
    return judge(ks, { statistic: r.statistic, p_value: r.pValue }, options);
  },
};
