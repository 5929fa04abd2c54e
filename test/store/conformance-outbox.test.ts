import { afterEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/store.js';
import { enqueue, makeAlert, makeIncident } from '../delivery/outbox-fixtures.js';
import { STORE_FACTORIES } from './store-fixtures.js';

const T = Date.UTC(2026, 0, 1, 12);
const LEASE = 60_000;

describe.each(STORE_FACTORIES)('store conformance: delivery outbox ($name)', (factory) => {
  // claims see every due row of a store, so each test has a store of its own
  let cleanup: (() => Promise<void>) | undefined;
  const open = async (): Promise<Store> => {
    const made = await factory.create();
    cleanup = made.cleanup;
    return made.store;
  };
  afterEach(async () => {
    await cleanup?.();
    cleanup = undefined;
  });

  it('claims due deliveries oldest first, one per (incident, channel) in flight, the next once the earlier is done', async () => {
    const store = await open();
    const inc = makeIncident();
    const a1 = makeAlert({ incident_id: inc.incident_id });
    const t1 = await enqueue(store, { kind: 'trigger', alert: a1, incident: inc }, ['slack', 'email'], T);
    const ack = await enqueue(store, { kind: 'acknowledge', alert: a1, incident: inc, actor: 'jane' }, ['slack', 'email'], T + 10);
    const res = await enqueue(store, { kind: 'resolve', alert: a1, incident: inc }, ['slack'], T + 20);
    const other = makeAlert(); // no incident: ordered by its own alert
    const o1 = await enqueue(store, { kind: 'trigger', alert: other }, ['slack'], T + 5);

    const first = await store.outbox.claimDeliveries({ owner: 'w1', now: T + 100, leaseMs: LEASE, limit: 10 });
    expect(first.map((d) => d.delivery_id).sort()).toEqual([...t1, ...o1].map((d) => d.delivery_id).sort());
    expect(first[0].created_at).toBeLessThanOrEqual(first[first.length - 1].created_at);
    expect(first.every((d) => d.lease_owner === 'w1' && d.lease_until === T + 100 + LEASE)).toBe(true);
    // nothing else is due while the triggers are pending
    expect(await store.outbox.claimDeliveries({ owner: 'w2', now: T + 100, leaseMs: LEASE, limit: 10 })).toEqual([]);

    const slackTrigger = t1.find((d) => d.channel === 'slack')!;
    await store.outbox.markDeliverySent(slackTrigger.delivery_id, { now: T + 200, attempts: 1 });
    const next = await store.outbox.claimDeliveries({ owner: 'w1', now: T + 200, leaseMs: LEASE, limit: 10 });
    expect(next.map((d) => d.delivery_id)).toEqual([ack.find((d) => d.channel === 'slack')!.delivery_id]);

    // a failed earlier delivery does not hold the later ones back
    const emailTrigger = t1.find((d) => d.channel === 'email')!;
    expect(await store.outbox.markDeliveryFailed(emailTrigger.delivery_id, 'w1', { attempts: 3, last_error: 'HTTP 400', now: T + 300 })).toBe(true);
    const after = await store.outbox.claimDeliveries({ owner: 'w1', now: T + 300, leaseMs: LEASE, limit: 10 });
    expect(after.map((d) => d.delivery_id)).toEqual([ack.find((d) => d.channel === 'email')!.delivery_id]);
    expect(res).toHaveLength(1);
  });

  it('leases: a claimed delivery waits for its lease to end; a stale owner cannot record a retry or failure', async () => {
    const store = await open();
    const [d] = await enqueue(store, { kind: 'trigger', alert: makeAlert() }, ['webhook'], T);
    expect(await store.outbox.claimDeliveries({ owner: 'dead', now: T, leaseMs: LEASE, limit: 5 })).toHaveLength(1);
    expect(await store.outbox.claimDeliveries({ owner: 'w2', now: T + LEASE - 1, leaseMs: LEASE, limit: 5 })).toEqual([]);
    const again = await store.outbox.claimDeliveries({ owner: 'w2', now: T + LEASE, leaseMs: LEASE, limit: 5 });
    expect(again.map((x) => [x.delivery_id, x.lease_owner])).toEqual([[d.delivery_id, 'w2']]);
    expect(await store.outbox.scheduleDeliveryRetry(d.delivery_id, 'dead', { attempts: 1, next_attempt_at: T, last_error: 'x' })).toBe(false);
    expect(await store.outbox.markDeliveryFailed(d.delivery_id, 'dead', { attempts: 1, last_error: 'x', now: T })).toBe(false);
    // the receiver took it: recorded whoever sent it
    await store.outbox.markDeliverySent(d.delivery_id, { now: T + LEASE + 5, attempts: 2 });
    const [row] = await store.outbox.listDeliveries({ alert_id: d.alert_id!, limit: 10 });
    expect(row).toMatchObject({ status: 'sent', sent_at: T + LEASE + 5, attempts: 2, lease_owner: null, lease_until: null });
  });

  it('retries wait for next_attempt_at and keep attempts and the last error; leases can be released', async () => {
    const store = await open();
    const [d] = await enqueue(store, { kind: 'trigger', alert: makeAlert() }, ['webhook'], T);
    await store.outbox.claimDeliveries({ owner: 'w1', now: T, leaseMs: LEASE, limit: 5 });
    expect(await store.outbox.scheduleDeliveryRetry(d.delivery_id, 'w1', { attempts: 1, next_attempt_at: T + 5000, last_error: 'HTTP 503' })).toBe(true);
    expect(await store.outbox.claimDeliveries({ owner: 'w1', now: T + 4999, leaseMs: LEASE, limit: 5 })).toEqual([]);
    const [again] = await store.outbox.claimDeliveries({ owner: 'w1', now: T + 5000, leaseMs: LEASE, limit: 5 });
    expect(again).toMatchObject({ attempts: 1, last_error: 'HTTP 503', next_attempt_at: T + 5000 });

    expect(await store.outbox.releaseDeliveryLeases('someone-else')).toBe(0);
    expect(await store.outbox.releaseDeliveryLeases('w1')).toBe(1);
    expect(await store.outbox.claimDeliveries({ owner: 'w2', now: T + 5001, leaseMs: LEASE, limit: 5 })).toHaveLength(1);
    expect(await store.outbox.releaseDeliveryLeases(null)).toBe(1);
  });

  it('a sent trigger adds its channel to channels_notified once and makes a pending alert sent; an acknowledged alert keeps its status', async () => {
    const store = await open();
    const alert = makeAlert();
    const rows = await enqueue(store, { kind: 'trigger', alert }, ['slack', 'email'], T);
    for (const d of rows) await store.outbox.markDeliverySent(d.delivery_id, { now: T + 1, attempts: 1 });
    await store.outbox.markDeliverySent(rows[0].delivery_id, { now: T + 2, attempts: 2 }); // a late second sender
    let stored = await store.alerting.getAlert(alert.alert_id);
    expect(stored?.channels_notified.sort()).toEqual(['email', 'slack']);
    expect(stored?.status).toBe('sent');

    const acked = makeAlert({ status: 'acknowledged', acknowledged: true });
    const [d] = await enqueue(store, { kind: 'trigger', alert: acked }, ['pagerduty'], T);
    await store.outbox.markDeliverySent(d.delivery_id, { now: T + 1, attempts: 1 });
    stored = await store.alerting.getAlert(acked.alert_id);
    expect(stored).toMatchObject({ status: 'acknowledged', channels_notified: ['pagerduty'] });
  });

  it('an alert is failed only when none of its triggers is pending or sent', async () => {
    const store = await open();
    const alert = makeAlert();
    const [slack, email] = await enqueue(store, { kind: 'trigger', alert }, ['slack', 'email'], T);
    await store.outbox.claimDeliveries({ owner: 'w', now: T, leaseMs: LEASE, limit: 5 });
    await store.outbox.markDeliveryFailed(slack.delivery_id, 'w', { attempts: 1, last_error: 'HTTP 404', now: T });
    expect((await store.alerting.getAlert(alert.alert_id))?.status).toBe('pending');
    await store.outbox.markDeliveryFailed(email.delivery_id, 'w', { attempts: 1, last_error: 'SMTP 550', now: T });
    expect((await store.alerting.getAlert(alert.alert_id))?.status).toBe('failed');
  });

  it('reports depth, timings and the stored subject of a delivery', async () => {
    const store = await open();
    const inc = makeIncident({ metrics_triggered: [] });
    const alert = makeAlert({ incident_id: inc.incident_id });
    const [slack, email] = await enqueue(store, { kind: 'trigger', alert, incident: inc }, ['slack', 'email'], T);
    await enqueue(store, { kind: 'trigger', alert: makeAlert() }, ['slack'], T + 50);
    await store.outbox.claimDeliveries({ owner: 'w', now: T + 100, leaseMs: LEASE, limit: 5 });
    await store.outbox.markDeliverySent(slack.delivery_id, { now: T + 400, attempts: 1 });
    await store.outbox.scheduleDeliveryRetry(email.delivery_id, 'w', { attempts: 1, next_attempt_at: T + 10_000, last_error: 'timeout' });

    const depth = await store.outbox.outboxDepth(T + 500);
    expect(depth).toEqual({ pending: 2, due: 1, failed: 0, oldest_pending_at: T, by_channel: [{ channel: 'email', pending: 1, failed: 0 }, { channel: 'slack', pending: 1, failed: 0 }] });
    expect(await store.outbox.deliveryTimings({ from: T, to: T + 1000 })).toEqual([
      { delivery_id: slack.delivery_id, channel: 'slack', kind: 'trigger', created_at: T, sent_at: T + 400, attempts: 1 },
    ]);
    expect(await store.outbox.deliveryTimings({ from: T + 401, to: T + 1000 })).toEqual([]);

    const subject = await store.outbox.deliverySubject(alert.alert_id, inc.incident_id);
    expect(subject.alert).toMatchObject({ alert_id: alert.alert_id, metric_name: 'data_drift.psi.income', affected_groups: ['age 65+'], channels_notified: ['slack'] });
    expect(subject.incident).toMatchObject({ incident_id: inc.incident_id, status: 'open', metrics_triggered: [] });
    expect(await store.outbox.deliverySubject(null, 'INC-none')).toEqual({ alert: null, incident: null });
  });
});
