/**
 * Null distributions of the two-sample Cramér–von Mises statistic, as scipy's
 * `cramervonmises_2samp` uses them: the exact distribution of U for small samples (Xiao, Gordon
 * & Yakovlev 2006, scipy's `_pval_cvm_2samp_exact`) and the limiting distribution of the
 * one-sample statistic (Csörgő & Faraway 1996, scipy's `_cdf_cvm_inf`) for the normalised T, with
 * scipy's roundings (see cvmLimitSf).
 */
import gammaln from '@stdlib/math-base-special-gammaln';
import { amosK14 } from './amos-kv.js';
import { CVM_LOG_PREFACTORS } from './cvm-prefactors.js';
import { gcd } from './ks-exact.js';
import { svmlExp } from './svml-exp.js';

/** A frequency table over integer values, sorted by value. */
interface Frequencies {
  readonly values: Float64Array;
  readonly freqs: Float64Array;
}

const EMPTY: Frequencies = { values: new Float64Array(0), freqs: new Float64Array(0) };

/** The union of two tables (frequencies of equal values added), every value then shifted by `shift`. */
function mergeShifted(x: Frequencies, y: Frequencies, shift: number): Frequencies {
  const values = new Float64Array(x.values.length + y.values.length);
  const freqs = new Float64Array(values.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < x.values.length || j < y.values.length) {
    const xv = i < x.values.length ? x.values[i] : Infinity;
    const yv = j < y.values.length ? y.values[j] : Infinity;
    if (xv === yv) {
      values[k] = xv + shift;
      freqs[k++] = x.freqs[i++] + y.freqs[j++];
    } else if (xv < yv) {
      values[k] = xv + shift;
      freqs[k++] = x.freqs[i++];
    } else {
      values[k] = yv + shift;
      freqs[k++] = y.freqs[j++];
    }
  }
  return { values: values.subarray(0, k), freqs: freqs.subarray(0, k) };
}

/** C(n, k) as a double (exact while it is below 2^53). */
function binomial(n: number, k: number): number {
  let c = 1;
  for (let i = 1; i <= k; i++) c = (c * (n - k + i)) / i;
  return Math.round(c);
}

/**
 * Pr(U ≥ s) under the null for samples of sizes m and n, where U = m Σ(r_i − i)² + n Σ(s_j − j)²
 * is the rank statistic of Anderson (1962). Counts lattice paths by the frequency table of their
 * partial sums; exact integer counts while C(m + n, m) < 2^53 (scipy uses it up to m, n ≤ 20).
 */
export function cvmExactSf(s: number, m: number, n: number): number {
  const lcm = (m / gcd(m, n)) * n;
  const a = lcm / m;
  const b = lcm / n;
  const mn = m * n;
  // ζ: the threshold on the lattice path statistic that corresponds to U = s
  const zeta = Math.floor((lcm * lcm * (m + n) * (6 * s - mn * (4 * mn - 1))) / (6 * mn * mn));
  let gs: Frequencies[] = [{ values: new Float64Array([0]), freqs: new Float64Array([1]) }];
  for (let v = 1; v <= m; v++) gs.push(EMPTY);
  for (let u = 0; u <= n; u++) {
    const next: Frequencies[] = [];
    let tmp = EMPTY;
    for (let v = 0; v <= m; v++) {
      const d = a * v - b * u;
      tmp = mergeShifted(tmp, gs[v], d * d);
      next.push(tmp);
    }
    gs = next;
  }
  const { values, freqs } = gs[m];
  let count = 0;
  for (let i = 0; i < values.length; i++) if (values[i] >= zeta) count += freqs[i];
  return count / binomial(m + n, m);
}

/** π^1.5 as Python's float power (glibc's pow) gives it: Math.PI ** 1.5 is an ulp lower. */
const PI_POW_1_5 = 5.568327996831708;

/**
 * e^(gammaln(k + ½) − gammaln(k + 1)), the series' k-th prefactor as scipy forms it: scipy's
 * cephes gammaln (tabulated for k < 256, cvm-prefactors.ts; @stdlib's beyond, where the p-value is
 * no longer a remainder of rounding) and numpy's exp.
 */
function prefactor(k: number): number {
  let p = prefactors[k];
  if (p === undefined) {
    const log = k < CVM_LOG_PREFACTORS.length ? CVM_LOG_PREFACTORS[k] : gammaln(k + 0.5) - gammaln(k + 1);
    p = prefactors[k] = svmlExp(log);
  }
  return p;
}

/** prefactor(k) once computed (svmlExp is exact but slow) */
const prefactors: number[] = [];

/**
 * 1 − F(x) for the limiting distribution of the one-sample Cramér–von Mises statistic, as scipy's
 * `max(0, 1 - _cdf_cvm_inf(x))`: the series of Csörgő & Faraway (eq. 1.2), summed term by term
 * until a term drops below 1e-7, each term u·√y·e^−q·K_{1/4}(q) formed with the same operations
 * in the same order. Far in the tail (p below ~1e-9) the result is the remainder of 1 minus a sum
 * within a few ulps of 1, i.e. scipy's truncation and roundings rather than the true tail (which
 * is far smaller): it comes out the same only because every term is the same double as scipy's,
 * hence np.exp as numpy computes it (svml-exp.ts) and kv as AMOS does (amos-kv.ts).
 * docs/statistics.md has the numbers.
 */
export function cvmLimitSf(x: number): number {
  if (!(x > 0)) return 1;
  const root = Math.sqrt(x);
  let total = 0;
  for (let k = 0; ; k++) {
    const u = prefactor(k) / (PI_POW_1_5 * root);
    const y = 4 * k + 1;
    const q = (y * y) / (16 * x);
    const term = u * Math.sqrt(y) * svmlExp(-q) * amosK14(q);
    total += term;
    if (!(Math.abs(term) >= 1e-7)) break;
  }
  return Math.max(0, 1 - total);
}
