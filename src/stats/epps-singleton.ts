/**
 * Epps–Singleton test, as `scipy.stats.epps_singleton_2samp(reference, current)` with scipy's
 * default t = (0.4, 0.8): compares the empirical characteristic functions at t / σ, σ being half
 * the interquartile range of the merged sample, with the small-sample correction scipy applies
 * when both samples have fewer than 25 values. O(n) from the sorted samples (the quartiles of the
 * merged sample by binary search); needs at least 5 values per sample.
 */
import gammainc from '@stdlib/math-base-special-gammainc';
import { judge } from './drift-result.js';
import { mergedQuantile } from './merged-quantile.js';
import { symmetricPseudoInverse } from './symmetric-eigen.js';
import type { DriftTest, DriftTestOptions, DriftTestResult, NumericSample } from './types.js';

/** scipy's default evaluation points of the characteristic function. */
export const ES_T = [0.4, 0.8] as const;
/** scipy refuses samples with fewer values. */
export const ES_MIN_N = 5;
const DIM = 2 * ES_T.length;

/** Mean and biased covariance (÷ n) of g(x) = (cos t1x, cos t2x, sin t1x, sin t2x) over a sample. */
interface Moments {
  readonly mean: Float64Array;
  readonly cov: Float64Array;
}

function characteristicMoments(sample: Float64Array, ts: readonly number[]): Moments {
  const mean = new Float64Array(DIM);
  const comoment = new Float64Array(DIM * DIM);
  const g = new Float64Array(DIM);
  const delta = new Float64Array(DIM);
  const n = sample.length;
  for (let k = 0; k < n; k++) {
    const x = sample[k];
    for (let i = 0; i < ts.length; i++) {
      g[i] = Math.cos(ts[i] * x);
      g[ts.length + i] = Math.sin(ts[i] * x);
    }
    // Welford's update of the mean and co-moments: stable where Σg·gᵀ − n·ḡḡᵀ would cancel
    const count = k + 1;
    for (let i = 0; i < DIM; i++) {
      delta[i] = g[i] - mean[i];
      mean[i] += delta[i] / count;
    }
    for (let i = 0; i < DIM; i++) {
      for (let j = i; j < DIM; j++) comoment[i * DIM + j] += delta[i] * (g[j] - mean[j]);
    }
  }
  const cov = new Float64Array(DIM * DIM);
  for (let i = 0; i < DIM; i++) {
    for (let j = i; j < DIM; j++) cov[i * DIM + j] = cov[j * DIM + i] = comoment[i * DIM + j] / n;
  }
  return { mean, cov };
}

/** The statistic W (chi-square with rank(Σ) degrees of freedom under the null) and its p-value. */
export interface EppsSingletonResult {
  readonly statistic: number;
  readonly pValue: number;
  readonly df: number;
}

const UNDEFINED: EppsSingletonResult = { statistic: Number.NaN, pValue: Number.NaN, df: 0 };

/** scipy.stats.epps_singleton_2samp(x, y) on sorted samples; NaN where scipy refuses or fails. */
export function eppsSingletonTwoSample(x: Float64Array, y: Float64Array): EppsSingletonResult {
  const nx = x.length;
  const ny = y.length;
  if (nx < ES_MIN_N || ny < ES_MIN_N) return UNDEFINED;
  const n = nx + ny;
  const sigma = (mergedQuantile(x, y, 0.75) - mergedQuantile(x, y, 0.25)) / 2;
  // a zero interquartile range makes t/σ infinite: scipy's linear algebra fails on the NaNs
  if (!(sigma > 0)) return UNDEFINED;
  const ts = ES_T.map((t) => t / sigma);
  const mx = characteristicMoments(x, ts);
  const my = characteristicMoments(y, ts);
  const estCov = new Float64Array(DIM * DIM);
  for (let i = 0; i < DIM * DIM; i++) estCov[i] = (n / nx) * mx.cov[i] + (n / ny) * my.cov[i];
  const { inverse, rank } = symmetricPseudoInverse(estCov, DIM);
  let w = 0;
  for (let i = 0; i < DIM; i++) {
    const di = mx.mean[i] - my.mean[i];
    let row = 0;
    for (let j = 0; j < DIM; j++) row += inverse[i * DIM + j] * (mx.mean[j] - my.mean[j]);
    w += di * row;
  }
  w *= n;
  if (Math.max(nx, ny) < 25) {
    w *= 1 / (1 + n ** -0.45 + 10.1 * (nx ** -1.7 + ny ** -1.7));
  }
  const p = rank === 0 ? Number.NaN : gammainc(w / 2, rank / 2, true, true);
  return { statistic: w, pValue: p, df: rank };
}

/** Epps–Singleton: drift when the p-value is below 0.05. Symmetric. */
export const eppsSingleton: DriftTest = {
  name: 'epps_singleton',
  label: 'Epps–Singleton',
  columnTypes: ['numeric'],
  direction: 'p_value_below',
  defaultThreshold: 0.05,
  symmetric: true,
  computeNumeric(reference: NumericSample, current: NumericSample, options?: DriftTestOptions): DriftTestResult {
    const r = eppsSingletonTwoSample(reference.sorted, current.sorted);
    return judge(eppsSingleton, { statistic: r.statistic, p_value: r.pValue }, options);
  },
};
