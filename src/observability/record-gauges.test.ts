import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../analysis/types.js';
import type { MonitoringRecordRow } from '../store/monitoring-store.js';
import { parseExposition, samplesOf, valueOf } from './exposition.js';
import { monitoringMetrics } from './monitoring-metrics.js';
import { recordGauges } from './record-gauges.js';

const f = (metric: string, category: Finding['category'], value: number | null, severity: Finding['severity'], extra: Partial<Finding> = {}): Finding => ({ metric, category, value, threshold: null, severity, ...extra });

function record(over: Partial<MonitoringRecordRow> & { findings?: Finding[]; performance?: Record<string, unknown> } = {}): MonitoringRecordRow {
  const { findings, performance, ...rest } = over;
  return {
    record_id: 'MON-1',
    model_id: 'loan',
    status: 'completed',
    timestamp: 1_800_000_000_000,
    period_start: 0,
    period_end: 0,
    sample_count: 3000,
    baseline_id: 'SNAP-1',
    aggregated_score: 0.42,
    max_severity: 'CRITICAL',
    duration_ms: 1500,
    trigger: 'manual',
    error: null,
    body: { findings: findings ?? [], metrics: performance ? { performance: { window: performance } } : {} },
    ...rest,
  };
}

const FINDINGS: Finding[] = [
  f('data_drift.psi.income', 'data_drift', 0.77, 'CRITICAL', { feature: 'income' }),
  f('data_drift.wasserstein.income', 'data_drift', 1.04, 'WARNING', { feature: 'income' }),
  f('data_drift.psi.debt.ratio', 'data_drift', 0.01, 'INFO', { feature: 'debt.ratio' }),
  f('data_drift.ks.debt.ratio', 'data_drift', 0.02, 'INFO', { feature: 'debt.ratio' }),
  f('data_quality.out_of_range.income', 'data_quality', 0.01, 'INFO', { feature: 'income' }),
  f('data_drift.dataset_drift_share', 'data_drift', 0.1, 'INFO'),
  f('prediction_drift.prediction_shift', 'prediction_drift', 0.15, 'WARNING'),
  f('fairness.disparate_impact.gender', 'fairness', 0.16, 'CRITICAL', { attribute: 'gender' }),
  f('fairness.demographic_parity.gender', 'fairness', 0.05, 'WARNING', { attribute: 'gender' }),
  f('performance.accuracy', 'performance', 0.58, 'INFO'),
  f('performance.accuracy.drop', 'performance', 0.12, 'CRITICAL'),
  f('explanation_drift.divergence.income', 'explanation_drift', 0.3, 'CRITICAL', { feature: 'income' }),
  f('explanation_drift.rank_correlation', 'explanation_drift', 1, 'INFO'),
  f('data_drift.psi.age', 'data_drift', null, 'INFO', { feature: 'age' }),
];

