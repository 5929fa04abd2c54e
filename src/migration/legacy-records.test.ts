import { describe, expect, it } from 'vitest';
import { alertFrom, canonicalJson, legacyTime, ruleFrom } from './legacy-records.js';

const T = Date.UTC(2024, 11, 24, 12, 50, 34, 123);

describe('legacy records', () => {
  it('reads the tracker’s timestamps: isoformat() without a zone is UTC, numbers are seconds or milliseconds', () => {
    expect(legacyTime('2024-12-24T12:50:34.123456')).toBe(T);
    expect(legacyTime('2024-12-24T12:50:34.123456+00:00')).toBe(T);
    expect(legacyTime('2024-12-24T13:50:34.123+01:00')).toBe(T);
    expect(legacyTime(T / 1000)).toBe(T);
    expect(legacyTime(String(T / 1000))).toBe(T);
    expect(legacyTime(T)).toBe(T);
    for (const bad of ['yesterday', '', null, undefined, '2024-02-30T00:00:00']) expect(legacyTime(bad)).toBeNaN();
  });

  it('gives an alert the same id whether or not it was acknowledged since, and keeps the acknowledgment', () => {
    const line = { timestamp: '2024-12-24T12:50:34.123456', alert_id: 'alert_20241224125034', severity: 'WARNING', title: 'Low accuracy', message: 'm', metric_name: 'accuracy', metric_value: 0.6, threshold: 0.7, component: 'model', model_version: 'v2', acknowledged: false };
    const before = alertFrom(line, 'm');
    const after = alertFrom({ ...line, acknowledged: true, acknowledged_at: '2024-12-24T13:00:00', acknowledged_by: 'ann' }, 'm');
    if ('problem' in before || 'problem' in after) throw new Error('unexpected problem');
    expect(after.alert_id).toBe(before.alert_id);
    expect(before).toMatchObject({ status: 'sent', acknowledged: false, severity: 'WARNING', created_at: T, source: 'external', labels: { legacy_alert_id: 'alert_20241224125034', model_version: 'v2' } });
    expect(after).toMatchObject({ status: 'acknowledged', acknowledged_by: 'ann', acknowledged_at: Date.UTC(2024, 11, 24, 13) });
    // the same legacy id at another time is another alert (the tracker made ids from the second)
    const other = alertFrom({ ...line, timestamp: '2024-12-24T12:50:34.900' }, 'm');
    expect('alert_id' in other && other.alert_id).not.toBe(before.alert_id);
    expect(alertFrom({ ...line, severity: 'fatal' }, 'm')).toEqual({ problem: 'severity must be info, warning or critical' });
  });

  it('maps rules: comparison words, known metrics, cooldown minutes, last_triggered', () => {
    const r = ruleFrom({ rule_id: 'acc low!', metric_name: 'f1_score', comparison: 'less_than', threshold: '0.7', severity: 'critical', cooldown_minutes: 15, channels: ['CONSOLE', 'AlertChannel.SLACK'], last_triggered: 1735044634.123 }, 'm', 5);
    if ('problem' in r) throw new Error(r.problem);
    expect(r.rule).toMatchObject({ rule_id: 'legacy-acc_low_', metric: 'performance.f1', comparison: '<', threshold: 0.7, severity: 'CRITICAL', cooldown_ms: 900_000, channels: ['console', 'slack'], models: ['m'] });
    expect(r.lastTriggered).toBe(T);
    expect(r.notes).toEqual([]);
    const custom = ruleFrom({ rule_id: 'x', metric_name: 'queue_depth', comparison: '>', threshold: 5, severity: 'info', conditions: { max_value: 9 } }, 'm', 5);
    if ('problem' in custom) throw new Error(custom.problem);
    expect(custom.rule.metric).toBe('queue_depth');
    expect(custom.rule.description).toContain('Legacy conditions: {"max_value":9}');
    expect(custom.notes).toHaveLength(2);
    expect(ruleFrom({ rule_id: 'y', metric_name: 'a', comparison: '~', threshold: 1, severity: 'info' }, 'm', 5)).toMatchObject({ problem: expect.stringMatching(/^comparison "~"/) });
  });

  it('canonical JSON ignores key order', () => {
    expect(canonicalJson({ b: [1, { d: 2, c: null }], a: 'x' })).toBe(canonicalJson({ a: 'x', b: [1, { c: null, d: 2 }] }));
  });
});
