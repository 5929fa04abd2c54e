import type { Severity } from '../stats/types.js';

export type FindingCategory = 'data_drift' | 'data_quality' | 'prediction_drift' | 'fairness' | 'performance' | 'explanation_drift' | 'analysis';

/**
 * One judged metric of a record. Alert rules select findings by `metric`
 * (e.g. `data_drift.psi.income`, `fairness.disparate_impact.gender`, `performance.f1.drop`).
 */
export interface Finding {
  metric: string;
  category: FindingCategory;
  value: number | null;
  threshold: number | null;
  severity: Severity;
  feature?: string;
  attribute?: string;
  affected_groups?: string[];
  message?: string;
}
