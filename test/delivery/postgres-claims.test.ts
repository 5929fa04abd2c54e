import { describe, expect, it } from 'vitest';
import { usePostgresPair } from '../store/store-fixtures.js';
import { enqueue, makeAlert, makeIncident } from './outbox-fixtures.js';

const T = Date.UTC(2026, 0, 1, 12);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('outbox claims on PostgreSQL: two stores (two pools) on one schema', () => {
  const stores = usePostgresPair('dwclaims');

  it('concurrent claimers never hold the same delivery, and each incident’s deliveries go one at a time in sequence', async () => {
    const [a, b] = [stores.a(), stores.b()];
    const incidents = Array.from({ length: 30 }, () => makeIncident());
    for (const inc of incidents) {
      const alert = makeAlert({ incident_id: inc.incident_id, model_id: inc.model_id });
      await enqueue(a, { kind: 'trigger', alert, incident: inc }, ['hook', 'mail'], T);
      await enqueue(a, { kind: 'trigger', alert: makeAlert({ incident_id: inc.incident_id }), incident: inc }, ['hook', 'mail'], T, { insertSubjects: true });
      await enqueue(a, { kind: 'acknowledge', alert, incident: inc, actor: 'jane' }, ['hook', 'mail'], T);
      await enqueue(a, { kind: 'resolve', alert, incident: inc }, ['hook', 'mail'], T);
    }
    const total = incidents.length * 4 * 2;
    const claims: { id: string; owner: string; group: string; sequence: number; order: number }[] = [];
    const inFlight = new Map<string, string>(); // group -> delivery being sent
    const violations: string[] = [];
    let order = 0;
    const claimer = async (store: PostgresStore, owner: string) => {
      for (let idle = 0; idle < 20; ) {
        const got = await store.outbox.claimDeliveries({ owner, now: T + 1000, leaseMs: 600_000, limit: 7 });
        if (got.length === 0) {
          idle++;
          await sleep(5);
          continue;
        }
        idle = 0;
        await Promise.all(
          got.map(async (d) => {
            const group = `${d.incident_id}|${d.channel}`;
            if (inFlight.has(group)) violations.push(`${group}: ${d.delivery_id} claimed while ${inFlight.get(group)} in flight`);
            inFlight.set(group, d.delivery_id);
            claims.push({ id: d.delivery_id, owner, group, sequence: d.sequence, order: order++ });
            await sleep(Math.random() * 4);
            inFlight.delete(group);
            await store.outbox.markDeliverySent(d.delivery_id, { now: T + 2000, attempts: 1 });
          }),
        );
      }
    };
    await Promise.all([claimer(a, 'a1'), claimer(a, 'a2'), claimer(b, 'b1'), claimer(b, 'b2')]);

    expect(violations).toEqual([]);
    expect(claims).toHaveLength(total);
    expect(new Set(claims.map((c) => c.id)).size).toBe(total);
    expect(new Set(claims.map((c) => c.owner)).size).toBeGreaterThan(1);
    const bySeq = new Map<string, number[]>();
    for (const c of [...claims].sort((x, y) => x.order - y.order)) bySeq.set(c.group, [...(bySeq.get(c.group) ?? []), c.sequence]);
    for (const [group, seqs] of bySeq) expect(seqs, group).toEqual([1, 2, 3, 4]);
    expect((await a.outbox.outboxDepth(T + 3000)).pending).toBe(0);
    // every alert has both channels, though two processes marked them concurrently
    for (const inc of incidents.slice(0, 5)) {
      const alerts = await a.alerting.alertsOfIncident(inc.incident_id);
      for (const al of alerts) expect(al.channels_notified.sort()).toEqual(['hook', 'mail']);
    }
  });
});
