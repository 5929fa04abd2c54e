import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChannelRegistry } from '../../src/alerting/channels/channel-registry.js';
import { DEFAULT_WORKER } from '../../src/alerting/delivery/delivery-config.js';
import { DeliveryWorker } from '../../src/alerting/delivery/delivery-worker.js';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { enqueue, makeAlert, makeIncident } from '../delivery/outbox-fixtures.js';
import { ScriptedChannel } from '../delivery/scripted-channel.js';
import { TEST_PG_URL } from '../store/store-fixtures.js';
import { dropSchema } from './cluster-fixtures.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A receiver shared by every instance: counts each idempotency key and notices two sends of one at once. */
class Receiver {
  readonly delivered = new Map<string, number>();
  readonly order = new Map<string, string[]>();
  readonly overlaps: string[] = [];
  readonly senders = new Set<string>();
  private readonly inFlight = new Set<string>();

  channel(name: string, instance: string): ScriptedChannel {
    const ch = new ScriptedChannel(name, { timeoutMs: 2000 });
    const self = this;
    ch.send = async (n) => {
      if (self.inFlight.has(n.idempotency_key)) self.overlaps.push(n.idempotency_key);
      self.inFlight.add(n.idempotency_key);
      self.senders.add(instance);
      await sleep(Math.random() * 8);
      self.inFlight.delete(n.idempotency_key);
      self.delivered.set(n.idempotency_key, (self.delivered.get(n.idempotency_key) ?? 0) + 1);
      const group = `${n.incident_id}|${name}`;
      self.order.set(group, [...(self.order.get(group) ?? []), n.kind]);
      return {};
    };
    return ch;
  }
}

/**
 * The delivery worker of three instances (three pools on one schema) draining one outbox with
 * FOR UPDATE SKIP LOCKED leases, plus a fourth that claimed a batch and died: every delivery is
 * sent exactly once, never by two instances at the same time, in order per incident and
 * channel, and the dead instance's claims are sent by the others after its lease ends.
 */
describe('delivery from three instances on one PostgreSQL outbox', () => {
  const schema = `dwdeliv_${process.pid}_${Date.now().toString(36)}`;
  const stores: PostgresStore[] = [];
  beforeAll(async () => {
    for (let i = 0; i < 4; i++) stores.push(await PostgresStore.open({ url: TEST_PG_URL, schema, poolSize: 3 }));
    await stores[0].migrate();
  });
  afterAll(async () => {
    for (const s of stores) await s.close();
    await dropSchema(schema);
  });

  it('sends each outbox entry once, one instance at a time, in order; a dead claimer’s entries go after its lease', async () => {
    const now = Date.now() - 1000;
    const channels = ['hook', 'mail'];
    const incidents = Array.from({ length: 30 }, () => makeIncident({ created_at: now }));
    for (const inc of incidents) {
      const alert = makeAlert({ incident_id: inc.incident_id, model_id: inc.model_id, created_at: now });
      await enqueue(stores[0], { kind: 'trigger', alert, incident: inc }, channels, now);
      await enqueue(stores[0], { kind: 'acknowledge', alert, incident: inc, actor: 'jane' }, channels, now);
      await enqueue(stores[0], { kind: 'resolve', alert, incident: inc }, channels, now);
    }
    const total = incidents.length * 3 * channels.length;
    // the fourth instance claims a batch and dies without sending anything
    const orphaned = await stores[3].outbox.claimDeliveries({ owner: 'dead', now: Date.now(), leaseMs: 1500, limit: 10 });
    expect(orphaned).toHaveLength(10);

    const receiver = new Receiver();
    const workers = stores.slice(0, 3).map(
      (s, i) =>
        new DeliveryWorker({
          outbox: s.outbox,
          channels: new ChannelRegistry(channels.map((c) => receiver.channel(c, `instance-${i}`))),
          settings: { ...DEFAULT_WORKER, poll_interval_ms: 50, lease_ms: 5000, concurrency: 4 },
          publicUrl: 'https://dw.example.com',
          owner: `instance-${i}`,
        }),
    );
    const t0 = Date.now();
    for (const w of workers) w.start();
    try {
      for (let waited = 0; (await stores[0].outbox.outboxDepth(Date.now())).pending > 0; waited += 100) {
        expect(waited, 'the outbox did not drain').toBeLessThan(30_000);
        await sleep(100);
      }
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
    }

    expect(receiver.overlaps).toEqual([]);
    expect(receiver.delivered.size).toBe(total);
    expect([...receiver.delivered.values()].every((n) => n === 1)).toBe(true);
    for (const [group, kinds] of receiver.order) expect(kinds, group).toEqual(['trigger', 'acknowledge', 'resolve']);
    const rows = await stores[0].outbox.listDeliveries({ limit: 1000 });
    expect(rows.filter((d) => d.status !== 'sent')).toEqual([]);
    // the dead instance's entries were sent by live ones, only after its lease ran out
    for (const d of orphaned) {
      const row = rows.find((r) => r.delivery_id === d.delivery_id)!;
      expect(row.sent_at! - t0).toBeGreaterThanOrEqual(0);
      expect(row.sent_at!).toBeGreaterThanOrEqual(d.lease_until!);
    }
    // the work was shared
    expect(receiver.senders.size).toBeGreaterThan(1);
  });
});
