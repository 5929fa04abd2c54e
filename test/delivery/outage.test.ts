import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { verifySignature } from '../../src/alerting/channels/webhook/webhook-signature.js';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../src/store/store.js';
import { TEST_PG_URL } from '../store/store-fixtures.js';
import { HttpReceiver } from './http-receiver.js';
import { ScaledClock } from './scaled-clock.js';
import { startWorkerChild, type WorkerChild } from './worker-child.js';

const SECRET = 'whsec-outage-0123456789';
/** simulated time runs 50x: 8 s of test are ~7 minutes */
const SPEED = 50;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c().catch(() => undefined);
});

interface Backend {
  name: string;
  workers: number;
  open(): Promise<{ store: Store; env: Record<string, string> }>;
}

const BACKENDS: Backend[] = [
  {
    name: 'sqlite, one worker process',
    workers: 1,
    async open() {
      const dir = mkdtempSync(join(tmpdir(), 'dw-outage-'));
      const path = join(dir, 'dw.db');
      const store = SqliteStore.open({ path });
      await store.migrate();
      closers.push(async () => {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      });
      // as the server does on the embedded store: a restarted process releases the dead one's leases
      return { store, env: { DW_DB: path, DW_RELEASE_AT_START: '1' } };
    },
  },
  {
    name: 'postgres, two worker processes on one schema',
    workers: 2,
    async open() {
      const schema = `dwoutage_${process.pid}_${Date.now().toString(36)}`;
      const store = await PostgresStore.open({ url: TEST_PG_URL, schema, poolSize: 4 });
      await store.migrate();
      closers.push(async () => {
        await store.close();
        const c = new pg.Client({ connectionString: TEST_PG_URL });
        await c.connect();
        await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await c.end();
      });
      // several processes: a dead one's leases are taken over when they expire
      return { store, env: { DW_PG_URL: TEST_PG_URL, DW_PG_SCHEMA: schema } };
    },
  },
];

describe.each(BACKENDS)('outage: receiver down for minutes, the service killed mid-send and restarted ($name)', (backend) => {
  it('every alert, acknowledgment and resolution arrives exactly once per channel, in order per incident', async () => {
    const rx = await HttpReceiver.start({ status: 200, body: 'ok' });
    closers.push(() => rx.close());
    const { store, env } = await backend.open();
    const clock = new ScaledClock(Date.now(), Date.UTC(2026, 0, 5, 9), SPEED);

    // leases of 200 s simulated (4 s real) outlast any send; a killed worker's are taken over after them
    const childEnv = { ...env, ...clock.env(), DW_HOOK_URL: `http://127.0.0.1:${rx.port}`, DW_SECRET: SECRET, DW_LEASE_MS: '200000' };
    let children: WorkerChild[] = [];
    // the first process produces incidents too (the service: pipeline and worker in one process)
    const all: WorkerChild[] = [];
    const startAll = async (produceMs: number) => {
      children = await Promise.all(Array.from({ length: backend.workers }, (_, i) => startWorkerChild({ ...childEnv, DW_PRODUCE_MS: i === 0 ? String(produceMs) : '0' })));
      all.push(...children);
    };
    closers.push(async () => {
      for (const c of children) await c.kill();
    });
    await startAll(60_000); // killed long before

    // the receiver: up, then down for minutes (connection refused)…
    await sleep(500);
    await rx.down();
    await sleep(1200);
    // …back for a moment but answering nothing: the service is killed while it waits
    rx.fallback = 'hang';
    await rx.up();
    const hangingFrom = rx.received.length;
    await rx.waitFor(hangingFrom + 1, 5000).catch((e: Error) => {
      throw new Error(`${e.message}\n${children.map((c) => c.output().slice(-3000)).join('\n---\n')}`);
    });
    await sleep(50);
    for (const c of children) await c.kill();
    const hung = rx.received.slice(hangingFrom).map((r) => String(r.headers['idempotency-key']));
    await rx.down();
    rx.fallback = { status: 200, body: 'ok' };
    // restarted while the receiver is still down; incidents keep coming for a while
    const restartedAt = clock.now();
    await startAll(2500);
    await sleep(1500);
    await rx.up();

    // once production has ended and the receiver is back, everything drains
    const deadline = Date.now() + 25_000;
    while (!/produced \d+ events/.test(children[0].output()) && Date.now() < deadline) await sleep(100);
    while ((await store.outbox.outboxDepth(clock.now())).pending > 0 && Date.now() < deadline) await sleep(100);
    for (const c of children) await c.stop();
    const rows = await store.outbox.listDeliveries({ limit: 10_000 });
    const simulatedMinutes = (clock.now() - clock.epochSim) / 60_000;
    expect(simulatedMinutes).toBeGreaterThan(4);
    // how many depends on the machine's speed; every kind must be there (checked below)
    expect(rows.length).toBeGreaterThan(12);
    expect(rows.filter((r) => r.status !== 'sent').map((r) => [r.idempotency_key, r.status, r.last_error])).toEqual([]);
    expect(new Set(rows.map((r) => r.kind))).toEqual(new Set(['trigger', 'acknowledge', 'resolve']));
    // deliveries were written while the receiver was down and after the restart
    expect(rows.filter((r) => r.created_at > restartedAt).length).toBeGreaterThan(5);

    // the receiver counts by idempotency key: every delivery accepted exactly once
    const accepted = new Map<string, number>();
    for (const r of rx.received) {
      if (r.answered !== 200) continue;
      const key = String(r.headers['idempotency-key']);
      accepted.set(key, (accepted.get(key) ?? 0) + 1);
      expect(verifySignature(r.body, SECRET, r.headers['x-driftwatch-signature'] as string)).toBe(true);
    }
    const outputs = all.map((c) => c.output()).join('\n');
    expect([...accepted.entries()].filter(([, n]) => n !== 1), outputs.slice(-4000)).toEqual([]);
    expect(outputs).not.toContain('the lease ended');
    expect([...accepted.keys()].sort()).toEqual(rows.map((r) => r.idempotency_key).sort());
    // what was in flight at the kill was sent again after the restart, and accepted once
    expect(hung.length).toBeGreaterThan(0);
    for (const key of hung) expect(accepted.get(key)).toBe(1);

    // in order per incident and channel: acceptance follows the outbox sequence
    const byKey = new Map(rows.map((r) => [r.idempotency_key, r]));
    const lastSeq = new Map<string, number>();
    for (const r of rx.received) {
      if (r.answered !== 200) continue;
      const d = byKey.get(String(r.headers['idempotency-key']))!;
      const group = `${d.incident_id ?? d.alert_id}|${d.channel}`;
      expect(d.sequence, `${group} went out of order`).toBeGreaterThan(lastSeq.get(group) ?? 0);
      lastSeq.set(group, d.sequence);
    }
    // and the alerts say where they went
    const alertIds = [...new Set(rows.filter((r) => r.kind === 'trigger').map((r) => r.alert_id!))];
    for (const id of alertIds.slice(0, 10)) expect((await store.alerting.getAlert(id))?.channels_notified.sort()).toEqual(['hook-a', 'hook-b']);
  });
});
