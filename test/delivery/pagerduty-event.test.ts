import { describe, expect, it } from 'vitest';
import { sampleNotification } from './notification-fixtures.js';
import { pagerdutyEvent } from '../../src/alerting/channels/pagerduty/pagerduty-event.js';

describe('pagerdutyEvent', () => {
  it('a trigger carries summary, severity, source, the incident as dedup_key and our idempotency key', () => {
    const e = pagerdutyEvent(sampleNotification('trigger'), 'R0UTING') as Record<string, any>;
    expect(e).toMatchObject({ routing_key: 'R0UTING', event_action: 'trigger', dedup_key: 'INC-2026-0001', client: 'driftwatch', client_url: 'https://driftwatch.example.com/incidents/INC-2026-0001' });
    expect(e.payload).toMatchObject({
      summary: 'CRITICAL: Fairness drift detected <script> — model loan-approval',
      source: 'driftwatch/loan-approval',
      severity: 'critical',
      component: 'loan-approval',
      group: 'model',
      class: 'fairness.demographic_parity',
      timestamp: '2026-03-14T09:30:00.000Z',
    });
    expect(e.payload.custom_details.idempotency_key).toBe('INC-2026-0001:1:slack');
  });

  it('acknowledge and resolve are the bare event with the same dedup_key', () => {
    expect(pagerdutyEvent(sampleNotification('acknowledge'), 'K')).toEqual({ routing_key: 'K', event_action: 'acknowledge', dedup_key: 'INC-2026-0001' });
    expect(pagerdutyEvent(sampleNotification('resolve'), 'K')).toEqual({ routing_key: 'K', event_action: 'resolve', dedup_key: 'INC-2026-0001' });
  });
});
