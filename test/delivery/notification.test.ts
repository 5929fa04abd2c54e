import { describe, expect, it } from 'vitest';
import { AT, PUBLIC_URL, sampleDelivery } from './notification-fixtures.js';
import { dashboardLink, toNotification } from '../../src/alerting/delivery/notification.js';

describe('toNotification', () => {
  it('reads the pipeline snapshot: alert metric first, then the incident’s others, links under the public URL', () => {
    const n = toNotification(sampleDelivery('trigger'), { alert: null, incident: null }, `${PUBLIC_URL}/`);
    expect(n).toMatchObject({
      kind: 'trigger',
      idempotency_key: 'INC-2026-0001:1:slack',
      dedup_key: 'INC-2026-0001',
      alert_id: 'ALT-2026-0001',
      incident_id: 'INC-2026-0001',
      severity: 'CRITICAL',
      model_id: 'loan-approval',
      incident_status: 'open',
      started_at: AT,
      occurred_at: AT + 1000,
      links: { alert: `${PUBLIC_URL}/alerts/ALT-2026-0001`, incident: `${PUBLIC_URL}/incidents/INC-2026-0001` },
    });
    expect(n.metrics.map((m) => [m.name, m.value, m.threshold, m.affected_groups])).toEqual([
      ['fairness.demographic_parity', 0.14, 0.1, ['women', 'age 65+']],
      ['data_drift.psi.income', 0.2345678, 0.2, []],
    ]);
  });

  it('carries who acknowledged and why', () => {
    const n = toNotification(sampleDelivery('acknowledge', 'slack', { actor: 'jane', notes: 'looking at the pipeline' }), { alert: null, incident: null }, PUBLIC_URL);
    expect(n).toMatchObject({ kind: 'acknowledge', actor: 'jane', notes: 'looking at the pipeline', idempotency_key: 'INC-2026-0001:2:slack' });
  });

  it('fills what a bare payload lacks from the stored alert and incident, the payload winning where both speak', () => {
    const d = { ...sampleDelivery('trigger'), payload: { alert: { severity: 'WARNING' } } };
    const n = toNotification(d, { alert: { alert_id: 'ALT-2026-0001', severity: 'CRITICAL', title: 'Stored title', metric_name: 'm', metric_value: 2, threshold: 1, created_at: 5 }, incident: { status: 'investigating' } }, PUBLIC_URL);
    expect(n).toMatchObject({ severity: 'WARNING', title: 'Stored title', incident_status: 'investigating', started_at: 5 });
    expect(n.metrics[0]).toEqual({ name: 'm', value: 2, threshold: 1, severity: 'WARNING', affected_groups: [] });
  });

  it('never fails on a malformed payload', () => {
    const d = { ...sampleDelivery('resolve'), payload: { alert: 'x', incident: 7, links: null, kind: 'bogus' } };
    const n = toNotification(d as never, { alert: null, incident: null }, PUBLIC_URL);
    expect(n).toMatchObject({ kind: 'resolve', severity: 'WARNING', metrics: [], title: 'Alert ALT-2026-0001' });
  });

  it('joins paths to the public URL and keeps absolute links', () => {
    expect(dashboardLink('http://h:8080/', '/a/b')).toBe('http://h:8080/a/b');
    expect(dashboardLink('http://h:8080', 'https://x/y')).toBe('https://x/y');
    expect(dashboardLink('http://h', null)).toBeNull();
  });
});
