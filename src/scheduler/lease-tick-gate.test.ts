import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresStore } from '../store/postgres/postgres-store.js';
import { LeaseTickGate } from './lease-tick-gate.js';

/** the machine's PostgreSQL (as in test/store/store-fixtures.ts) */
const TEST_PG_URL = process.env.DRIFTWATCH_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Three instances: three pools on one schema, each with its own gate. */
describe('LeaseTickGate on PostgreSQL', () => {
  const schema = `dwgate_${process.pid}_${Date.now().toString(36)}`;
  const stores: PostgresStore[] = [];
  let gates: LeaseTickGate[] = [];
  beforeAll(async () => {
    for (let i = 0; i < 3; i++) stores.push(await PostgresStore.open({ url: TEST_PG_URL, schema, poolSize: 3 }));
    await stores[0].migrate();
  });
  afterAll(async () => {
    for (const g of gates) g.close();
    for (const s of stores) await s.close();
    const c = new pg.Client({ connectionString: TEST_PG_URL });
    await c.connect();
    await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await c.end();
  });
  const makeGates = (leaseMs: number) => {
    for (const g of gates) g.close();
    gates = stores.map((s, i) => new LeaseTickGate(s.cluster, { owner: `i${i}`, leaseMs, pollMs: 100 }));
    return gates;
  };

  it('grants a tick to one of three instances; the others wait and stand down when it is done', async () => {
    const [a, b, c] = makeGates(5000);
    const tick = Date.UTC(2026, 0, 1, 0, 0, 5);
    const claims = [a, b, c].map((g) => g.claim('analysis:m1', tick));
    const first = await Promise.race(claims.map((p, i) => p.then((lease) => ({ lease, i }))));
    expect(first.lease).not.toBeNull();
    expect(first.lease!.takeover).toBe(false);
    await sleep(300);
    const others = claims.filter((_, i) => i !== first.i);
    // still waiting: the holder's lease is live
    const settled = await Promise.race([Promise.all(others).then(() => 'settled'), sleep(200).then(() => 'waiting')]);
    expect(settled).toBe('waiting');
    await first.lease!.done('succeeded');
    expect(await Promise.all(others)).toEqual([null, null]);
    const roles = gates.map((g) => g.roles()['analysis:m1']);
    expect(roles.filter((r) => r.role === 'leader')).toHaveLength(1);
    expect(roles.filter((r) => r.role === 'follower' && r.state === 'done')).toHaveLength(2);
    expect(roles.every((r) => r.tick_at === tick && r.holder === `i${first.i}`)).toBe(true);
    // the tick is done: a late instance is told so at once
    expect(await a.claim('analysis:m1', tick)).toBeNull();
  });

  it('takes over a tick whose holder died, within about one lease time', async () => {
    const [a, b] = makeGates(1000);
    const tick = Date.UTC(2026, 0, 1, 0, 0, 10);
    // a holder that claimed and died: no renewals, never done
    expect((await stores[2].cluster.claimTick({ job: 'retention', tickAt: tick }, 'dead', 1000)).granted).toBe(true);
    const t0 = Date.now();
    const claims = [a.claim('retention', tick), b.claim('retention', tick)];
    const taker = await Promise.race(claims);
    const waited = Date.now() - t0;
    expect(taker).not.toBeNull();
    expect(taker!.takeover).toBe(true);
    expect(waited).toBeGreaterThan(500);
    expect(waited).toBeLessThan(3000);
    await taker!.done('succeeded');
    // the other instance stands down once the taker is done
    expect((await Promise.all(claims)).filter((l) => l === null)).toHaveLength(1);
    expect(Object.values(gates.map((g) => g.roles().retention)).filter((r) => r?.role === 'takeover')).toHaveLength(1);
  });

  it('keeps a long run’s lease alive by renewing it: nobody takes over a live holder', async () => {
    const [a, b] = makeGates(1000);
    const tick = Date.UTC(2026, 0, 1, 0, 0, 15);
    const lease = await a.claim('self-monitoring', tick);
    expect(lease).not.toBeNull();
    const waiting = b.claim('self-monitoring', tick);
    await sleep(2500); // two and a half lease times
    expect(lease!.lost.aborted).toBe(false);
    await lease!.done('failed');
    expect(await waiting).toBeNull();
    expect(b.roles()['self-monitoring']).toMatchObject({ role: 'follower', state: 'done', holder: 'i0' });
  });

  it('tells a holder it lost its lease when another instance took the tick over', async () => {
    const [a] = makeGates(1000);
    const tick = Date.UTC(2026, 0, 1, 0, 0, 20);
    const lease = await a.claim('analysis:m2', tick);
    // another instance steals the tick as if a's lease had run out
    await stores[1].pgPool.query(`UPDATE ${schema}.job_ticks SET owner = 'thief' WHERE job = 'analysis:m2'`);
    await sleep(800);
    expect(lease!.lost.aborted).toBe(true);
    await lease!.done('succeeded');
    const [row] = await stores[1].cluster.tickStates([{ job: 'analysis:m2', tickAt: tick }]);
    expect(row).toMatchObject({ owner: 'thief', status: 'running' });
  });
});
