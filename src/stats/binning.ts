/**
 * Bins for the binned drift metrics (PSI, Jensen–Shannon, KL, Hellinger).
 *
 * Numeric features: the inner edges are the unique deciles of the reference (numpy.quantile's
 * default 'linear' method at q = i/10, i = 1..9), bins are closed on the right and the outer bins
 * are open: (-inf, e1], (e1, e2], …, (ek, +inf). Categorical features: one bin per category of
 * reference ∪ current, in the stable order of categorical.ts. A share of 0 becomes
 * {@link EMPTY_SHARE}; shares are not renormalised afterwards.
 */
import { contingencyRows, unionCategories } from './categorical.js';
import type { CategoricalSample, NumericSample } from './types.js';

/** The share an empty bin is given, so that logarithms and ratios stay finite. */
export const EMPTY_SHARE = 1e-4;

/** Number of quantile bins before ties merge edges. */
export const NUMERIC_BIN_COUNT = 10;

/** Shares of reference and current over the same bins. */
export interface BinnedShares {
  readonly referenceShares: Float64Array;
  readonly currentShares: Float64Array;
}

/** Numeric bins: `edges` are the inner edges, so there are `edges.length + 1` bins. */
export interface NumericBins extends BinnedShares {
  readonly edges: Float64Array;
}

/** Categorical bins: one per category, in the stable category order. */
export interface CategoricalBins extends BinnedShares {
  readonly categories: readonly string[];
}

/**
 * numpy.quantile(sorted, q, method='linear') on an ascending array, reproducing numpy's
 * floating-point steps (virtual index (n-1)·q, and its two-sided lerp) so edges match bit for bit.
 */
export function linearQuantile(sorted: Float64Array, q: number): number {
  const n = sorted.length;
  if (n === 0) throw new RangeError('quantile of an empty sample');
  const h = (n - 1) * q;
  if (h >= n - 1) return sorted[n - 1];
  if (h < 0) return sorted[0];
  const lo = Math.floor(h);
  const t = h - lo;
  const a = sorted[lo];
  const b = sorted[lo + 1];
  const diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

/** The unique deciles of an ascending reference sample: the inner edges of the numeric bins. */
export function decileEdges(sorted: Float64Array): Float64Array {
  const deciles = new Float64Array(NUMERIC_BIN_COUNT - 1);
  for (let i = 1; i < NUMERIC_BIN_COUNT; i++) deciles[i - 1] = linearQuantile(sorted, i / NUMERIC_BIN_COUNT);
  deciles.sort();
  let k = 0;
  for (let i = 0; i < deciles.length; i++) {
    if (k === 0 || deciles[i] !== deciles[k - 1]) deciles[k++] = deciles[i];
  }
  return deciles.slice(0, k);
}

/** Number of values ≤ x in an ascending array (binary search). */
export function countAtOrBelow(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Shares of an ascending sample in the right-closed bins defined by `edges`, with empty bins set
 * to {@link EMPTY_SHARE}. One binary search per edge: O(k log n), no pass over the values.
 */
export function sharesInBins(sorted: Float64Array, edges: Float64Array): Float64Array {
  const n = sorted.length;
  if (n === 0) throw new RangeError('cannot bin an empty sample');
  const shares = new Float64Array(edges.length + 1);
  let below = 0;
  for (let j = 0; j < edges.length; j++) {
    const atOrBelow = countAtOrBelow(sorted, edges[j]);
    shares[j] = atOrBelow - below;
    below = atOrBelow;
  }
  shares[edges.length] = n - below;
  return toShares(shares, n);
}

/** Numeric bins from the reference deciles; both samples must be non-empty. */
export function binNumeric(reference: NumericSample, current: NumericSample): NumericBins {
  const edges = decileEdges(reference.sorted);
  return {
    edges,
    referenceShares: sharesInBins(reference.sorted, edges),
    currentShares: sharesInBins(current.sorted, edges),
  };
}

/**
 * Bins only the current sample against frozen edges and reference shares (from
 * {@link freezeNumeric}). The result is the same as {@link binNumeric} on the original reference.
 */
export function binNumericAgainst(
  edges: Float64Array,
  referenceShares: Float64Array,
  current: NumericSample,
): NumericBins {
  if (referenceShares.length !== edges.length + 1) {
    throw new RangeError(`expected ${edges.length + 1} reference shares, got ${referenceShares.length}`);
  }
  return { edges, referenceShares, currentShares: sharesInBins(current.sorted, edges) };
}

/** Categorical bins over reference ∪ current; both samples must be non-empty. */
export function binCategorical(reference: CategoricalSample, current: CategoricalSample): CategoricalBins {
  const table = contingencyRows(reference, current);
  return {
    categories: table.categories,
    referenceShares: toShares(table.reference, reference.n),
    currentShares: toShares(table.current, current.n),
  };
}

/** What a baseline freezes of a categorical reference: its categories and their shares. */
export function freezeCategorical(reference: CategoricalSample): {
  categories: readonly string[];
  referenceShares: Float64Array;
} {
  const table = contingencyRows(reference, reference);
  return { categories: table.categories, referenceShares: toShares(table.reference, reference.n) };
}

/** What a baseline freezes of a numeric reference: its decile edges and the shares in those bins. */
export function freezeNumeric(reference: NumericSample): { edges: Float64Array; referenceShares: Float64Array } {
  const edges = decileEdges(reference.sorted);
  return { edges, referenceShares: sharesInBins(reference.sorted, edges) };
}

/**
 * Bins the current sample against frozen reference categories and shares (from
 * {@link freezeCategorical}). Categories only the current sample has are added with the empty
 * share on the reference side, so the result equals {@link binCategorical} on the original
 * reference and this current sample.
 */
export function binCategoricalAgainst(
  categories: readonly string[],
  referenceShares: Float64Array,
  current: CategoricalSample,
): CategoricalBins {
  if (referenceShares.length !== categories.length) {
    throw new RangeError(`expected ${categories.length} reference shares, got ${referenceShares.length}`);
  }
  const frozen = new Map<string, number>();
  for (let j = 0; j < categories.length; j++) frozen.set(categories[j], referenceShares[j]);
  const all = unionCategories(new Map(categories.map((c) => [c, 1])), current.counts);
  const ref = new Float64Array(all.length);
  const cur = new Float64Array(all.length);
  for (let j = 0; j < all.length; j++) {
    ref[j] = frozen.get(all[j]) ?? EMPTY_SHARE;
    cur[j] = current.counts.get(all[j]) ?? 0;
  }
  return { categories: all, referenceShares: ref, currentShares: toShares(cur, current.n) };
}

/** counts / n in place, with zero shares replaced by EMPTY_SHARE. */
function toShares(counts: Float64Array, n: number): Float64Array {
  if (n <= 0) throw new RangeError('cannot bin an empty sample');
  for (let j = 0; j < counts.length; j++) {
    counts[j] = counts[j] === 0 ? EMPTY_SHARE : counts[j] / n;
  }
  return counts;
}
