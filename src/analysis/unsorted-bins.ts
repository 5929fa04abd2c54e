import { EMPTY_SHARE } from '../stats/binning.js';

/** One pass over an unsorted sample: what the binned tests and the mean |value| need. */
export interface UnsortedBins {
  /** shares in the bins of `edges`, exactly as stats/binning's sharesInBins gives for the sorted values */
  shares: Float64Array;
  /** values that are not NaN */
  n: number;
  missing: number;
  /** Σ |value| over the values that are not NaN */
  absSum: number;
}

/**
 * Bin the values of an unsorted array into the right-closed bins of ascending `edges` (the
 * reference deciles): a value goes to the bin numbered by how many edges lie below it, which is
 * where countAtOrBelow on the sorted values puts it. No sort, no copy: O(n log k).
 */
export function binUnsorted(values: Float64Array, edges: Float64Array): UnsortedBins {
  const k = edges.length;
  const counts = new Float64Array(k + 1);
  let n = 0;
  let absSum = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isNaN(v)) continue;
    n++;
    absSum += Math.abs(v);
    let lo = 0;
    let hi = k;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (edges[mid] < v) lo = mid + 1;
      else hi = mid;
    }
    counts[lo]++;
  }
  const shares = counts;
  if (n > 0) for (let j = 0; j <= k; j++) shares[j] = counts[j] === 0 ? EMPTY_SHARE : counts[j] / n;
  return { shares, n, missing: values.length - n, absSum };
}
