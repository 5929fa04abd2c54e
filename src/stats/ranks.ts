/**
 * Rank summaries of two sorted samples in their merged order, without building the merged array:
 * average ranks for ties (scipy's `rankdata(method='average')`), the rank sum of the first sample
 * and the tie correction term. One merge walk, O(n1 + n2).
 */

/** What the rank-based tests need from the merged ranking. */
export interface MergedRanks {
  /** Σ of the (average) ranks of the first sample's values, ranks starting at 1 */
  readonly rankSumX: number;
  /** Σ (t³ − t) over the tie groups of the merged sample (0 without ties) */
  readonly tieTerm: number;
  /** whether any value occurs more than once in the merged sample */
  readonly hasTies: boolean;
}

/** Ranks of the sorted samples `x` and `y` in their union. */
export function mergedRanks(x: Float64Array, y: Float64Array): MergedRanks {
  const nx = x.length;
  const ny = y.length;
  let rankSumX = 0;
  let tieTerm = 0;
  let i = 0;
  let j = 0;
  while (i < nx || j < ny) {
    const z = i < nx && (j >= ny || x[i] <= y[j]) ? x[i] : y[j];
    const below = i + j;
    const startX = i;
    while (i < nx && x[i] <= z) i++;
    while (j < ny && y[j] <= z) j++;
    const t = i + j - below;
    // the group holds ranks below+1 … below+t; each gets their average
    rankSumX += (i - startX) * (below + (t + 1) / 2);
    if (t > 1) tieTerm += t * t * t - t;
  }
  return { rankSumX, tieTerm, hasTies: tieTerm > 0 };
}
