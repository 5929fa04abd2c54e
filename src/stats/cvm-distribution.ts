/**
 * Null distributions of the two-sample Cramér–von Mises statistic, as scipy's
 * `cramervonmises_2samp` uses them: the exact distribution of U for small samples (Xiao, Gordon
 * & Yakovlev 2006, scipy's `_pval_cvm_2samp_exact`) and the limiting distribution of the
 * one-sample statistic (Csörgő & Faraway 1996, scipy's `_cdf_cvm_inf`) for the normalised T.
 */
import gammaln from '@stdlib/math-base-special-gammaln';
import { gcd } from './ks-exact.js';

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

/** e^(−q) · K_{1/4}(q), from K_ν(q) = ∫₀^∞ e^(−q cosh t) cosh(νt) dt by the trapezoidal rule. */
function expBesselK14(q: number): number {
  // No modified Bessel function of fractional order is available from @stdlib. The integrand is
  // analytic and even, so the trapezoidal rule converges geometrically: with step 0.1 the error is
  // about e^(−π²/0.2) relative, far below double precision.
  const h = 0.1;
  let sum = 0.5 * Math.exp(-2 * q);
  for (let k = 1; ; k++) {
    const t = k * h;
    const f = Math.exp(-q * (Math.cosh(t) + 1)) * Math.cosh(0.25 * t);
    sum += f;
    if (f <= sum * 1e-18) break;
  }
  return sum * h;
}

/**
 * 1 − F(x) for the limiting distribution of the one-sample Cramér–von Mises statistic, summing the
 * series of Csörgő & Faraway (eq. 1.2) until a term drops below 1e-7 exactly as scipy does (so
 * the truncation, and hence the p-value, is the same); floored at 0.
 */
export function cvmLimitSf(x: number): number {
  if (!(x > 0)) return 1;
  let total = 0;
  for (let k = 0; ; k++) {
    const u = Math.exp(gammaln(k + 0.5) - gammaln(k + 1)) / (Math.PI ** 1.5 * Math.sqrt(x));
    const y = 4 * k + 1;
    const q = (y * y) / (16 * x);
    const term = u * Math.sqrt(y) * expBesselK14(q);
    total += term;
    if (!(Math.abs(term) >= 1e-7)) break;
  }
  return Math.max(0, 1 - total);
}
