import type { Severity } from '../stats/types.js';

/** A pair of thresholds and the direction in which a value gets worse. */
export interface Band {
  warning: number;
  critical: number;
  /** `higher`: value ≥ threshold is bad; `lower`: value < threshold is bad */
  worse: 'higher' | 'lower';
}

/**
 * Every threshold the analysis judges by. Defaults come from the source designs; a model's
 * settings may override any of them (partial objects are merged over these).
 */
export interface Thresholds {
  psi: Band;
  dataset_drift_share: Band;
  missing_rate_change: Band;
  unseen_categories: Band;
  out_of_range: Band;
  prediction_shift: Band;
  confidence_shift: Band;
  entropy_change: Band;
  demographic_parity: Band;
  disparate_impact: Band;
  equal_opportunity: Band;
  equalized_odds: Band;
  /** relative drop of the primary performance metric: minor from 3 %, moderate from 5 %, severe above 10 % */
  performance_drop: Band & { minor: number };
  attribution_divergence: Band;
  rank_correlation: Band;
  /** severity at which a finding opens an incident (used by alerting) */
  incident_severity: Severity;
  /** labelled predictions needed before performance is judged */
  min_labelled: number;
  /** smallest group judged by fairness metrics */
  min_group_size: number;
}

export const DEFAULT_THRESHOLDS: Thresholds = {
  psi: { warning: 0.1, critical: 0.25, worse: 'higher' },
  dataset_drift_share: { warning: 0.3, critical: 0.5, worse: 'higher' },
  missing_rate_change: { warning: 0.05, critical: 0.2, worse: 'higher' },
  unseen_categories: { warning: 0.01, critical: 0.1, worse: 'higher' },
  out_of_range: { warning: 0.05, critical: 0.2, worse: 'higher' },
  prediction_shift: { warning: 0.1, critical: 0.25, worse: 'higher' },
  confidence_shift: { warning: 0.1, critical: 0.25, worse: 'higher' },
  entropy_change: { warning: 0.2, critical: 0.5, worse: 'higher' },
  demographic_parity: { warning: 0.05, critical: 0.1, worse: 'higher' },
  disparate_impact: { warning: 0.9, critical: 0.8, worse: 'lower' },
  equal_opportunity: { warning: 0.05, critical: 0.1, worse: 'higher' },
  equalized_odds: { warning: 0.05, critical: 0.1, worse: 'higher' },
  performance_drop: { minor: 0.03, warning: 0.05, critical: 0.1, worse: 'higher' },
  attribution_divergence: { warning: 0.1, critical: 0.2, worse: 'higher' },
  rank_correlation: { warning: 0.8, critical: 0.5, worse: 'lower' },
  incident_severity: 'CRITICAL',
  min_labelled: 100,
  min_group_size: 30,
};

/** Grade a value against a band. Null/NaN values are INFO (nothing to judge). */
export function grade(value: number | null | undefined, band: Band): Severity {
  if (value === null || value === undefined || Number.isNaN(value)) return 'INFO';
  if (band.worse === 'higher') return value >= band.critical ? 'CRITICAL' : value >= band.warning ? 'WARNING' : 'INFO';
  return value < band.critical ? 'CRITICAL' : value < band.warning ? 'WARNING' : 'INFO';
}

/** The threshold a severity was judged by (the one crossed, or the warning one when none was). */
export const thresholdOf = (severity: Severity, band: Band): number => (severity === 'CRITICAL' ? band.critical : band.warning);

/** How far a value is towards its critical threshold, 0..1 (for the aggregated score). */
export function exceedance(value: number | null | undefined, band: Band): number {
  if (value === null || value === undefined || Number.isNaN(value)) return 0;
  if (band.worse === 'higher') return band.critical > 0 ? Math.min(1, Math.max(0, value / band.critical)) : value > 0 ? 1 : 0;
  // lower is worse, with 1 as the ideal (disparate impact, rank correlation)
  const span = 1 - band.critical;
  return span > 0 ? Math.min(1, Math.max(0, (1 - value) / span)) : 0;
}

export function mergeThresholds(overrides: unknown): Thresholds {
  const out = structuredClone(DEFAULT_THRESHOLDS) as unknown as Record<string, unknown>;
  if (overrides && typeof overrides === 'object') {
    for (const [k, v] of Object.entries(overrides as Record<string, unknown>)) {
      if (!(k in out)) continue;
      const base = out[k];
      out[k] = base && typeof base === 'object' && v && typeof v === 'object' ? { ...(base as object), ...(v as object) } : v;
    }
  }
  return out as unknown as Thresholds;
}
