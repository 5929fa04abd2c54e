/**
 * One merge walk over two sorted samples for the three tests that walk them: the KS statistic
 * (ks.ts), the Wasserstein-1 distance (cdf-distance.ts) and the Cramér–von Mises rank statistic
 * (cramer-von-mises.ts). Each quantity is formed exactly as its own function forms it, at the
 * same merged values and in the same order, so the results are the same doubles; a report that
 * runs all three tests walks each feature's samples once instead of three times.
 */
import { NumpySum } from './numpy-sum.js';
import type { NumericSample } from './types.js';

export interface MergedWalk {
  /** ksStatistic(a, b) */
  readonly ks: number;
  /** cdfDistance(a, b, 1) */
  readonly wasserstein: number;
  /** cvmRankStatistic(a, b) */
  readonly cvmU: number;
}

/** The three quantities of two sorted, non-empty samples in one walk. */
export function mergedWalk(a: Float64Array, b: Float64Array): MergedWalk {
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0) return { ks: Number.NaN, wasserstein: Number.NaN, cvmU: Number.NaN };
  const sumX = new NumpySum();
  const sumY = new NumpySum();
  let i = 0;
  let j = 0;
  let max = -Infinity;
  let min = Infinity;
  let sum = 0;
  let comp = 0;
  let z = Math.min(a[0], b[0]);
  for (;;) {
    const startX = i;
    const startY = j;
    while (i < n1 && a[i] <= z) i++;
    while (j < n2 && b[j] <= z) j++;
    const diff = i / n1 - j / n2;
    if (diff > max) max = diff;
    if (diff < min) min = diff;
    // every value of the tie group gets the group's midrank
    const midrank = startX + startY + (i - startX + (j - startY) + 1) / 2;
    for (let k = startX; k < i; k++) {
      const d = midrank - (k + 1);
      sumX.add(d * d);
    }
    for (let k = startY; k < j; k++) {
      const d = midrank - (k + 1);
      sumY.add(d * d);
    }
    if (i === n1 && j === n2) break;
    const next = i < n1 && (j >= n2 || a[i] <= b[j]) ? a[i] : b[j];
    const term = Math.abs(diff) * (next - z);
    const t = sum + term;
    comp += sum >= term ? sum - t + term : term - t + sum;
    sum = t;
    z = next;
  }
  const minS = Math.min(Math.max(-min, 0), 1);
  return { ks: minS > max ? minS : max, wasserstein: sum + comp, cvmU: n1 * sumX.result() + n2 * sumY.result() };
}

const walks = new WeakMap<NumericSample, { readonly current: NumericSample; readonly walk: MergedWalk }>();

/**
 * The merged walk of a reference and a current sample, computed once per pair: prepared samples
 * are immutable, so the tests of one feature share it.
 */
export function walkOf(reference: NumericSample, current: NumericSample): MergedWalk {
  const seen = walks.get(reference);
  if (seen && seen.current === current) return seen.walk;
  const walk = mergedWalk(reference.sorted, current.sorted);
  walks.set(reference, { current, walk });
  return walk;
}
