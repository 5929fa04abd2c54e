/**
 * The two exact algorithms for Pr(D_n ≤ x) that scipy's `kstwo` uses for small n·x²: Durbin's
 * matrix method as Marsaglia, Tsang & Wang (2003) compute it, and Pomeranz's (1974) recursion.
 * Ports of scipy.stats._ksstats `_kolmogn_DMTW` and `_kolmogn_Pomeranz`, with the same rescaling
 * by 2^±128 to keep the intermediate values inside the double range.
 */

const E128 = 128;
const P128 = 2 ** 128;
const M128 = 2 ** -128;

function clip01(p: number): number {
  return p < 0 ? 0 : p > 1 ? 1 : p;
}

/** p · 2^e without overflowing or underflowing on the way. */
function ldexp(p: number, e: number): number {
  let x = p;
  let rest = e;
  while (rest > 1000) {
    x *= 2 ** 1000;
    rest -= 1000;
  }
  while (rest < -1000) {
    x *= 2 ** -1000;
    rest += 1000;
  }
  return x * 2 ** rest;
}

/** out = a · b for m×m row-major matrices (out must not alias a or b). */
function multiply(a: Float64Array, b: Float64Array, out: Float64Array, m: number): void {
  out.fill(0);
  for (let i = 0; i < m; i++) {
    const row = i * m;
    for (let k = 0; k < m; k++) {
      const aik = a[row + k];
      if (aik === 0) continue;
      const bRow = k * m;
      for (let j = 0; j < m; j++) out[row + j] += aik * b[bRow + j];
    }
  }
}

/** Pr(D_n ≤ d) by the Durbin matrix: the (k, k) entry of H^n, times n!/n^n. */
export function durbinMatrixCdf(n: number, d: number): number {
  if (d >= 1) return 1;
  const nd = n * d;
  if (nd <= 0.5) return 0;
  const k = Math.ceil(nd);
  const h = k - nd;
  const m = 2 * k - 1;
  let H = new Float64Array(m * m);
  const v = new Float64Array(m);
  const w = new Float64Array(m);
  let fac = 1;
  for (let j = 1; j <= m; j++) {
    w[j - 1] = fac;
    fac /= j;
    v[j - 1] = (1 - h ** j) * fac;
  }
  const tt = Math.max(2 * h - 1, 0) ** m - 2 * h ** m;
  v[m - 1] = (1 + tt) * fac;
  for (let i = 1; i < m; i++) {
    for (let r = i - 1; r < m; r++) H[r * m + i] = w[r - i + 1];
  }
  for (let r = 0; r < m; r++) H[r * m] = v[r];
  for (let c = 0; c < m; c++) H[(m - 1) * m + c] = v[m - 1 - c];

  let power = new Float64Array(m * m);
  for (let i = 0; i < m; i++) power[i * m + i] = 1;
  let scratch = new Float64Array(m * m);
  let nn = n;
  let expnt = 0;
  let hExpnt = 0;
  while (nn > 0) {
    if (nn % 2 === 1) {
      multiply(power, H, scratch, m);
      [power, scratch] = [scratch, power];
      expnt += hExpnt;
    }
    multiply(H, H, scratch, m);
    [H, scratch] = [scratch, H];
    hExpnt *= 2;
    if (Math.abs(H[(k - 1) * m + (k - 1)]) > P128) {
      for (let i = 0; i < H.length; i++) H[i] /= P128;
      hExpnt += E128;
    }
    nn = Math.floor(nn / 2);
  }
  let p = power[(k - 1) * m + (k - 1)];
  for (let i = 1; i <= n; i++) {
    p = (i * p) / n;
    if (Math.abs(p) < M128) {
      p *= P128;
      expnt -= E128;
    }
  }
  return clip01(expnt !== 0 ? ldexp(p, expnt) : p);
}

