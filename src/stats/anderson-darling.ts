/**
 * Anderson–Darling k-sample test for two samples, as
 * `scipy.stats.anderson_ksamp([reference, current])` (midrank = True, Scholz & Stephens 1987,
 * eq. 7, which allows ties). Its p-value is scipy's "significance level": interpolated from
 * Scholz & Stephens' table of critical values, so it is floored at 0.001 and capped at 0.25.
 */
import { judge } from './drift-result.js';
import { refuse, requireValues } from './numeric-guard.js';
import type { DriftTest, DriftTestOptions, DriftTestResult, NumericSample } from './types.js';

/** Significance levels of the critical-value table (Scholz & Stephens, table 2). */
const SIGNIFICANCE = [0.25, 0.1, 0.05, 0.025, 0.01, 0.005, 0.001];
const B0 = [0.675, 1.281, 1.645, 1.96, 2.326, 2.573, 3.085];
const B1 = [-0.245, 0.25, 0.678, 1.149, 1.822, 2.364, 3.615];
const B2 = [-0.105, -0.305, -0.362, -0.391, -0.396, -0.345, -0.154];
/** k − 1 for two samples. */
const M = 1;
/** The critical values for two samples: b0 + b1/√m + b2/m. */
export const AD_CRITICAL = B0.map((b0, i) => b0 + B1[i] / Math.sqrt(M) + B2[i] / M);
/** scipy's floor and cap of the interpolated p-value. */
export const AD_P_FLOOR = 0.001;
export const AD_P_CAP = 0.25;

/**
 * Least-squares quadratic through (x, y), highest degree first (as `np.polyfit(x, y, 2)`), by
 * Householder QR of the column-scaled Vandermonde matrix.
 */
export function fitQuadratic(x: readonly number[], y: readonly number[]): [number, number, number] {
  const rows = x.length;
  const a = x.map((xi) => [xi * xi, xi, 1]);
  const scale = [0, 1, 2].map((c) => Math.sqrt(a.reduce((s, row) => s + row[c] * row[c], 0)));
  for (const row of a) for (let c = 0; c < 3; c++) row[c] /= scale[c];
  const b = [...y];
  for (let c = 0; c < 3; c++) {
    let norm = 0;
    for (let r = c; r < rows; r++) norm += a[r][c] * a[r][c];
    norm = Math.sqrt(norm);
    const alpha = a[c][c] > 0 ? -norm : norm;
    const v = a.map((row, r) => (r < c ? 0 : row[c])) as number[];
    v[c] -= alpha;
    const vv = v.reduce((s, vi) => s + vi * vi, 0);
    if (vv === 0) continue;
    for (let k = c; k < 3; k++) {
      const dot = v.reduce((s, vi, r) => s + vi * a[r][k], 0);
      for (let r = c; r < rows; r++) a[r][k] -= (2 * dot * v[r]) / vv;
    }
    const dot = v.reduce((s, vi, r) => s + vi * b[r], 0);
    for (let r = c; r < rows; r++) b[r] -= (2 * dot * v[r]) / vv;
  }
  const coef = [0, 0, 0];
  for (let c = 2; c >= 0; c--) {
    let s = b[c];
    for (let k = c + 1; k < 3; k++) s -= a[c][k] * coef[k];
    coef[c] = s / a[c][c];
  }
  return [coef[0] / scale[0], coef[1] / scale[1], coef[2] / scale[2]];
}

const FIT = fitQuadratic(AD_CRITICAL, SIGNIFICANCE.map(Math.log));

/** scipy's significance level for a standardized statistic: the table's fit, floored and capped. */
export function andersonDarlingPValue(a2: number): number {
  if (Number.isNaN(a2)) return Number.NaN;
  if (a2 < AD_CRITICAL[0]) return AD_P_CAP;
  if (a2 > AD_CRITICAL[AD_CRITICAL.length - 1]) return AD_P_FLOOR;
  return Math.exp((FIT[0] * a2 + FIT[1]) * a2 + FIT[2]);
}

