/**
 * Order statistics and quantiles of the union of two sorted samples, found by binary search in
 * O(log n) without merging them.
 */

/** The k-th smallest value (0-based) of the union of the sorted arrays `a` and `b`. */
export function mergedOrderStatistic(a: Float64Array, b: Float64Array, k: number): number {
  const n1 = a.length;
  const n2 = b.length;
  if (!(k >= 0 && k < n1 + n2)) return Number.NaN;
  // take i values from a and k + 1 − i from b so that together they are the k + 1 smallest
  let lo = Math.max(0, k + 1 - n2);
  let hi = Math.min(k + 1, n1);
  while (lo < hi) {
    const i = (lo + hi) >>> 1;
    const j = k + 1 - i;
    if (j > 0 && i < n1 && a[i] < b[j - 1]) lo = i + 1;
    else hi = i;
  }
  const i = lo;
  const j = k + 1 - i;
  const fromA = i > 0 ? a[i - 1] : -Infinity;
  const fromB = j > 0 ? b[j - 1] : -Infinity;
  return fromA > fromB ? fromA : fromB;
}

/**
 * The q-quantile (0 ≤ q ≤ 1) of the union with numpy's default 'linear' method, interpolating
 * between order statistics exactly as numpy 1.22+ does (`_lerp`, which interpolates from the upper
 * neighbour when the fraction is at least one half).
 */
export function mergedQuantile(a: Float64Array, b: Float64Array, q: number): number {
  const n = a.length + b.length;
  if (n === 0) return Number.NaN;
  const virtual = n * q + (1 - q) - 1;
  const below = Math.min(Math.max(Math.floor(virtual), 0), n - 1);
  const above = Math.min(below + 1, n - 1);
  const gamma = virtual - Math.floor(virtual);
  const lower = mergedOrderStatistic(a, b, below);
  const upper = mergedOrderStatistic(a, b, above);
  const diff = upper - lower;
  return gamma >= 0.5 ? upper - diff * (1 - gamma) : lower + diff * gamma;
}
