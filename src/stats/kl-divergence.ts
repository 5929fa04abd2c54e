/**
 * Kullback–Leibler divergence of the current bin shares from the reference ones,
 * KL(current ‖ reference) = Σ c·ln(c / r), as `scipy.stats.entropy(c, r)`: scipy normalises both
 * vectors to sum to 1 first (which matters, since empty shares are set to 1e-4 without
 * renormalising). Not symmetric: KL(c‖r) ≠ KL(r‖c) in general. Drift when ≥ 0.1.
 */
import { binnedMetric, relEntr, sum } from './binned-metric.js';

/** scipy.stats.entropy(currentShares, referenceShares): KL(current ‖ reference), natural log. */
export function klDivergenceFromShares(referenceShares: Float64Array, currentShares: Float64Array): number {
  const sr = sum(referenceShares);
  const sc = sum(currentShares);
  let total = 0;
  for (let i = 0; i < referenceShares.length; i++) {
    total += relEntr(currentShares[i] / sc, referenceShares[i] / sr);
  }
  return total;
}

/** The KL divergence test (`kl_divergence`), numeric and categorical, drift when ≥ 0.1. */
export const klDivergence = binnedMetric({
  name: 'kl_divergence',
  label: 'Kullback–Leibler divergence',
  defaultThreshold: 0.1,
  fromShares: klDivergenceFromShares,
});