/** A2akN (Scholz & Stephens eq. 7, midranks) of two sorted samples, by one merge walk. */
function a2akN(x: Float64Array, y: Float64Array): number {
  const nx = x.length;
  const ny = y.length;
  const N = nx + ny;
  // Neumaier sums: A2akN is compared with k − 1 = 1, so its rounding error must stay tiny
  let sumX = 0;
  let compX = 0;
  let sumY = 0;
  let compY = 0;
  let i = 0;
  let j = 0;
  while (i < nx || j < ny) {
    const z = i < nx && (j >= ny || x[i] <= y[j]) ? x[i] : y[j];
    const below = i + j;
    const startX = i;
    const startY = j;
    while (i < nx && x[i] <= z) i++;
    while (j < ny && y[j] <= z) j++;
    const fx = i - startX;
    const fy = j - startY;
    const lj = fx + fy;
    const bj = below + lj / 2;
    const denom = bj * (N - bj) - (N * lj) / 4;
    const mx = i - fx / 2;
    const my = j - fy / 2;
    const dx = N * mx - bj * nx;
    const dy = N * my - bj * ny;
    const termX = ((lj / N) * dx * dx) / denom;
    const termY = ((lj / N) * dy * dy) / denom;
    let t = sumX + termX;
    compX += sumX >= termX ? sumX - t + termX : termX - t + sumX;
    sumX = t;
    t = sumY + termY;
    compY += sumY >= termY ? sumY - t + termY : termY - t + sumY;
    sumY = t;
  }
  return (((sumX + compX) / nx + (sumY + compY) / ny) * (N - 1)) / N;
}

/** Whether scipy accepts the samples: two distinct values at least, three values in all. */
export function andersonDarlingApplies(x: Float64Array, y: Float64Array): boolean {
  const nx = x.length;
  const ny = y.length;
  return nx > 0 && ny > 0 && nx + ny >= 3 && Math.min(x[0], y[0]) !== Math.max(x[nx - 1], y[ny - 1]);
}

/** The standardized statistic and scipy's significance level. */
export interface AndersonDarlingResult {
  readonly statistic: number;
  readonly pValue: number;
}

/** scipy.stats.anderson_ksamp([x, y]) on sorted samples; NaN when scipy would refuse. */
export function andersonDarlingTwoSample(x: Float64Array, y: Float64Array): AndersonDarlingResult {
  const nx = x.length;
  const ny = y.length;
  const N = nx + ny;
  if (!andersonDarlingApplies(x, y)) return { statistic: Number.NaN, pValue: Number.NaN };
  const A2kN = a2akN(x, y);
  const H = 1 / nx + 1 / ny;
  // h = Σ_{i<N} 1/i and g = Σ_{i ≤ N−2} Σ_{j ≥ i+1}^{N−1} 1/(i·j), as scipy sums them
  let cumulative = 0;
  let g = 0;
  let gComp = 0;
  for (let r = N - 1, idx = 0; r > 1; r--, idx++) {
    cumulative += 1 / r;
    const term = cumulative / (idx + 2);
    const t = g + term;
    gComp += g >= term ? g - t + term : term - t + g;
    g = t;
  }
  g += gComp;
  const h = cumulative + 1;
  const k = 2;
  const a = (4 * g - 6) * (k - 1) + (10 - 6 * g) * H;
  const b = (2 * g - 4) * k * k + 8 * h * k + (2 * g - 14 * h - 4) * H - 8 * h + 4 * g - 6;
  const c = (6 * h + 2 * g - 2) * k * k + (4 * h - 4 * g + 6) * k + (2 * h - 6) * H + 4 * h;
  const d = (2 * h + 6) * k * k - 4 * h * k;
  const sigmaSq = (a * N ** 3 + b * N ** 2 + c * N + d) / ((N - 1) * (N - 2) * (N - 3));
  const statistic = (A2kN - M) / Math.sqrt(sigmaSq);
  return { statistic, pValue: andersonDarlingPValue(statistic) };
}

/**
 * Anderson–Darling (two samples): drift when scipy's significance level is below 0.05. The level
 * is only known between 0.001 and 0.25. Symmetric.
 */
export const andersonDarling: DriftTest = {
  name: 'anderson_darling',
  label: 'Anderson–Darling',
  columnTypes: ['numeric'],
  direction: 'p_value_below',
  defaultThreshold: 0.05,
  symmetric: true,
  computeNumeric(reference: NumericSample, current: NumericSample, options?: DriftTestOptions): DriftTestResult {
    requireValues(andersonDarling.name, reference, current);
    if (!andersonDarlingApplies(reference.sorted, current.sorted)) {
      refuse(andersonDarling.name, 'needs two distinct values and three values in all');
    }
    const r = andersonDarlingTwoSample(reference.sorted, current.sorted);
    return judge(andersonDarling, { statistic: r.statistic, p_value: r.pValue }, options);
  },
};
