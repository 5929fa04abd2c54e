/**
 * Jensen–Shannon distance between the bin shares, as
 * `scipy.spatial.distance.jensenshannon(r, c)` (natural log): scipy first normalises both vectors
 * to sum to 1 (which matters here, since empty shares are set to 1e-4 without renormalising), then
 * JS = √((KL(p‖m) + KL(q‖m)) / 2) with m = (p + q) / 2. Ranges over [0, √ln 2]; drift when ≥ 0.1.
 */
import { binnedMetric, relEntr, sum } from './binned-metric.js';

/** scipy.spatial.distance.jensenshannon(r, c) with base e. Symmetric in its two arguments. */
export function jensenShannonFromShares(referenceShares: Float64Array, currentShares: Float64Array): number {
  const sp = sum(referenceShares);
  const sq = sum(currentShares);
  let left = 0;
  let right = 0;
  for (let i = 0; i < referenceShares.length; i++) {
    const p = referenceShares[i] / sp;
    const q = currentShares[i] / sq;
    const m = (p + q) / 2;
    left += relEntr(p, m);
    right += relEntr(q, m);
  }
  // rounding can leave a tiny negative sum for identical vectors; scipy would return NaN there
  return Math.sqrt(Math.max(0, (left + right) / 2));
}

/** The Jensen–Shannon distance test (`jensen_shannon`), numeric and categorical, drift when ≥ 0.1. */
export const jensenShannon = binnedMetric({
  name: 'jensen_shannon',
  label: 'Jensen–Shannon distance',
  defaultThreshold: 0.1,
  fromShares: jensenShannonFromShares,
});
