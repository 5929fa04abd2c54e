import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { type AlertingSnapshot, CHANNEL_TYPES, MAX_CHANNEL_LABELS, alertingMetrics } from './alerting-metrics.js';
import { deliveryObserver } from './alerting-source.js';
import { parseExposition, samplesOf, valueOf } from './exposition.js';

const scrape = async (r: Registry) => parseExposition(await r.metrics());

describe('alertingMetrics', () => {
  it('counts delivery attempts, failures and latency per channel, with every channel type present from the start', async () => {
    const registry = new Registry();
    const m = alertingMetrics(registry);
    let s = await scrape(registry);
    for (const channel of CHANNEL_TYPES) {
      expect(valueOf(s, 'driftwatch_alert_delivery_attempts_total', { channel })).toBe(0);
      expect(valueOf(s, 'driftwatch_alert_delivery_duration_seconds_count', { channel })).toBe(0);
    }
    m.deliveryAttempt('slack', true, 0.3);
    m.deliveryAttempt('slack', false);
    m.deliveryAttempt('slack', true, 12);
    m.deliveryGivenUp('slack');
    m.deliveryAttempt('webhook', true, 0.04);
    m.alertCreated('CRITICAL');
    m.alertCreated('made-up');
    for (let i = 0; i < MAX_CHANNEL_LABELS + 3; i++) m.deliveryAttempt(`team-${i}`, true, 1);
    s = await scrape(registry);
    expect(valueOf(s, 'driftwatch_alert_delivery_attempts_total', { channel: 'slack' })).toBe(3);
    expect(valueOf(s, 'driftwatch_alert_deliveries_given_up_total', { channel: 'slack' })).toBe(1);
    expect(valueOf(s, 'driftwatch_alert_delivery_duration_seconds_count', { channel: 'slack' })).toBe(2); // successes only
    expect(valueOf(s, 'driftwatch_alert_delivery_failures_total', { channel: 'slack' })).toBe(1);
    expect(valueOf(s, 'driftwatch_alert_delivery_failures_total', { channel: 'webhook' })).toBe(0);
    expect(valueOf(s, 'driftwatch_alert_delivery_duration_seconds_bucket', { channel: 'slack', le: '10' })).toBe(1);
    expect(valueOf(s, 'driftwatch_alert_delivery_duration_seconds_bucket', { channel: 'slack', le: '30' })).toBe(2);
    expect(valueOf(s, 'driftwatch_alerts_created_total', { severity: 'critical' })).toBe(1);
    expect(valueOf(s, 'driftwatch_alerts_created_total', { severity: 'other' })).toBe(1);
    expect(valueOf(s, 'driftwatch_alert_delivery_attempts_total', { channel: 'other' })).toBe(5); // slack and webhook took 2 of the 50 places
    expect(new Set(samplesOf(s, 'driftwatch_alert_delivery_attempts_total').map((x) => x.labels.channel)).size).toBe(CHANNEL_TYPES.length + MAX_CHANNEL_LABELS - 2 + 1);
  });

  it('reads the gauges from the source on scrape, at most once per cache period, and retries after a failure', async () => {
    const registry = new Registry();
    let now = 0;
    const errors: unknown[] = [];
    const m = alertingMetrics(registry, { cacheMs: 5000, clock: () => now, onError: (e) => errors.push(e) });
    expect(samplesOf(await scrape(registry), 'driftwatch_incidents_open')).toEqual([]); // no source yet: no series
    let calls = 0;
    let fail = false;
    const snapshot: AlertingSnapshot = { openIncidents: { CRITICAL: 2 }, alertsByStatus: { open: 3, resolved: 9 }, outboxPending: 4, outboxOldestAgeSeconds: 75 };
    m.setSource(async () => {
      calls++;
      if (fail) throw new Error('store down');
      return { ...snapshot };
    });
    let s = await scrape(registry);
    expect(valueOf(s, 'driftwatch_incidents_open', { severity: 'critical' })).toBe(2);
    expect(valueOf(s, 'driftwatch_incidents_open', { severity: 'warning' })).toBe(0);
    expect(valueOf(s, 'driftwatch_alerts', { status: 'resolved' })).toBe(9);
    expect(valueOf(s, 'driftwatch_alert_outbox_pending')).toBe(4);
    expect(valueOf(s, 'driftwatch_alert_outbox_oldest_pending_age_seconds')).toBe(75);
    expect(calls).toBe(1); // four gauges, one read
    now = 4999;
    snapshot.outboxPending = 0;
    expect(valueOf(await scrape(registry), 'driftwatch_alert_outbox_pending')).toBe(4);
    expect(calls).toBe(1);
    now = 5000;
    fail = true;
    s = await scrape(registry);
    expect(valueOf(s, 'driftwatch_alert_outbox_pending')).toBeNaN(); // unknown, not a stale value
    expect(samplesOf(s, 'driftwatch_incidents_open')).toEqual([]);
    expect(errors).toHaveLength(1);
    fail = false;
    expect(valueOf(await scrape(registry), 'driftwatch_alert_outbox_pending')).toBe(0);
    expect(calls).toBe(3);
  });

  it('maps the delivery worker\'s observer onto the metrics by channel type', async () => {
    const registry = new Registry();
    const o = deliveryObserver(alertingMetrics(registry));
    o.sent!({ channel: 'ops-slack', type: 'slack', kind: 'trigger', latencyMs: 1500, attempts: 2 });
    o.retried!({ channel: 'ops-slack', type: 'slack', reason: 'timeout' });
    o.failed!({ channel: 'pd', type: 'pagerduty' });
    o.failed!({ channel: 'gone', type: 'unknown' });
    const s = await scrape(registry);
    expect(valueOf(s, 'driftwatch_alert_delivery_attempts_total', { channel: 'slack' })).toBe(2);
    expect(valueOf(s, 'driftwatch_alert_delivery_failures_total', { channel: 'slack' })).toBe(1);
    expect(valueOf(s, 'driftwatch_alert_delivery_duration_seconds_sum', { channel: 'slack' })).toBe(1.5);
    expect(valueOf(s, 'driftwatch_alert_delivery_attempts_total', { channel: 'pagerduty' })).toBe(1);
    expect(valueOf(s, 'driftwatch_alert_deliveries_given_up_total', { channel: 'pagerduty' })).toBe(1);
    expect(valueOf(s, 'driftwatch_alert_delivery_attempts_total', { channel: 'unknown' })).toBeUndefined(); // nothing was attempted
    expect(valueOf(s, 'driftwatch_alert_deliveries_given_up_total', { channel: 'unknown' })).toBe(1);
  });
});
