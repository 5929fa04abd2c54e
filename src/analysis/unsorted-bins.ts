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
 * countAtOrBelow on the sorted values puts it. No sort, no copy; a grid over the edges' range
 * finds a value's bin in about one step. Lets the window loader bin explanations block by block
 * instead of keeping them.
 */
export class UnsortedBinner {
  private readonly counts: Float64Array;
  private n = 0;
  private missing = 0;
  private absSum = 0;

  /** a uniform grid over [first edge, last edge]: per cell, a bin no higher than any of its values' */
  private readonly grid: Int32Array | null = null;
  private readonly scale: number = 0;

  constructor(readonly edges: Float64Array) {
    this.counts = new Float64Array(edges.length + 1);
    const k = edges.length;
    const span = k >= 2 ? edges[k - 1] - edges[0] : 0;
    if (span > 0 && Number.isFinite(span)) {
      const cells = 64 * k;
      this.scale = cells / span;
      this.grid = new Int32Array(cells);
      // a cell starts from the bin two cells down: rounding can put a value one cell too high, and
      // an edge counted here is then a whole cell below any value of the cell
      for (let c = 2, b = 0; c < cells; c++) {
        const below = edges[0] + (c - 2) / this.scale;
        while (b < k && edges[b] < below) b++;
        this.grid[c] = b;
      }
    }
  }

  add(values: Float64Array): void {
    const { edges, counts, grid, scale } = this;
    const k = edges.length;
    const first = k ? edges[0] : 0;
    const last = k ? edges[k - 1] : 0;
    let n = 0;
    let absSum = this.absSum;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (Number.isNaN(v)) continue;
      n++;
      absSum += Math.abs(v);
      let bin: number;
      if (k === 0 || v <= first) bin = 0;
      else if (v > last) bin = k;
      else if (grid) {
        // the value's grid cell gives a bin at or below its own; then step up past edges below it
        let cell = ((v - first) * scale) | 0;
        if (cell >= grid.length) cell = grid.length - 1;
        bin = grid[cell];
        while (edges[bin] < v) bin++;
      } else {
        bin = 0;
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
