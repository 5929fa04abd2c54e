import type { Finding } from '../analysis/types.js';
import type { MonitoringRecordRow } from '../store/monitoring-store.js';

/** Severity as a gauge value: INFO 0, WARNING 1, CRITICAL 2. */
export const SEVERITY_VALUE: Record<string, number> = { INFO: 0, WARNING: 1, CRITICAL: 2 };

/**
 * The latest-value gauges a completed record sets. Every label value comes from the model's
 * schema (features, protected attributes) or from fixed lists of metric names, so the number of
 * series is bounded by the registered models.
 */
export const GAUGE_HELP = {
  driftwatch_feature_drift: { help: 'Latest drift value of a feature: PSI (test="psi") and its default test (ks, chi_square, z, wasserstein, jensen_shannon…).', labels: ['model', 'feature', 'test'] },
  driftwatch_feature_drift_severity: { help: 'Worst severity of a feature\'s drift findings in the latest analysis (0 info, 1 warning, 2 critical).', labels: ['model', 'feature'] },
  driftwatch_dataset_drift_share: { help: 'Share of features whose default test detected drift in the latest analysis.', labels: ['model'] },
  driftwatch_prediction_drift: { help: 'Latest prediction drift (prediction_shift, confidence_shift: PSI; entropy_change: nats).', labels: ['model', 'metric'] },
  driftwatch_explanation_drift: { help: 'Latest Jensen-Shannon distance of a feature\'s attributions from the baseline.', labels: ['model', 'feature'] },
  driftwatch_fairness: { help: 'Latest fairness metric of a protected attribute (demographic_parity, disparate_impact, equal_opportunity, equalized_odds).', labels: ['model', 'attribute', 'metric'] },
  driftwatch_fairness_severity: { help: 'Severity of the latest fairness finding (0 info, 1 warning, 2 critical).', labels: ['model', 'attribute', 'metric'] },
  driftwatch_model_performance: { help: 'Performance metrics of the latest analysis window\'s labelled predictions (accuracy, f1, roc_auc, mae…).', labels: ['model', 'metric'] },
  driftwatch_model_performance_drop_ratio: { help: 'Relative drop of the primary performance metric against the baseline (0.1 = 10 % worse).', labels: ['model'] },
  driftwatch_model_drift_score: { help: 'Aggregated score of the latest analysis, 0 (as the baseline) to 1.', labels: ['model'] },
  driftwatch_model_max_severity: { help: 'Worst finding severity of the latest analysis (0 info, 1 warning, 2 critical).', labels: ['model'] },
  driftwatch_analysis_window_predictions: { help: 'Predictions in the latest analysis window.', labels: ['model'] },
  driftwatch_analysis_last_success_timestamp_seconds: { help: 'When the latest completed analysis of a model ran (Unix time).', labels: ['model'] },
} as const;

export type GaugeName = keyof typeof GAUGE_HELP;

export interface GaugeValue {
  gauge: GaugeName;
  labels: Record<string, string>;
  value: number;
}

/** The middle of `prefix.<middle>.<suffix>` (suffix: a feature or attribute name, which may hold dots). */
function middle(metric: string, prefix: string, suffix: string): string | null {
  if (!metric.startsWith(`${prefix}.`) || !metric.endsWith(`.${suffix}`)) return null;
  const m = metric.slice(prefix.length + 1, metric.length - suffix.length - 1);
  return m.length > 0 ? m : null;
}

/** Every gauge value of a completed record. */
export function recordGauges(record: MonitoringRecordRow): GaugeValue[] {
  const model = record.model_id;
  const out: GaugeValue[] = [];
  const put = (gauge: GaugeName, labels: Record<string, string>, value: number | null | undefined) => {
    if (typeof value === 'number' && Number.isFinite(value)) out.push({ gauge, labels: { model, ...labels }, value });
  };
  const findings = (Array.isArray(record.body.findings) ? record.body.findings : []) as Finding[];
  const featureSeverity = new Map<string, number>();
  let performanceFinding: { metric: string; value: number | null } | undefined;
  for (const f of findings) {
    const sev = SEVERITY_VALUE[f.severity] ?? 0;
    if (f.category === 'data_drift' && f.feature) {
      const test = middle(f.metric, 'data_drift', f.feature);
      if (test) put('driftwatch_feature_drift', { feature: f.feature, test }, f.value);
      featureSeverity.set(f.feature, Math.max(featureSeverity.get(f.feature) ?? 0, sev));
    } else if (f.metric === 'data_drift.dataset_drift_share') {
      put('driftwatch_dataset_drift_share', {}, f.value);
    } else if (f.category === 'prediction_drift') {
      put('driftwatch_prediction_drift', { metric: f.metric.slice('prediction_drift.'.length) }, f.value);
    } else if (f.category === 'explanation_drift' && f.feature) {
      put('driftwatch_explanation_drift', { feature: f.feature }, f.value);
    } else if (f.category === 'fairness' && f.attribute) {
      const metric = middle(f.metric, 'fairness', f.attribute);
      if (metric) {
        put('driftwatch_fairness', { attribute: f.attribute, metric }, f.value);
        put('driftwatch_fairness_severity', { attribute: f.attribute, metric }, sev);
      }
    } else if (f.category === 'performance') {
      if (f.metric.endsWith('.drop')) put('driftwatch_model_performance_drop_ratio', {}, f.value);
      else performanceFinding = f;
    }
  }
  for (const [feature, sev] of featureSeverity) put('driftwatch_feature_drift_severity', { feature }, sev);

  // every metric of the window's labelled predictions; the primary metric's finding otherwise
  const performance = (record.body.metrics as { performance?: { window?: Record<string, unknown> } } | undefined)?.performance?.window;
  let fromWindow = false;
  if (performance && typeof performance === 'object') {
    for (const [metric, value] of Object.entries(performance)) {
      if (metric === 'n' || typeof value !== 'number') continue;
      put('driftwatch_model_performance', { metric }, value);
      fromWindow = true;
    }
  }
  if (!fromWindow && performanceFinding) put('driftwatch_model_performance', { metric: performanceFinding.metric.slice('performance.'.length) }, performanceFinding.value);

  put('driftwatch_model_drift_score', {}, record.aggregated_score);
  if (record.max_severity !== null) put('driftwatch_model_max_severity', {}, SEVERITY_VALUE[record.max_severity]);
  put('driftwatch_analysis_window_predictions', {}, record.sample_count);
  put('driftwatch_analysis_last_success_timestamp_seconds', {}, record.timestamp / 1000);
  return out;
}
