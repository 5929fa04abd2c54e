/**
 * Population Stability Index: PSI = Σ (c − r)·ln(c / r) over bin shares r (reference) and
 * c (current), empty shares set to 1e-4 (binning.ts). Drift when PSI ≥ 0.1; the source designs'
 * severity bands are in {@link psiSeverity}.
 */
import { binnedMetric } from './binned-metric.js';
import type { Severity } from './types.js';

/** PSI of two share vectors over the same bins. Symmetric in its two arguments. */
export function psiFromShares(referenceShares: Float64Array, currentShares: Float64Array): number {
  let total = 0;
  for (let i = 0; i < referenceShares.length; i++) {
    const r = referenceShares[i];
    const c = currentShares[i];
    total += (c - r) * Math.log(c / r);
  }
  return total;
}

/** The PSI drift test (`psi`), numeric and categorical, drift when PSI ≥ 0.1. */
export const psi = binnedMetric({
  name: 'psi',
  label: 'Population Stability Index',
  defaultThreshold: 0.1,
  fromShares: psiFromShares,
});

/** Bands of {@link psiSeverity}: a PSI at or above `warning` is a WARNING, at or above `critical` CRITICAL. */
export interface PsiSeverityThresholds {
  readonly warning: number;
  readonly critical: number;
}

/** The source designs' bands: < 0.1 none (INFO), 0.1–0.25 WARNING, ≥ 0.25 CRITICAL. */
export const DEFAULT_PSI_SEVERITY: PsiSeverityThresholds = { warning: 0.1, critical: 0.25 };

/**
 * Severity of a PSI value. NaN (no PSI could be computed) is INFO: there is no evidence of drift.
 * @throws RangeError when `critical` < `warning`
 */
export function psiSeverity(value: number, thresholds: PsiSeverityThresholds = DEFAULT_PSI_SEVERITY): Severity {
  if (!(thresholds.critical >= thresholds.warning)) {
    throw new RangeError(`PSI critical threshold (${thresholds.critical}) is below warning (${thresholds.warning})`);
  }
  if (value >= thresholds.critical) return 'CRITICAL';
  if (value >= thresholds.warning) return 'WARNING';
  return 'INFO';
}
