import { countAtOrBelow } from '../stats/binning.js';
import { compareCategories } from '../stats/categorical.js';
import type { CategoricalSample } from '../stats/types.js';
import type { Distribution } from './types.js';

/** Bins of a numeric histogram. */
export const HISTOGRAM_BINS = 20;
/** Categories a histogram lists before summing the rest as `other`. */
export const HISTOGRAM_CATEGORIES = 12;

/**
 * Shares of two sorted samples in equal-width bins over their joint range (one bin per value for
 * integers spanning at most 2·bins); the first bin is closed on both sides, the others on the
 * right. O(bins · log n): no pass over the values.
 */
export function numericDistribution(reference: Float64Array, current: Float64Array, bins = HISTOGRAM_BINS): Distribution | undefined {
  if (reference.length === 0 && current.length === 0) return undefined;
  const lo = Math.min(reference.length ? reference[0] : Infinity, current.length ? current[0] : Infinity);
  const hi = Math.max(reference.length ? reference[reference.length - 1] : -Infinity, current.length ? current[current.length - 1] : -Infinity);
  const edges: number[] = [];
  if (hi - lo <= 2 * bins && looksInteger(reference) && looksInteger(current)) {
    // counts, codes, ratings: one bin per integer, (k − ½, k + ½]
    for (let k = lo; k <= hi + 1; k++) edges.push(k - 0.5);
  } else {
    const count = lo === hi ? 1 : bins;
    for (let j = 0; j <= count; j++) edges.push(j === count ? hi : lo + ((hi - lo) * j) / count);
  }
  return { kind: 'numeric', edges, reference: sharesOf(reference, edges), current: sharesOf(current, edges) };
}

/**
 * Whether a sorted sample looks integer-valued, judged on about a thousand evenly spaced values:
 * it only chooses how the histogram is binned, never what it counts.
 */
function looksInteger(sorted: Float64Array): boolean {
  const step = Math.max(1, Math.floor(sorted.length / 1000));
  for (let i = 0; i < sorted.length; i += step) if (!Number.isInteger(sorted[i])) return false;
  return sorted.length === 0 || Number.isInteger(sorted[sorted.length - 1]);
}

function sharesOf(sorted: Float64Array, edges: readonly number[]): number[] {
  const n = sorted.length;
  const shares: number[] = [];
  let below = 0;
  for (let j = 1; j < edges.length; j++) {
    const upTo = j === edges.length - 1 ? n : countAtOrBelow(sorted, edges[j]);
    shares.push(n === 0 ? 0 : (upTo - below) / n);
    below = upTo;
  }
  return shares;
}

/** Shares of the most frequent categories (over both sides), the rest summed as `other`. */
export function categoricalDistribution(
  reference: CategoricalSample,
  current: CategoricalSample,
  limit = HISTOGRAM_CATEGORIES,
): Distribution {
  const share = (s: CategoricalSample, key: string): number => (s.n === 0 ? 0 : (s.counts.get(key) ?? 0) / s.n);
  const keys = new Set([...reference.counts.keys(), ...current.counts.keys()]);
  const ranked = [...keys].sort((a, b) => {
    const d = share(reference, b) + share(current, b) - share(reference, a) - share(current, a);
    return d !== 0 ? d : compareCategories(a, b);
  });
  const shown = ranked.slice(0, limit).sort(compareCategories);
  const ref = shown.map((k) => share(reference, k));
  const cur = shown.map((k) => share(current, k));
  const rest = (s: number[], sample: CategoricalSample): number => (sample.n === 0 ? 0 : Math.max(0, 1 - s.reduce((a, b) => a + b, 0)));
  return {
    kind: 'categorical',
    categories: shown,
    reference: ref,
    current: cur,
    other: { reference: ranked.length > limit ? rest(ref, reference) : 0, current: ranked.length > limit ? rest(cur, current) : 0 },
  };
}
