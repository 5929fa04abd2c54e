import { describe, expect, it } from 'vitest';
import type { MonitoringRecordRow } from '../../store/monitoring-store.js';
import type { FeatureDrift } from '../data-drift.js';
import { recordToReport } from './from-record.js';
import { renderText } from './render-text.js';

const T = Date.UTC(2026, 0, 2);

function record(status: MonitoringRecordRow['status'], body: Record<string, unknown>, extra: Partial<MonitoringRecordRow> = {}): MonitoringRecordRow {
  return { record_id: 'MON-2026-X', model_id: 'm', status, timestamp: T, period_start: T - 86_400_000, period_end: T, sample_count: 0, baseline_id: 'SNAP-1', aggregated_score: null, max_severity: null, duration_ms: 1, trigger: 'manual', body, error: null, ...extra };
}

const numeric: FeatureDrift = {
  feature: 'x',
  type: 'numeric',
  default_test: 'ks',
  tests: [
    { test: 'ks', statistic: 0.4, p_value: 0.001, value: 0.001, threshold: 0.05, direction: 'p_value_below', drift_detected: true },
    { test: 'psi', statistic: 0.3, p_value: null, value: 0.3, threshold: 0.1, direction: 'value_at_or_above', drift_detected: true },
  ],
  psi: { value: 0.3, severity: 'CRITICAL' },
  drift_detected: true,
  severity: 'CRITICAL',
  quality: { missing_rate_reference: 0, missing_rate_current: 0.1, missing_rate_change: 0.1, severity: 'WARNING' },
  histogram: { edges: [0, 1, 2], reference: [30, 10], current: [5, 15] },
  current_summary: { count: 20, missing: 2 },
};

const categories = Array.from({ length: 15 }, (_, i) => `c${String(i).padStart(2, '0')}`);
const categorical: FeatureDrift = {
  ...numeric,
  feature: 'c',
  type: 'categorical',
  default_test: 'chi_square',
  tests: [{ test: 'chi_square', statistic: 1, p_value: 0.5, value: 0.5, threshold: 0.05, direction: 'p_value_below', drift_detected: false }],
  psi: { value: 0.01, severity: 'INFO' },
  drift_detected: false,
  severity: 'INFO',
  // c00 and c01 are rare on both sides: they fall into `other`
  histogram: { categories, reference: categories.map((_, i) => (i < 2 ? 0.001 : 0.998 / 13)), current: categories.map((_, i) => (i < 2 ? 0.002 : 0.996 / 13)) },
  current_summary: { count: 100, missing: 0 },
};

const metrics = {
  data_drift: { features: { x: numeric, c: categorical }, psi: {}, dataset_drift_share: { value: 0.5, severity: 'CRITICAL', drifted_features: ['x'] } },
  model_drift: { prediction_shift: { value: 0.02, severity: 'INFO', metric: 'psi' }, proxy: { confidence_mean: null, confidence_std: null, mean_entropy: null, class_share_entropy: null } },
  fairness_drift: {},
  performance: { primary_metric: 'f1', window: { n: 0, judged: false }, rolling: {}, baseline: null, drop: { value: null, level: 'none', severity: 'INFO' }, rollback_recommended: false },
  explanation_drift: null,
};

describe('recordToReport', () => {
  it('maps features: counts to shares, the decisive test, rare categories summed as other', () => {
    const report = recordToReport(record('completed', { metrics }, { sample_count: 22, max_severity: 'CRITICAL', aggregated_score: 0.5 }), {
      baseline: { summary: { features: { x: { count: 40, missing: 0 }, c: { count: 100, missing: 3 } } }, sample_count: 40 } as never,
    });
    expect(report.title).toBe('Monitoring record MON-2026-X · m (CRITICAL, score 0.50)');
    expect(report.reference).toEqual({ name: 'baseline SNAP-1', rows: 40 });
    expect(report.summary).toMatchObject({ features_tested: 2, features_drifted: 1, drift_share: 0.5, dataset_drift: true, severity: 'CRITICAL' });
    const [x, c] = report.features;
    expect(x).toMatchObject({ name: 'x', decided_by: 'ks', drift_detected: true, psi: 0.3, severity: 'CRITICAL', count: { reference: 40, current: 20 }, missing: { reference: 0, current: 2 } });
    expect(x.distribution).toEqual({ kind: 'numeric', edges: [0, 1, 2], reference: [0.75, 0.25], current: [0.25, 0.75] });
    expect(c.missing.reference).toBe(3);
    const d = c.distribution!;
    expect(d.kind).toBe('categorical');
    if (d.kind === 'categorical') {
      expect(d.categories).toEqual(categories.slice(2, 14));
      expect(d.other.reference).toBeCloseTo(0.002 + 0.998 / 13, 9);
    }
    expect(report.performance).toBeUndefined();
    expect(renderText(report)).toMatch(/x +\| numeric +\| ks /);
  });

  it('gives skipped and failed records a report without features that says why', () => {
    const skipped = recordToReport(record('skipped', { skipped_reason: 'only 3 predictions in the window; at least 200 are needed' }));
    expect(skipped.title).toContain('skipped: only 3 predictions');
    expect(skipped.features).toEqual([]);
    expect(skipped.summary).toMatchObject({ features_tested: 0, dataset_drift: false, severity: 'INFO' });
    const failed = recordToReport(record('failed', {}, { error: 'baseline SNAP-1 failed its integrity check' }));
    expect(failed.title).toContain('failed: baseline SNAP-1 failed its integrity check');
    expect(failed.summary.severity).toBe('CRITICAL');
  });
});
