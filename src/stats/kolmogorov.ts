/**
 * The distribution of the two-sided one-sample Kolmogorov–Smirnov statistic D_n, as scipy's
 * `kstwo.sf(x, n)` computes it (scipy.stats._ksstats, after Simard & L'Ecuyer 2011): exact
 * Ruben–Gambino formulas at the ends, Durbin's matrix (Marsaglia–Tsang–Wang) or Pomeranz's
 * recursion for small n, the Pelz–Good expansion for large n, and twice the one-sided Smirnov
 * tail where that is exact or accurate enough. `ks_2samp` uses it for its asymptotic p-value.
 */
import gammaln from '@stdlib/math-base-special-gammaln';
import { durbinMatrixCdf, pomeranzCdf } from './kolmogorov-matrix.js';

const PI_SQUARED = Math.PI * Math.PI;
const PI_FOUR = PI_SQUARED * PI_SQUARED;
const PI_SIX = PI_FOUR * PI_SQUARED;
const SQRT_2PI = Math.sqrt(2 * Math.PI);
const LOG_2PI = Math.log(2 * Math.PI);
const SQRT3 = Math.sqrt(3);
const MIN_LOG = -708;
/** Stirling series coefficients, highest degree first (as scipy's `np.polyval` takes them). */
const STIRLING = [
  -2.955065359477124183e-2, 6.4102564102564102564e-3, -1.9175269175269175269e-3, 8.4175084175084175084e-4,
  -5.952380952380952381e-4, 7.9365079365079365079e-4, -2.7777777777777777778e-3, 8.3333333333333333333e-2,
];

function clip01(p: number): number {
  return p < 0 ? 0 : p > 1 ? 1 : p;
}

/** log(n! / n^n) by Stirling's series. */
function logFactorialOverPower(n: number): number {
  const rn = 1 / n;
  let poly = 0;
  for (const c of STIRLING) poly = poly * (rn / n) + c;
  return Math.log(n) / 2 - n + LOG_2PI / 2 + rn * poly;
}

/** Pr(D_n > x): the survival function of the two-sided one-sample KS statistic (scipy `kstwo.sf`). */
export function kolmogorovSf(n: number, x: number): number {
  if (Number.isNaN(x) || !(n >= 1) || !Number.isInteger(n)) return Number.NaN;
  if (x >= 1) return 0;
  if (x <= 0) return 1;
  const t = n * x;
  if (t <= 1) {
    if (t <= 0.5) return 1;
    let cdf: number;
    if (n <= 140) {
      cdf = 1;
      for (let i = 1; i <= n; i++) cdf *= i * (1 / n) * (2 * t - 1);
    } else {
      cdf = Math.exp(logFactorialOverPower(n) + n * Math.log(2 * t - 1));
    }
    return clip01(1 - cdf);
  }
  if (t >= n - 1) return clip01(2 * (1 - x) ** n);
  if (x >= 0.5) return clip01(2 * smirnovSf(n, x));
  const nxSquared = t * x;
  if (n <= 140) {
    if (nxSquared <= 0.754693) return clip01(1 - durbinMatrixCdf(n, x));
    if (nxSquared <= 4) return clip01(1 - pomeranzCdf(n, x));
    return clip01(2 * smirnovSf(n, x));
  }
  if (nxSquared >= 370) return 0;
  if (nxSquared >= 2.2) return clip01(2 * smirnovSf(n, x));
  const cdf = n <= 100000 && n * x ** 1.5 <= 1.4 ? durbinMatrixCdf(n, x) : pelzGoodCdf(n, x);
  return clip01(1 - cdf);
}

/**
 * Pr(D+_n ≥ x), the one-sided Smirnov tail (scipy.special.smirnov), by the Birnbaum–Tingey sum
 * x · Σ_{v=0}^{⌊n(1−x)⌋} C(n, v) (x + v/n)^(v−1) (1 − x − v/n)^(n−v). Every term is positive, so
 * summing them in log space keeps full relative accuracy far into the tail.
 */
