import { afterEach, describe, expect, it } from 'vitest';
import { ChannelRegistry } from '../../src/alerting/channels/channel-registry.js';
import { DEFAULT_WORKER, type WorkerSettings } from '../../src/alerting/delivery/delivery-config.js';
import { DeliveryError } from '../../src/alerting/delivery/delivery-error.js';
import { DeliveryWorker, type DeliveryWorkerOptions } from '../../src/alerting/delivery/delivery-worker.js';
import { ManualClock } from '../../src/alerting/delivery/worker-clock.js';
import type { Store } from '../../src/store/store.js';
import { sqliteFactory } from '../store/store-fixtures.js';
import { enqueue, makeAlert, makeIncident } from './outbox-fixtures.js';
import { ScriptedChannel } from './scripted-channel.js';

const T = Date.UTC(2026, 0, 1, 12);
const SETTINGS: WorkerSettings = { ...DEFAULT_WORKER, concurrency: 4, retry: { ...DEFAULT_WORKER.retry, base_ms: 1000, max_ms: 60_000, max_attempts: 5 } };
const fail500 = () => {
  throw new DeliveryError('HTTP 500', { retryable: true, status: 500 });
};

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

async function setup(channels: ScriptedChannel[], over: Partial<DeliveryWorkerOptions> = {}) {
  const made = await sqliteFactory.create();
  cleanup = made.cleanup;
  const store: Store = made.store;
  const clock = new ManualClock(T);
  const sent: { channel: string; latencyMs: number; attempts: number }[] = [];
  const worker = new DeliveryWorker({
    outbox: store.outbox,
    channels: new ChannelRegistry(channels),
    settings: SETTINGS,
    publicUrl: 'http://dash',
    clock,
    random: () => 0.5,
    owner: 'w1',
    observer: { sent: (d) => sent.push(d) },
    ...over,
  });
  return { store, clock, worker, sent };
}

