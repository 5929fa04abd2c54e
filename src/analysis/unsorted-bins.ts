import { EMPTY_SHARE } from '../stats/binning.js';

/** One pass over an unsorted sample: what the binned tests and the mean |value| need. */
export interface UnsortedBins {
  /** shares in the bins of `edges`, exactly as stats/binning's sharesInBins gives for the sorted values */
  shares: Float64Array;
  /** values that are not NaN */
  n: number;
  missing: number;
  /** Σ |value| over the values that are not NaN, in the order they were added */
  absSum: number;
}

/**
 * Bins values into the right-closed bins of ascending `edges` (the reference deciles), piece by
 * piece: a value goes to the bin numbered by how many edges lie below it, which is where
 * countAtOrBelow on the sorted values puts it. No sort, no copy: O(n·k) for the few edges of
 * deciles, O(n log k) beyond 16. Lets the window loader bin explanations block by block
 * instead of keeping them.
 */
export class UnsortedBinner {
  private readonly counts: Float64Array;
  private n = 0;
  private missing = 0;
  private absSum = 0;

  constructor(readonly edges: Float64Array) {
    this.counts = new Float64Array(edges.length + 1);
  }

  add(values: Float64Array): void {
    const { edges, counts } = this;
    const k = edges.length;
    let n = 0;
    let absSum = this.absSum;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (Number.isNaN(v)) continue;
      n++;
      absSum += Math.abs(v);
      let bin = 0;
      if (k <= 16) {
        // a few edges (deciles): counting comparisons beats a binary search's unpredictable branches
        for (let j = 0; j < k; j++) if (edges[j] < v) bin++;
      } else {
        let hi = k;
        while (bin < hi) {
          const mid = (bin + hi) >>> 1;
          if (edges[mid] < v) bin = mid + 1;
          else hi = mid;
        }
      }
      counts[bin]++;
    }
    this.n += n;
    this.missing += values.length - n;
    this.absSum = absSum;
  }

  /** `count` values missing (a block without the column) */
  addMissing(count: number): void {
    this.missing += count;
  }

  result(): UnsortedBins {
    const { counts, n } = this;
    const shares = new Float64Array(counts.length);
    for (let j = 0; j < counts.length; j++) shares[j] = counts[j] === 0 ? EMPTY_SHARE : counts[j] / Math.max(n, 1);
    return { shares, n, missing: this.missing, absSum: this.absSum };
  }
}

/** {@link UnsortedBinner} over one array. */
export function binUnsorted(values: Float64Array, edges: Float64Array): UnsortedBins {
  const b = new UnsortedBinner(edges);
  b.add(values);
  return b.result();
}
