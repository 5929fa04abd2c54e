import { describe, expect, it } from 'vitest';
import { alertmanagerCandidate, fingerprintOf, severityFromLabel } from './alertmanager.js';

describe('Alertmanager alerts as candidates', () => {
  it('maps severity labels', () => {
    expect(['critical', 'Page', 'error', 'warning', 'WARN', 'info', 'none', undefined, 'odd'].map((s) => severityFromLabel(s))).toEqual(['CRITICAL', 'CRITICAL', 'CRITICAL', 'WARNING', 'WARNING', 'INFO', 'INFO', 'WARNING', 'WARNING']);
  });

  it('maps labels and annotations', () => {
    const c = alertmanagerCandidate({
      status: 'firing',
      labels: { alertname: 'HighErrorRate', model: 'loan', service: 'api', severity: 'critical', instance: 'a:1' },
      annotations: { summary: 'error rate 7 %', description: 'above 5 % for 10 m', value: '0.07', threshold: 'n/a' },
      fingerprint: 'abc',
    });
    expect(c).toMatchObject({ source: 'alertmanager', metric: 'HighErrorRate', model_id: 'loan', component: 'api', severity: 'CRITICAL', title: 'error rate 7 %', message: 'above 5 % for 10 m', value: 0.07, threshold: null, fingerprint: 'abc', rule_id: null });
    expect(c.labels.instance).toBe('a:1');
    const bare = alertmanagerCandidate({ status: 'firing', labels: { alertname: 'InstanceDown', job: 'node', instance: 'b:2' } });
    expect(bare).toMatchObject({ model_id: null, component: 'node', title: 'InstanceDown on b:2', severity: 'WARNING' });
  });

  it('makes a stable fingerprint from the labels when none is sent', () => {
    const a = fingerprintOf({ status: 'firing', labels: { b: '2', a: '1' } });
    expect(a).toBe(fingerprintOf({ status: 'resolved', labels: { a: '1', b: '2' } }));
    expect(a).not.toBe(fingerprintOf({ status: 'firing', labels: { a: '1', b: '3' } }));
    expect(fingerprintOf({ status: 'firing', labels: {}, fingerprint: 'given' })).toBe('given');
  });
});
