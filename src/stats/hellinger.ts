/**
 * Hellinger distance between the bin shares: H = √(Σ (√r − √c)²) / √2 over the shares with empty
 * bins set to 1e-4 and no renormalisation. In [0, 1] for proper distributions; drift when ≥ 0.1.
 */
import { binnedMetric } from './binned-metric.js';

/** Hellinger distance of two share vectors over the same bins. Symmetric in its two arguments. */
export function hellingerFromShares(referenceShares: Float64Array, currentShares: Float64Array): number {
  let total = 0;
  for (let i = 0; i < referenceShares.length; i++) {
    const d = Math.sqrt(referenceShares[i]) - Math.sqrt(currentShares[i]);
    total += d * d;
  }
  return Math.sqrt(total) / Math.SQRT2;
}

/** The Hellinger distance test (`hellinger`), numeric and categorical, drift when ≥ 0.1. */
export const hellinger = binnedMetric({
  name: 'hellinger',
  label: 'Hellinger distance',
  defaultThreshold: 0.1,
  fromShares: hellingerFromShares,
});
