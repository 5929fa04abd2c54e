import { describe, expect, it } from 'vitest';
import { openIncident } from './incident-lifecycle.js';
import { notifiedChannels, outboxRows } from './outbox.js';
import type { Alert, AlertCandidate, Delivery } from './types.js';

const c: AlertCandidate = { source: 'rule', rule_id: 'r', model_id: 'm', metric: 'data_drift.psi.income', value: 0.4, threshold: 0.25, severity: 'CRITICAL', component: 'model', title: 'PSI', message: 'psi = 0.4', affected_groups: [], labels: {}, monitoring_record_id: 'MON-1', period: null, channels: [] };
const alert = { alert_id: 'ALT-1', incident_id: 'INC-1', model_id: 'm', rule_id: 'r', metric_name: c.metric, metric_value: 0.4, threshold: 0.25, severity: 'CRITICAL', status: 'pending', source: 'rule', component: 'model', title: 'PSI', message: 'm', created_at: 1000, acknowledged: false, acknowledged_by: null, acknowledged_at: null, acknowledgment_notes: null, resolved_at: null, fingerprint: null, channels_notified: [], labels: {}, affected_groups: [], monitoring_record_id: 'MON-1' } as Alert;

describe('outbox rows', () => {
  it('one pending row per distinct channel, sharing the sequence, with unique idempotency keys', () => {
    const incident = openIncident('INC-1', c, 'ALT-1', 1000);
    const rows = outboxRows({ kind: 'trigger', alert, incident }, ['slack', 'pagerduty', 'slack'], 3, 2000);
    expect(rows.map((r) => [r.channel, r.sequence, r.idempotency_key, r.status, r.next_attempt_at])).toEqual([
      ['slack', 3, 'INC-1:3:slack', 'pending', 2000],
      ['pagerduty', 3, 'INC-1:3:pagerduty', 'pending', 2000],
    ]);
    expect(new Set(rows.map((r) => r.delivery_id)).size).toBe(2);
    expect(rows[0].payload).toMatchObject({ kind: 'trigger', sequence: 3, dedup_key: 'INC-1', alert: { alert_id: 'ALT-1', created_at: '1970-01-01T00:00:01.000Z' }, incident: { incident_id: 'INC-1', status: 'open' }, links: { alert: '/alerts/ALT-1', incident: '/incidents/INC-1' } });
  });

  it('an alert without an incident is its own scope; an event needs one of them', () => {
    const rows = outboxRows({ kind: 'resolve', alert: { ...alert, incident_id: null }, incident: null, actor: 'alertmanager' }, ['console'], 2, 5);
    expect(rows[0]).toMatchObject({ idempotency_key: 'ALT-1:2:console', incident_id: null, payload: { dedup_key: 'ALT-1', actor: 'alertmanager', incident: null } });
    expect(() => outboxRows({ kind: 'resolve', alert: null, incident: null }, ['x'], 1, 1)).toThrow();
  });

  it('notified channels: triggers not given up, plus what the worker recorded', () => {
    const d = (channel: string, kind: Delivery['kind'], status: Delivery['status']) => ({ channel, kind, status }) as Delivery;
    expect(notifiedChannels([d('slack', 'trigger', 'sent'), d('pagerduty', 'trigger', 'failed'), d('email', 'trigger', 'pending'), d('webhook', 'acknowledge', 'sent')], [{ ...alert, channels_notified: ['file'] }])).toEqual(['email', 'file', 'slack']);
  });
});
