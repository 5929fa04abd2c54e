import type { Channel } from '../../src/alerting/channels/channel.js';
import { ChannelRegistry } from '../../src/alerting/channels/channel-registry.js';
import { DEFAULT_WORKER, type WorkerSettings } from '../../src/alerting/delivery/delivery-config.js';
import { DeliveryWorker } from '../../src/alerting/delivery/delivery-worker.js';
import { ManualClock } from '../../src/alerting/delivery/worker-clock.js';
import type { OutboxDelivery } from '../../src/store/delivery-store.js';
import type { Store } from '../../src/store/store.js';
import { sqliteFactory } from '../store/store-fixtures.js';

export const PEER_SETTINGS: WorkerSettings = { ...DEFAULT_WORKER, concurrency: 4, retry: { ...DEFAULT_WORKER.retry, base_ms: 1000, max_ms: 60_000, max_attempts: 8 } };

/** A worker on a fresh SQLite store with real channels, simulated time (starting now) and jitter fixed at 0.5. */
export async function peerWorker(channels: Channel[], settings: WorkerSettings = PEER_SETTINGS) {
  const { store, cleanup } = await sqliteFactory.create();
  const clock = new ManualClock(Date.now());
  const logs: { level: string; msg: string; fields?: Record<string, unknown> }[] = [];
  const worker = new DeliveryWorker({
    outbox: store.outbox,
    channels: new ChannelRegistry(channels),
    settings,
    publicUrl: 'https://dw.example.com',
    clock,
    random: () => 0.5,
    log: (level, msg, fields) => logs.push({ level, msg, fields }),
  });
  return { store, clock, worker, logs, cleanup };
}

/** The delivery rows of an alert (or incident), fresh from the store. */
export const rowsOf = (store: Store, q: { alert_id?: string; incident_id?: string }): Promise<OutboxDelivery[]> => store.outbox.listDeliveries({ ...q, limit: 100 });

/**
 * Jump the clock to the next attempt of the delivery that can go next (per channel, the pending
 * one with the lowest sequence: the later ones wait for it) and run the worker once.
 */
export async function nextAttempt(store: Store, clock: ManualClock, worker: DeliveryWorker, q: { alert_id?: string; incident_id?: string }): Promise<void> {
  const heads = new Map<string, OutboxDelivery>();
  for (const r of await rowsOf(store, q)) {
    if (r.status !== 'pending') continue;
    const head = heads.get(r.channel);
    if (!head || r.sequence < head.sequence) heads.set(r.channel, r);
  }
  if (heads.size) clock.set(Math.max(clock.now(), Math.min(...[...heads.values()].map((r) => r.next_attempt_at))));
  await worker.runOnce();
}