describe('recordGauges', () => {
  it('turns a completed record into latest-value gauges labelled by model, feature, attribute and metric', () => {
    const values = recordGauges(record({ findings: FINDINGS, performance: { n: 1500, accuracy: 0.58, f1: 0.39, judged: true } }));
    const get = (gauge: string, labels: Record<string, string>) => values.filter((v) => v.gauge === gauge && Object.entries(labels).every(([k, x]) => v.labels[k] === x)).map((v) => v.value);
    expect(get('driftwatch_feature_drift', { feature: 'income', test: 'psi' })).toEqual([0.77]);
    expect(get('driftwatch_feature_drift', { feature: 'income', test: 'wasserstein' })).toEqual([1.04]);
    expect(get('driftwatch_feature_drift', { feature: 'debt.ratio', test: 'ks' })).toEqual([0.02]);
    expect(get('driftwatch_feature_drift', { feature: 'age' })).toEqual([]); // no value, no sample
    expect(get('driftwatch_feature_drift_severity', { feature: 'income' })).toEqual([2]);
    expect(get('driftwatch_feature_drift_severity', { feature: 'debt.ratio' })).toEqual([0]);
    expect(get('driftwatch_dataset_drift_share', {})).toEqual([0.1]);
    expect(get('driftwatch_prediction_drift', { metric: 'prediction_shift' })).toEqual([0.15]);
    expect(get('driftwatch_explanation_drift', { feature: 'income' })).toEqual([0.3]);
    expect(get('driftwatch_fairness', { attribute: 'gender', metric: 'disparate_impact' })).toEqual([0.16]);
    expect(get('driftwatch_fairness_severity', { attribute: 'gender', metric: 'demographic_parity' })).toEqual([1]);
    expect(get('driftwatch_model_performance', {}).sort()).toEqual([0.39, 0.58]);
    expect(get('driftwatch_model_performance_drop_ratio', {})).toEqual([0.12]);
    expect(get('driftwatch_model_drift_score', {})).toEqual([0.42]);
    expect(get('driftwatch_model_max_severity', {})).toEqual([2]);
    expect(get('driftwatch_analysis_window_predictions', {})).toEqual([3000]);
    expect(get('driftwatch_analysis_last_success_timestamp_seconds', {})).toEqual([1_800_000_000]);
    expect(values.every((v) => v.labels.model === 'loan')).toBe(true);
  });

  it('falls back to the primary metric finding when the window has no metrics', () => {
    const values = recordGauges(record({ findings: [f('performance.mae', 'performance', 3.5, 'INFO')] }));
    expect(values.filter((v) => v.gauge === 'driftwatch_model_performance')).toEqual([{ gauge: 'driftwatch_model_performance', labels: { model: 'loan', metric: 'mae' }, value: 3.5 }]);
  });
});

describe('monitoringMetrics', () => {
  it('counts every record, and a new completed record replaces the model\'s series (a dropped feature disappears)', async () => {
    const registry = new Registry();
    const m = monitoringMetrics(registry);
    m.record(record({ findings: FINDINGS }));
    m.record(record({ model_id: 'other', findings: [f('data_drift.psi.x', 'data_drift', 0.3, 'CRITICAL', { feature: 'x' })] }));
    m.record(record({ status: 'skipped', timestamp: 1_800_000_100_000, aggregated_score: null, duration_ms: 20 }));
    m.record(record({ status: 'failed', timestamp: 1_800_000_200_000, duration_ms: 30 }));
    let s = parseExposition(await registry.metrics());
    expect(valueOf(s, 'driftwatch_feature_drift', { model: 'loan', feature: 'income', test: 'psi' })).toBe(0.77);
    expect(valueOf(s, 'driftwatch_analysis_last_success_timestamp_seconds', { model: 'loan' })).toBe(1_800_000_000);
    for (const status of ['completed', 'skipped', 'failed']) expect(valueOf(s, 'driftwatch_analyses_total', { model: 'loan', status })).toBe(1);
    expect(valueOf(s, 'driftwatch_analysis_duration_seconds_count', { model: 'loan' })).toBe(3);
    expect(valueOf(s, 'driftwatch_analysis_duration_seconds_bucket', { model: 'loan', le: '0.05' })).toBe(2);

    m.record(record({ timestamp: 1_800_000_300_000, aggregated_score: 0.1, findings: [f('data_drift.psi.income', 'data_drift', 0.05, 'INFO', { feature: 'income' })] }));
    // an older record arriving late changes no gauge
    m.record(record({ timestamp: 1_700_000_000_000, aggregated_score: 0.9, findings: [] }));
    s = parseExposition(await registry.metrics());
    expect(valueOf(s, 'driftwatch_feature_drift', { model: 'loan', feature: 'income', test: 'psi' })).toBe(0.05);
    expect(samplesOf(s, 'driftwatch_feature_drift', { model: 'loan', feature: 'debt.ratio' })).toEqual([]);
    expect(samplesOf(s, 'driftwatch_fairness', { model: 'loan' })).toEqual([]);
    expect(valueOf(s, 'driftwatch_model_drift_score', { model: 'loan' })).toBe(0.1);
    expect(valueOf(s, 'driftwatch_feature_drift', { model: 'other', feature: 'x', test: 'psi' })).toBe(0.3);
    expect(valueOf(s, 'driftwatch_analyses_total', { model: 'loan', status: 'completed' })).toBe(3);
  });
});
