/**
 * The L1 and L2 distances between two empirical distribution functions, as scipy's
 * `_cdf_distance` computes them (for `wasserstein_distance` and `energy_distance`): one merge walk
 * over the two sorted samples, O(n1 + n2), no allocation.
 */

/**
 * ∫ |F_a − F_b|^p dx for p = 1 (the Wasserstein-1 distance), or its square root for p = 2 (the
 * Cramér distance; scipy's energy distance is √2 times it). `a` and `b` are sorted, non-empty.
 */
export function cdfDistance(a: Float64Array, b: Float64Array, p: 1 | 2): number {
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0) return Number.NaN;
  let i = 0;
  let j = 0;
  let sum = 0;
  let comp = 0;
  // z: the current merged value; F_a(z) = i/n1 and F_b(z) = j/n2 hold up to the next merged value
  let z = Math.min(a[0], b[0]);
  while (i < n1 || j < n2) {
    while (i < n1 && a[i] <= z) i++;
    while (j < n2 && b[j] <= z) j++;
    if (i === n1 && j === n2) break;
    const next = i < n1 && (j >= n2 || a[i] <= b[j]) ? a[i] : b[j];
    const diff = i / n1 - j / n2;
    const term = (p === 1 ? Math.abs(diff) : diff * diff) * (next - z);
    const t = sum + term;
    comp += sum >= term ? sum - t + term : term - t + sum;
    sum = t;
    z = next;
  }
  const total = sum + comp;
  return p === 1 ? total : Math.sqrt(total);
}
