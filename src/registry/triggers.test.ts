import { describe, expect, it } from 'vitest';
import type { MonitoringRecordRow } from '../store/monitoring-store.js';
import { DEFAULT_LIFECYCLE, mergeLifecycle } from './lifecycle-config.js';
import { DEFAULT_SETTINGS, type Model, parseModelSchema } from '../domain/model-schema.js';
import { coolingDown, scheduledCandidate, triggersFromRecord } from './triggers.js';

const T = Date.UTC(2026, 3, 10, 6);
const LOAN: Model = {
  model_id: 'loan',
  name: 'loan',
  description: '',
  schema_version: 1,
  schema: parseModelSchema({
    task: 'binary_classification',
    labels: ['approve', 'deny'],
    features: [
      { name: 'income', type: 'numeric', key: true },
      { name: 'gender', type: 'categorical', protected: true },
    ],
    explanation_features: [],
  }),
  settings: { ...DEFAULT_SETTINGS },
  created_at: 0,
  updated_at: 0,
};

function record(psi: Record<string, number>, drop: number | null, status: MonitoringRecordRow['status'] = 'completed'): MonitoringRecordRow {
  return {
    record_id: 'MON-2026-1',
    model_id: 'loan',
    status,
    timestamp: T,
    period_start: T - 86_400_000,
    period_end: T,
    sample_count: 1000,
    baseline_id: 'SNAP-1',
    aggregated_score: 0.3,
    max_severity: 'WARNING',
    duration_ms: 1,
    trigger: 'schedule',
    error: null,
    body: {
      metrics: {
        data_drift: { psi: Object.fromEntries(Object.entries(psi).map(([k, v]) => [k, { value: v, severity: 'WARNING' }])) },
        performance: { primary_metric: 'f1', window: { f1: 0.7 }, baseline: { f1: 0.8 }, drop: { value: drop } },
      },
    },
  };
}

describe('retraining triggers', () => {
  const t = DEFAULT_LIFECYCLE.triggers;

  it('data drift fires for PSI above 0.2 on key features only', () => {
    // income is key; gender is not
    expect(triggersFromRecord(record({ income: 0.2, gender: 0.9 }, null), LOAN, t)).toEqual([]);
    const [c] = triggersFromRecord(record({ income: 0.31, gender: 0.9 }, null), LOAN, t);
    expect(c).toMatchObject({ kind: 'data_drift', dedup_key: 'data_drift:MON-2026-1', record_id: 'MON-2026-1', details: { psi: { income: 0.31 }, threshold: 0.2 } });
    expect(c.reason).toBe('PSI above 0.2 on key feature income (0.310)');
  });

  it('a performance drop fires above 10% (relative to the baseline)', () => {
    expect(triggersFromRecord(record({}, 0.1), LOAN, t)).toEqual([]);
    const [c] = triggersFromRecord(record({}, 0.125), LOAN, t);
    expect(c).toMatchObject({ kind: 'performance_drop', details: { metric: 'f1', drop: 0.125, window_value: 0.7, baseline_value: 0.8 } });
    expect(c.reason).toBe('f1 dropped 12.5% against the baseline (more than 10.0%)');
  });

  it('respects the per-model settings and ignores records that did not complete', () => {
    const off = mergeLifecycle({ triggers: { data_drift: { enabled: false }, performance_drop: { drop: 0.2 } } }).triggers;
    expect(triggersFromRecord(record({ income: 0.9 }, 0.15), LOAN, off)).toEqual([]);
    expect(triggersFromRecord(record({ income: 0.9 }, 0.5, 'skipped'), LOAN, t)).toEqual([]);
    expect(triggersFromRecord(record({ income: 0.9 }, 0.5), LOAN, t).map((c) => c.kind)).toEqual(['data_drift', 'performance_drop']);
  });

  it('the monthly schedule is due once per tick, within a day of it, for models that existed then', () => {
    const tick = Date.UTC(2026, 3, 1);
    expect(scheduledCandidate(t.schedule.cron, tick + 3600_000, 0)).toMatchObject({ kind: 'schedule', dedup_key: 'schedule:2026-04-01T00:00:00.000Z' });
    expect(scheduledCandidate(t.schedule.cron, tick, 0)?.dedup_key).toBe('schedule:2026-04-01T00:00:00.000Z');
    expect(scheduledCandidate(t.schedule.cron, tick + 2 * 86_400_000, 0)).toBeNull();
    expect(scheduledCandidate(t.schedule.cron, tick + 3600_000, tick + 1)).toBeNull();
  });

  it('cools down for the configured hours', () => {
    expect(coolingDown(null, T, 168)).toBe(false);
    expect(coolingDown(T - 167 * 3600_000, T, 168)).toBe(true);
    expect(coolingDown(T - 168 * 3600_000, T, 168)).toBe(false);
  });
});