export function smirnovSf(n: number, x: number): number {
  if (Number.isNaN(x) || !(n >= 1) || x < 0 || x > 1) return Number.NaN;
  if (x === 0) return 1;
  const last = Math.floor(n * (1 - x));
  const logFactN = gammaln(n + 1);
  let logBinom = 0; // log C(n, v), advanced by ratios and re-anchored every 256 terms
  let sum = 0;
  for (let v = 0; v <= last; v++) {
    if ((v & 255) === 0) logBinom = logFactN - gammaln(v + 1) - gammaln(n - v + 1);
    const evn = x + v / n;
    const rest = 1 - evn;
    if (rest > 0) {
      const logTerm = logBinom + (v - 1) * Math.log(evn) + (n - v) * Math.log(rest);
      // (adding 0 rather than skipping the addition: the same sum, and V8 compiles the loop with
      // feedback for the addition even while the first terms are all below e^-745)
      sum += logTerm > -745 ? Math.exp(logTerm) : 0;
    }
    logBinom += Math.log((n - v) / (v + 1));
  }
  return sum * x;
}

/**
 * The Pelz–Good approximation of Pr(D_n ≤ x): Li-Chien/Korolyuk's expansion in 1/√n with the
 * terms rewritten through Jacobi theta functions (scipy `_kolmogn_PelzGood`).
 */
export function pelzGoodCdf(n: number, x: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const z = Math.sqrt(n) * x;
  const z2 = z * z;
  const z3 = z2 * z;
  const z4 = z2 * z2;
  const z6 = z4 * z2;
  const qlog = -PI_SQUARED / 8 / z2;
  if (qlog < MIN_LOG) return 0;
  let q = Math.exp(qlog);
  const k1a = -z2;
  const k1b = PI_SQUARED / 4;
  const k2a = 6 * z6 + 2 * z4;
  const k2b = ((2 * z4 - 5 * z2) * PI_SQUARED) / 4;
  const k2c = (PI_FOUR * (1 - 2 * z2)) / 16;
  const k3d = (PI_SIX * (5 - 30 * z2)) / 64;
  const k3c = (PI_FOUR * (-60 * z2 + 212 * z4)) / 16;
  const k3b = (PI_SQUARED * (135 * z4 - 96 * z6)) / 4;
  const k3a = -30 * z6 - 90 * z ** 8;
  let k0 = 0;
  let kk1 = 0;
  let kk2 = 0;
  let kk3 = 0;
  const maxk = Math.ceil((16 * z) / Math.PI);
  for (let k = maxk; k > 0; k--) {
    const m = 2 * k - 1;
    const m2 = m * m;
    const m4 = m2 * m2;
    const m6 = m4 * m2;
    const qpower = q ** (8 * k);
    k0 = k0 * qpower + 1;
    kk1 = kk1 * qpower + (k1a + k1b * m2);
    kk2 = kk2 * qpower + (k2a + k2b * m2 + k2c * m4);
    kk3 = kk3 * qpower + (k3a + k3b * m2 + k3c * m4 + k3d * m6);
  }
  k0 = (k0 * q * SQRT_2PI) / z;
  kk1 = (kk1 * q * SQRT_2PI) / (6 * z4);
  kk2 = (kk2 * q * SQRT_2PI) / (72 * z ** 7);
  kk3 = (kk3 * q * SQRT_2PI) / (6480 * z ** 10);
  q = Math.exp(-PI_SQUARED / 2 / z2);
  const sqrt3z = SQRT3 * z;
  let extra2 = 0;
  let extra3 = 0;
  for (let k = maxk; k > 0; k--) {
    const k2 = k * k;
    const qpower = q ** k2;
    const kspi = Math.PI * k;
    extra2 += k2 * qpower;
    extra3 += (sqrt3z + kspi) * (sqrt3z - kspi) * k2 * qpower;
  }
  kk2 += (extra2 * PI_SQUARED * SQRT_2PI) / (-36 * z3);
  kk3 += (extra3 * PI_SQUARED * SQRT_2PI) / (216 * z6);
  return k0 + kk1 / Math.sqrt(n) + kk2 / n + kk3 / n ** 1.5;
}
