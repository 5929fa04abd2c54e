/**
 * The exact null distribution of the two-sample, two-sided Kolmogorov–Smirnov statistic, as
 * scipy's `ks_2samp(method='exact')` computes it (Hodges 1958; the "inside" recursion rewritten by
 * Viehmann 2021 to give 1 − p directly). Ports of scipy's `_compute_prob_outside_square` and
 * `_compute_outer_prob_inside_method`.
 */

/** Greatest common divisor of two positive integers. */
export function gcd(a: number, b: number): number {
  let x = a;
  let y = b;
  while (y !== 0) {
    const t = x % y;
    x = y;
    y = t;
  }
  return x;
}

/** numpy's `np.round`: to the nearest integer, ties to even. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Pr(D_{n,n} ≥ h/n): the proportion of lattice paths leaving the band |x − y| < h. */
export function probOutsideSquare(n: number, h: number): number {
  // 2·(A0·(1 − A1·(1 − A2·(…)))), Horner-like to avoid cancellation
  let P = 0;
  for (let k = Math.floor(n / h); k >= 0; k--) {
    let p1 = 1;
    for (let j = 0; j < h; j++) p1 = ((n - k * h - j) * p1) / (n + k * h + j + 1);
    P = p1 * (1 - P);
  }
  return 2 * P;
}

/**
 * Pr(D_{m,n} ≥ h/lcm(m, n)) for m ≠ n: the proportion of lattice paths from (0, 0) to (m, n) that
 * do not stay strictly inside |x/m − y/n| < h/lcm. `g` is gcd(m, n). O(m · window) time.
 */
export function probOutsideInside(m0: number, n0: number, g: number, h: number): number {
  const m = Math.max(m0, n0);
  const n = Math.min(m0, n0);
  const mg = m / g;
  const ng = n / g;
  let minj = 0;
  let maxj = Math.min(Math.ceil(h / mg), n + 1);
  let curlen = maxj - minj;
  const lenA = Math.min(2 * maxj + 2, n + 1);
  const A = new Float64Array(lenA).fill(1);
  A.fill(0, minj, maxj);
  for (let i = 1; i <= m; i++) {
    const lastminj = minj;
    const lastlen = curlen;
    minj = Math.min(Math.max(Math.floor((ng * i - h) / mg) + 1, 0), n);
    maxj = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    if (maxj <= minj) return 1;
    let val = minj === 0 ? 0 : 1;
    const shift = minj - lastminj;
    for (let jj = 0; jj < maxj - minj; jj++) {
      const j = jj + minj;
      val = (A[jj + shift] * i + val * j) / (i + j);
      A[jj] = val;
    }
    curlen = maxj - minj;
    if (lastlen > curlen) A.fill(1, maxj - minj, maxj - minj + (lastlen - curlen));
  }
  return A[maxj - minj - 1];
}

/** The exact two-sided p-value, or null when it cannot be computed (scipy then falls back). */
export interface ExactKs {
  /** D rounded to the lattice: h / lcm(n1, n2) */
  readonly d: number;
  readonly p: number | null;
}

/** scipy's `_attempt_exact_2kssamp` for the two-sided alternative. */
export function exactKsTwoSided(n1: number, n2: number, d: number): ExactKs {
  const g = gcd(n1, n2);
  const lcm = (n1 / g) * n2;
  const h = roundHalfEven(d * lcm);
  const dl = h / lcm;
  if (h === 0) return { d: dl, p: 1 };
  const p = n1 === n2 ? probOutsideSquare(n1, h) : probOutsideInside(n1, n2, g, h);
  return { d: dl, p: p >= 0 && p <= 1 ? p : null };
}
