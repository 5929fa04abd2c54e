import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { type AlertingSnapshot, MAX_CHANNEL_LABELS, alertingMetrics } from './alerting-metrics.js';
import { parseExposition, samplesOf, valueOf } from './exposition.js';

const scrape = async (r: Registry) => parseExposition(await r.metrics());

describe('alertingMetrics', () => {
  it('counts delivery attempts, failures, given-up deliveries and attempt durations per channel; declared channels start at 0', async () => {
    const registry = new Registry();
    const m = alertingMetrics(registry);
    expect(samplesOf(await scrape(registry), 'driftwatch_alert_delivery_attempts_total')).toEqual([]);
    m.declareChannels(['ops-slack', 'oncall']);
    let s = await scrape(registry);
    for (const channel of ['ops-slack', 'oncall']) {
      expect(valueOf(s, 'driftwatch_alert_delivery_attempts_total', { channel })).toBe(0);
      expect(valueOf(s, 'driftwatch_alert_delivery_failures_total', { channel })).toBe(0);
      expect(valueOf(s, 'driftwatch_alert_deliveries_given_up_total', { channel })).toBe(0);
      expect(valueOf(s, 'driftwatch_alert_delivery_duration_seconds_count', { channel })).toBe(0);
    }
    m.deliveryAttempt('ops-slack', true, 0.3);
    m.deliveryAttempt('ops-slack', false, 12); // a timeout is a slow attempt too
    m.deliveryAttempt('ops-slack', false);
    m.deliveryGivenUp('ops-slack');
    m.deliveryAttempt('oncall', true, 0.04);
    m.alertCreated('CRITICAL');
    m.alertCreated('made-up');
    for (let i = 0; i < MAX_CHANNEL_LABELS + 3; i++) m.deliveryAttempt(`team-${i}`, true, 1);
    s = await scrape(registry);
    expect(valueOf(s, 'driftwatch_alert_delivery_attempts_total', { channel: 'ops-slack' })).toBe(3);
    expect(valueOf(s, 'driftwatch_alert_delivery_failures_total', { channel: 'ops-slack' })).toBe(2);
    expect(valueOf(s, 'driftwatch_alert_deliveries_given_up_total', { channel: 'ops-slack' })).toBe(1);
    expect(valueOf(s, 'driftwatch_alert_delivery_failures_total', { channel: 'oncall' })).toBe(0);
    expect(valueOf(s, 'driftwatch_alert_delivery_failures_total', { channel: 'team-0' })).toBe(0); // first seen in an attempt: every series exists
    expect(valueOf(s, 'driftwatch_alert_deliveries_given_up_total', { channel: 'team-0' })).toBe(0);
    expect(valueOf(s, 'driftwatch_alert_delivery_duration_seconds_count', { channel: 'ops-slack' })).toBe(2);
    expect(valueOf(s, 'driftwatch_alert_delivery_duration_seconds_bucket', { channel: 'ops-slack', le: '10' })).toBe(1);
    expect(valueOf(s, 'driftwatch_alert_delivery_duration_seconds_bucket', { channel: 'ops-slack', le: '30' })).toBe(2);
    expect(valueOf(s, 'driftwatch_alerts_created_total', { severity: 'critical' })).toBe(1);
    expect(valueOf(s, 'driftwatch_alerts_created_total', { severity: 'other' })).toBe(1);
    expect(valueOf(s, 'driftwatch_alert_delivery_attempts_total', { channel: 'other' })).toBe(5); // the two declared took 2 of the 50 places
    expect(new Set(samplesOf(s, 'driftwatch_alert_delivery_attempts_total').map((x) => x.labels.channel)).size).toBe(MAX_CHANNEL_LABELS + 1);
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
});