/** The column interval [j1, j2] that row i of Pomeranz's recursion needs. */
function pomeranzBounds(i: number, n: number, ll: number, ceilf: number, roundf: number): [number, number] {
  let j1: number;
  let j2: number;
  if (i === 0) {
    j1 = -ll - ceilf - 1;
    j2 = ll + ceilf - 1;
  } else {
    const half = Math.floor((i + 1) / 2);
    if ((i + 1) % 2 === 0) {
      if (half === n + 1) {
        j1 = n - ll - ceilf - 1;
        j2 = n + ll + ceilf - 1;
      } else {
        j1 = half - 1 - ll - roundf - 1;
        j2 = half + ll - 1 + ceilf - 1;
      }
    } else {
      j1 = half - 1 - ll - 1;
      j2 = half + ll + roundf - 1;
    }
  }
  return [Math.max(j1 + 2, 0), Math.min(j2, n)];
}

/** Pr(D_n ≤ x) by Pomeranz's recursion over 2n + 2 rows of short convolutions. */
export function pomeranzCdf(n: number, x: number): number {
  const t = n * x;
  const ll = Math.floor(t);
  const f = t - ll;
  const g = Math.min(f, 1 - f);
  const ceilf = f > 0 ? 1 : 0;
  const roundf = f > 0.5 ? 1 : 0;
  const npwrs = 2 * (ll + 1);
  const gpower = new Float64Array(npwrs);
  const twogpower = new Float64Array(npwrs);
  const onem2gpower = new Float64Array(npwrs);
  gpower[0] = twogpower[0] = onem2gpower[0] = 1;
  const gOverN = g / n;
  const twoGOverN = (2 * g) / n;
  const oneMinusTwoGOverN = (1 - 2 * g) / n;
  for (let m = 1; m < npwrs; m++) {
    gpower[m] = (gpower[m - 1] * gOverN) / m;
    twogpower[m] = (twogpower[m - 1] * twoGOverN) / m;
    onem2gpower[m] = (onem2gpower[m - 1] * oneMinusTwoGOverN) / m;
  }
  let V0 = new Float64Array(npwrs);
  let V1 = new Float64Array(npwrs);
  V1[0] = 1;
  let V0s = 0;
  let V1s = 0;
  let expnt = 0;
  let [j1, j2] = pomeranzBounds(0, n, ll, ceilf, roundf);
  for (let i = 1; i < 2 * n + 2; i++) {
    const k1 = j1;
    [V0, V1] = [V1, V0];
    [V0s, V1s] = [V1s, V0s];
    V1.fill(0);
    [j1, j2] = pomeranzBounds(i, n, ll, ceilf, roundf);
    const pwrs = i === 1 || i === 2 * n + 1 ? gpower : i % 2 === 1 ? twogpower : onem2gpower;
    const ln2 = j2 - k1 + 1;
    if (ln2 <= 0) continue;
    // the entries [j1 − k1, j2 − k1] of the full convolution of V0[k1 − V0s ..][:ln2] with pwrs[:ln2]
    const aStart = k1 - V0s;
    const aLen = Math.min(ln2, npwrs - aStart);
    const bLen = Math.min(ln2, npwrs);
    const convStart = j1 - k1;
    const convLen = j2 - j1 + 1;
    let max = 0;
    for (let c = 0; c < convLen; c++) {
      const at = convStart + c;
      let sum = 0;
      const lo = Math.max(0, at - bLen + 1);
      const hi = Math.min(at, aLen - 1);
      for (let a = lo; a <= hi; a++) sum += V0[aStart + a] * pwrs[at - a];
      V1[c] = sum;
      if (sum > max) max = sum;
    }
    if (max > 0 && max < M128) {
      for (let c = 0; c < convLen; c++) V1[c] *= P128;
      expnt -= E128;
    }
    V1s = V0s + j1 - k1;
  }
  let ans = V1[n - V1s];
  for (let m = 1; m <= n; m++) {
    if (Math.abs(ans) > P128) {
      ans *= M128;
      expnt += E128;
    }
    ans *= m;
  }
  return clip01(expnt !== 0 ? ldexp(ans, expnt) : ans);
}
