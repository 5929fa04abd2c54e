/**
 * The service in a process of its own (the outage tests kill it with SIGKILL): the store from
 * DW_DB (SQLite file) or DW_PG_URL + DW_PG_SCHEMA, the alerting pipeline producing incidents
 * for DW_PRODUCE_MS after the start (then `produced N events`), and a delivery worker with two
 * signed webhook channels (hook-a, hook-b) to DW_HOOK_URL, on a ScaledClock shared with the
 * parent. Prints `ready` once it runs; SIGTERM stops it gracefully.
 */
import { createAlerting } from '../../src/alerting/alerting-services.js';
import { ChannelRegistry } from '../../src/alerting/channels/channel-registry.js';
import { WebhookChannel } from '../../src/alerting/channels/webhook/webhook-channel.js';
import { DEFAULT_WORKER } from '../../src/alerting/delivery/delivery-config.js';
import { DeliveryWorker } from '../../src/alerting/delivery/delivery-worker.js';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../src/store/store.js';
import { produceIncidents } from './outage-producer.js';
import { ScaledClock } from './scaled-clock.js';

const env = process.env;
const store: Store = env.DW_PG_URL ? await PostgresStore.open({ url: env.DW_PG_URL, schema: env.DW_PG_SCHEMA, poolSize: 3 }) : SqliteStore.open({ path: env.DW_DB! });
const clock = new ScaledClock(Number(env.DW_EPOCH_REAL), Number(env.DW_EPOCH_SIM), Number(env.DW_SPEED));
const hook = (name: string) => new WebhookChannel({ name, url: `${env.DW_HOOK_URL}/${name}`, secret: env.DW_SECRET ?? null, headers: {}, rate_limit: null, timeout_ms: Number(env.DW_TIMEOUT_MS ?? 300) });
const worker = new DeliveryWorker({
  outbox: store.outbox,
  channels: new ChannelRegistry([hook('hook-a'), hook('hook-b')]),
  settings: {
    ...DEFAULT_WORKER,
    poll_interval_ms: 1000,
    lease_ms: Number(env.DW_LEASE_MS ?? 40_000),
    concurrency: 4,
    retry: { ...DEFAULT_WORKER.retry, base_ms: 1000, max_ms: 20_000, max_attempts: 10_000 },
  },
  publicUrl: 'https://dw.example.com',
  clock,
  owner: `child-${process.pid}`,
  // the server releases a dead run's leases at start on SQLite (one process); PostgreSQL waits for them to expire
  releaseLeasesAtStart: env.DW_RELEASE_AT_START === '1',
  log: (level, msg, fields) => {
    if (env.DW_LOG || msg.startsWith('the lease ended')) process.stderr.write(`${JSON.stringify({ level, msg, ...fields })}\n`);
  },
});
worker.start();
const produceMs = Number(env.DW_PRODUCE_MS ?? 0);
if (produceMs > 0) {
  const produceUntil = Date.now() + produceMs;
  const alerting = await createAlerting(store, {}, () => clock.now(), undefined, ['hook-a', 'hook-b']);
  // no bell here: the worker's poll (1 s simulated) picks the rows up
  produceIncidents(store, alerting, { everyMs: Number(env.DW_PRODUCE_EVERY_MS ?? 30), until: () => Date.now() >= produceUntil, prefix: `p${process.pid}` }).then(
    (n) => process.stderr.write(`produced ${n} events\n`),
    (e: Error) => process.stderr.write(`producer failed: ${e.stack ?? e.message}\n`),
  );
}
process.stdout.write('ready\n');
process.once('SIGTERM', () => {
  void worker.stop().then(async () => {
    await store.close();
    process.exit(0);
  });
});
