import { describe, expect, it } from 'vitest';
import { DEFAULT_LIFECYCLE, combineOverrides, mergeLifecycle, parseLifecycleOverrides } from './lifecycle-config.js';

describe('lifecycle settings', () => {
  it('defaults follow the seed: gates f1/DI [0.8, 1.25]/p95 < 100 ms/sign-off; monthly, PSI > 0.2, drop > 10%', () => {
    const c = mergeLifecycle(null);
    expect(c).toEqual(DEFAULT_LIFECYCLE);
    expect(c.triggers.schedule.cron).toBe('0 0 1 * *');
    expect([c.gates.disparate_impact.min, c.gates.disparate_impact.max, c.gates.latency_p95.max_ms]).toEqual([0.8, 1.25, 100]);
  });

  it('merges overrides deeply over the defaults', () => {
    const c = mergeLifecycle({ gates: { latency_p95: { max_ms: 250 } }, triggers: { schedule: { enabled: false } } });
    expect(c.gates.latency_p95).toEqual({ ...DEFAULT_LIFECYCLE.gates.latency_p95, max_ms: 250 });
    expect(c.triggers.schedule).toEqual({ enabled: false, cron: '0 0 1 * *' });
    expect(combineOverrides({ gates: { sign_off: { enabled: false } } }, { gates: { latency_p95: { max_ms: 5 } } })).toEqual({ gates: { sign_off: { enabled: false }, latency_p95: { max_ms: 5 } } });
  });

  it('names every bad key', () => {
    let details: unknown;
    try {
      parseLifecycleOverrides({ gates: { latency_p95: { max_ms: -1 }, nope: true, disparate_impact: { min: 0.9, max: 1.1 } }, triggers: { schedule: { cron: 'every day' } } });
    } catch (e) {
      details = (e as { details: unknown }).details;
    }
    const fields = (details as { problems: { field: string }[] }).problems.map((p) => p.field).sort();
    expect(fields).toEqual(['gates.latency_p95.max_ms', 'gates.nope', 'triggers.schedule.cron']);
    expect(() => parseLifecycleOverrides({ gates: { disparate_impact: { min: 1, max: 1 } } })).toThrow(/min must be below max/);
    expect(parseLifecycleOverrides({ gates: { primary_metric: { metric: 'rmse', higher_is_better: null } } })).toEqual({ gates: { primary_metric: { metric: 'rmse', higher_is_better: null } } });
  });
});
