/**
 * Epps–Singleton test, as `scipy.stats.epps_singleton_2samp(reference, current)` with scipy's
 * default t = (0.4, 0.8): compares the empirical characteristic functions at t / σ, σ being half
 * the interquartile range of the merged sample, with the small-sample correction scipy applies
 * when both samples have fewer than 25 values. O(n) from the sorted samples (the quartiles of the
 * merged sample by binary search); needs at least 5 values per sample.
 */
import { judge } from './drift-result.js';
import { refuse, requireValues } from './numeric-guard.js';
import { mergedQuantile } from './merged-quantile.js';
import { symmetricPseudoInverse } from './symmetric-eigen.js';
import type { DriftTest, DriftTestOptions, DriftTestResult, NumericSample } from './types.js';
import { lazyFunction } from './lazy-function.js';

/** The regularized incomplete gamma function (@stdlib), loaded on first use */
const gammainc = lazyFunction<(x: number, a: number, regularized?: boolean, upper?: boolean) => number>('@stdlib/math-base-special-gammainc');

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

function characteristicMoments(sample: Float64Array, t1: number, t2: number): Moments {
  // t2 = 2·t1 (scipy's default t): t2·x is then exactly 2·(t1·x) and the double-angle formulas
  // give its cosine and sine to within an ulp of a direct evaluation, at half the cost
  const doubled = t2 === 2 * t1;
  const mean = new Float64Array(DIM);
  const comoment = new Float64Array(DIM * DIM);
  const n = sample.length;
  let m0 = 0;
  let m1 = 0;
  let m2 = 0;
  let m3 = 0;
  for (let k = 0; k < n; k++) {
    const a = t1 * sample[k];
    const c1 = Math.cos(a);
    const s1 = Math.sin(a);
    const c2 = doubled ? (c1 - s1) * (c1 + s1) : Math.cos(t2 * sample[k]);
    const s2 = doubled ? 2 * s1 * c1 : Math.sin(t2 * sample[k]);
    // Welford's update of the mean and co-moments: stable where Σg·gᵀ − n·ḡḡᵀ would cancel
    const inv = 1 / (k + 1);
    const d0 = c1 - m0;
    const d1 = c2 - m1;
    const d2 = s1 - m2;
    const d3 = s2 - m3;
    m0 += d0 * inv;
    m1 += d1 * inv;
    m2 += d2 * inv;
    m3 += d3 * inv;
    const e0 = c1 - m0;
    const e1 = c2 - m1;
    const e2 = s1 - m2;
    const e3 = s2 - m3;
    comoment[0] += d0 * e0;
    comoment[1] += d0 * e1;
    comoment[2] += d0 * e2;
    comoment[3] += d0 * e3;
    comoment[5] += d1 * e1;
    comoment[6] += d1 * e2;
    comoment[7] += d1 * e3;
    comoment[10] += d2 * e2;
    comoment[11] += d2 * e3;
    comoment[15] += d3 * e3;
  }
  mean.set([m0, m1, m2, m3]);
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
  const t1 = ES_T[0] / sigma;
  const t2 = ES_T[1] / sigma;
  const mx = characteristicMoments(x, t1, t2);
  const my = characteristicMoments(y, t1, t2);
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
    requireValues(eppsSingleton.name, reference, current, ES_MIN_N);
    const r = eppsSingletonTwoSample(reference.sorted, current.sorted);
    if (Number.isNaN(r.statistic)) refuse(eppsSingleton.name, 'the merged sample has a zero interquartile range');
    return judge(eppsSingleton, { statistic: r.statistic, p_value: r.pValue }, options);
  },
};
