/**
 * One merge walk over two sorted samples for the three tests that walk them: the KS statistic
 * (ks.ts), the Wasserstein-1 distance (cdf-distance.ts) and the Cramér–von Mises rank statistic
 * (cramer-von-mises.ts). Each quantity is formed exactly as its own function forms it, at the
 * same merged values and in the same order, so the results are the same doubles; a report that
 * runs all three tests walks each feature's samples once instead of three times.
 */
import { NUMPY_BUFFER, pairwiseSum } from './numpy-sum.js';
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
  if (!warm && a.length + b.length > 100_000) {
    warm = true;
    warmUp();
  }
  return walk(a, b, NUMPY_BUFFER);
}

/** mergedWalk, its buffers summed every `flushAt` values (NUMPY_BUFFER but in warmUp) */
function walk(a: Float64Array, b: Float64Array, flushAt: number): MergedWalk {
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0) return { ks: Number.NaN, wasserstein: Number.NaN, cvmU: Number.NaN };
  // the squared rank differences of each side go through a buffer of numpy's size, summed
  // pairwise when full (NumpySum's order, written out here: a method call per value would box
  // every double it is passed)
  const bufX = new Float64Array(flushAt);
  const bufY = new Float64Array(flushAt);
  let lenX = 0;
  let lenY = 0;
  let sumX = 0;
  let sumY = 0;
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
      bufX[lenX++] = d * d;
      if (lenX === flushAt) {
        sumX += pairwiseSum(bufX, 0, lenX);
        lenX = 0;
      }
    }
    for (let k = startY; k < j; k++) {
      const d = midrank - (k + 1);
      bufY[lenY++] = d * d;
      if (lenY === flushAt) {
        sumY += pairwiseSum(bufY, 0, lenY);
        lenY = 0;
      }
    }
    if (i === n1 && j === n2) break;
    const next = i < n1 && (j >= n2 || a[i] <= b[j]) ? a[i] : b[j];
    const term = Math.abs(diff) * (next - z);
    const t = sum + term;
    comp += sum >= term ? sum - t + term : term - t + sum;
    sum = t;
    z = next;
  }
  if (lenX > 0) sumX += pairwiseSum(bufX, 0, lenX);
  if (lenY > 0) sumY += pairwiseSum(bufY, 0, lenY);
  const minS = Math.min(Math.max(-min, 0), 1);
  return { ks: minS > max ? minS : max, wasserstein: sum + comp, cvmU: n1 * sumX + n2 * sumY };
}

/**
 * Runs the walk on small made-up samples that take every branch (ties within and across the
 * samples, whole and half midranks, both buffers flushed, either sample running out first), too
 * short for V8 to compile it yet. V8 compiles the walk while its first large call runs; a branch
 * the loop had not taken by then has no type feedback, and reaching it throws the compiled code
 * away: the first two walks of a report ran 3–4× slower, boxing every double meanwhile.
 */
function warmUp(): void {
  const a = Float64Array.of(0, 0.5, 1, 1, 1, 2, 3, 3, 5, 8, 8, 9, 12, 13, 13, 14);
  const b = Float64Array.of(0.5, 1, 2, 2, 4, 6, 7, 8, 10, 11, 11, 13, 15, 16, 16, 17, 20);
  walk(a, b, 4);
  walk(b, a, 4);
  walk(a, a.subarray(0, 5), 4);
  const values = new Float64Array(NUMPY_BUFFER).fill(0.25);
  pairwiseSum(values, 0, NUMPY_BUFFER);
}

let warm = false;

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

/**
 * Records the walk of a pair computed elsewhere (by the thread that sorted the samples, see
 * report/report-tasks.ts), so that walkOf returns it.
 */
export function rememberWalk(reference: NumericSample, current: NumericSample, walk: MergedWalk): void {
  walks.set(reference, { current, walk });
}