describe('DeliveryWorker', () => {
  it('sends, records sent with attempts and latency, and notes the channel on the alert', async () => {
    const hook = new ScriptedChannel('hook');
    const { store, clock, worker, sent } = await setup([hook]);
    const alert = makeAlert();
    const [d] = await enqueue(store, { kind: 'trigger', alert }, ['hook'], T);
    clock.advance(250);
    expect(await worker.runOnce()).toBe(1);
    expect(hook.calls).toEqual([{ key: d.idempotency_key, kind: 'trigger', at: T + 250, attempt: 1, incident: null }]);
    expect(sent).toEqual([{ channel: 'hook', type: 'webhook', kind: 'trigger', latencyMs: 250, attempts: 1 }]);
    const [row] = await store.outbox.listDeliveries({ alert_id: alert.alert_id, limit: 5 });
    expect(row).toMatchObject({ status: 'sent', attempts: 1, sent_at: T + 250 });
    expect(await store.alerting.getAlert(alert.alert_id)).toMatchObject({ status: 'sent', channels_notified: ['hook'] });
  });

  it('retries with exponential backoff and full jitter, then succeeds', async () => {
    const hook = new ScriptedChannel('hook').then(fail500, fail500, fail500);
    const { store, clock, worker } = await setup([hook]);
    const alert = makeAlert();
    await enqueue(store, { kind: 'trigger', alert }, ['hook'], T);
    const schedule: number[] = [];
    for (let i = 0; i < 3; i++) {
      await worker.runOnce();
      const [row] = await store.outbox.listDeliveries({ alert_id: alert.alert_id, limit: 1 });
      expect(row).toMatchObject({ status: 'pending', attempts: i + 1, last_error: 'HTTP 500' });
      schedule.push(row.next_attempt_at - clock.now());
      expect(await worker.runOnce()).toBe(0); // not due yet
      clock.set(row.next_attempt_at);
    }
    // random 0.5 of caps 1 s, 2 s, 4 s
    expect(schedule).toEqual([500, 1000, 2000]);
    await worker.runOnce();
    const [row] = await store.outbox.listDeliveries({ alert_id: alert.alert_id, limit: 1 });
    expect(row).toMatchObject({ status: 'sent', attempts: 4, last_error: null });
    expect(hook.calls.map((c) => c.attempt)).toEqual([1, 2, 3, 4]);
  });

  it('honours Retry-After and pauses the destination for the other deliveries too, without spending their attempts', async () => {
    const hook = new ScriptedChannel('hook').then(() => {
      throw new DeliveryError('HTTP 429', { retryable: true, status: 429, retryAfterMs: 30_000 });
    });
    const { store, clock, worker } = await setup([hook], { settings: { ...SETTINGS, concurrency: 1 } });
    const first = makeAlert();
    const second = makeAlert();
    await enqueue(store, { kind: 'trigger', alert: first }, ['hook'], T - 1);
    await enqueue(store, { kind: 'trigger', alert: second }, ['hook'], T);
    await worker.runOnce(); // first: 429
    await worker.runOnce(); // second: destination paused, put back
    const [a] = await store.outbox.listDeliveries({ alert_id: first.alert_id, limit: 1 });
    const [b] = await store.outbox.listDeliveries({ alert_id: second.alert_id, limit: 1 });
    expect(a).toMatchObject({ attempts: 1, next_attempt_at: T + 30_000, last_error: 'HTTP 429' });
    expect(b).toMatchObject({ attempts: 0, next_attempt_at: T + 30_000 });
    expect(hook.calls).toHaveLength(1);
    clock.set(T + 30_000);
    await worker.runOnce();
    expect(hook.calls.map((c) => c.at)).toEqual([T, T + 30_000]);
  });

  it('fails permanent errors at once, and gives up after max_attempts', async () => {
    const hook = new ScriptedChannel('hook').then(() => {
      throw new DeliveryError('HTTP 404: no_service', { retryable: false, status: 404 });
    });
    const flaky = new ScriptedChannel('flaky').then(fail500, fail500, fail500, fail500, fail500);
    const { store, clock, worker } = await setup([hook, flaky]);
    const a1 = makeAlert();
    const a2 = makeAlert();
    await enqueue(store, { kind: 'trigger', alert: a1 }, ['hook'], T);
    await enqueue(store, { kind: 'trigger', alert: a2 }, ['flaky'], T);
    for (let i = 0; i < 5; i++) {
      await worker.runOnce();
      clock.advance(60_000);
    }
    expect((await store.outbox.listDeliveries({ alert_id: a1.alert_id, limit: 1 }))[0]).toMatchObject({ status: 'failed', attempts: 1, last_error: 'not retryable: HTTP 404: no_service' });
    expect((await store.outbox.listDeliveries({ alert_id: a2.alert_id, limit: 1 }))[0]).toMatchObject({ status: 'failed', attempts: 5, last_error: 'gave up after 5 attempts: HTTP 500' });
    expect((await store.alerting.getAlert(a1.alert_id))?.status).toBe('failed');
  });

  it('spaces sends to a rate-limited destination (Slack: 1/s) and shares the bucket between channels with the same URL', async () => {
    const limit = { per_second: 1, burst: 1 };
    const a = new ScriptedChannel('slack-a', { rateLimit: limit, destination: 'https://hooks.slack/x' });
    const b = new ScriptedChannel('slack-b', { rateLimit: limit, destination: 'https://hooks.slack/x' });
    const { store, worker } = await setup([a, b]);
    for (let i = 0; i < 3; i++) await enqueue(store, { kind: 'trigger', alert: makeAlert() }, ['slack-a', 'slack-b'], T);
    await worker.runOnce(); // 4 in flight: slots at +0, +1, +2, +3 s
    await worker.runOnce();
    const times = [...a.calls, ...b.calls].map((c) => c.at - T).sort((x, y) => x - y);
    expect(times).toEqual([0, 1000, 2000, 3000, 4000, 5000]);
  });

  it('puts a send back when the rate limit would hold it longer than max_rate_wait', async () => {
    const slow = new ScriptedChannel('slow', { rateLimit: { per_second: 0.1, burst: 1 } });
    const { store, worker } = await setup([slow], { settings: { ...SETTINGS, max_rate_wait_ms: 2000 } });
    const first = makeAlert();
    const second = makeAlert();
    await enqueue(store, { kind: 'trigger', alert: first }, ['slow'], T - 1);
    await enqueue(store, { kind: 'trigger', alert: second }, ['slow'], T);
    await worker.runOnce();
    const [row] = await store.outbox.listDeliveries({ alert_id: second.alert_id, limit: 1 });
    expect(row).toMatchObject({ status: 'pending', attempts: 0, next_attempt_at: T + 10_000, lease_owner: null });
    expect(slow.calls).toHaveLength(1);
  });

  it('keeps order per incident: the acknowledgment waits while the trigger is retried', async () => {
    const hook = new ScriptedChannel('hook').then(fail500, fail500);
    const { store, clock, worker } = await setup([hook]);
    const inc = makeIncident();
    const alert = makeAlert({ incident_id: inc.incident_id });
    await enqueue(store, { kind: 'trigger', alert, incident: inc }, ['hook'], T);
    await enqueue(store, { kind: 'acknowledge', alert, incident: inc, actor: 'jane' }, ['hook'], T + 1);
    await enqueue(store, { kind: 'resolve', alert, incident: inc }, ['hook'], T + 2);
    for (let i = 0; i < 8; i++) {
      await worker.runOnce();
      clock.advance(5000);
    }
    expect(hook.calls.map((c) => c.kind)).toEqual(['trigger', 'trigger', 'trigger', 'acknowledge', 'resolve']);
  });

  it('fails deliveries of unknown channels, and records kinds a channel has nothing for as sent without sending', async () => {
    const pd = new ScriptedChannel('pd', { type: 'pagerduty', accepts: ['trigger', 'acknowledge', 'resolve'] });
    const { store, worker } = await setup([pd]);
    const inc = makeIncident();
    const alert = makeAlert({ incident_id: inc.incident_id });
    await enqueue(store, { kind: 'comment', alert, incident: inc, actor: 'bob', notes: 'hmm' }, ['pd', 'gone'], T);
    await worker.runOnce();
    const rows = await store.outbox.listDeliveries({ incident_id: inc.incident_id, limit: 5 });
    expect(rows.map((r) => [r.channel, r.status, r.last_error]).sort()).toEqual([
      ['gone', 'failed', 'channel "gone" is not configured'],
      ['pd', 'sent', null],
    ]);
    expect(pd.calls).toEqual([]);
  });

  it('wake() sends at once instead of at the next poll; stop() lets a send in flight finish and be recorded', async () => {
    let release: () => void = () => undefined;
    const hook = new ScriptedChannel('hook');
    const made = await sqliteFactory.create();
    cleanup = made.cleanup;
    const store = made.store;
    const worker = new DeliveryWorker({ outbox: store.outbox, channels: new ChannelRegistry([hook]), settings: { ...SETTINGS, poll_interval_ms: 60_000 }, publicUrl: 'http://dash' });
    worker.start();
    await new Promise((r) => setTimeout(r, 50)); // the loop is idle, waiting for its (long) poll
    const alert = makeAlert();
    hook.then(() => new Promise((r) => (release = () => r({}))));
    const began = Date.now();
    await enqueue(store, { kind: 'trigger', alert }, ['hook'], Date.now());
    worker.wake();
    while (hook.calls.length === 0) await new Promise((r) => setTimeout(r, 5));
    expect(Date.now() - began).toBeLessThan(1000);
    const stopped = worker.stop();
    setTimeout(() => release(), 100);
    await stopped;
    const [row] = await store.outbox.listDeliveries({ alert_id: alert.alert_id, limit: 1 });
    expect(row.status).toBe('sent');
  });
});
