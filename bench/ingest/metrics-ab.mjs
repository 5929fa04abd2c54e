#!/usr/bin/env node
/**
 * Metrics on vs off, A/B in one process: two apps built from dist/ (the same code `serve` runs,
 * Fastify's inject instead of a socket), each on its own temp SQLite store, one with
 * `DRIFTWATCH_METRICS=false`. The same work alternates between them in ABBA order, unit by
 * unit, and the process CPU time (all threads: the NDJSON parse workers too) of every unit is
 * recorded. Interleaving at this grain puts the drift of a busy shared machine on both sides
 * alike, which separate server processes (metrics-overhead.mjs) cannot.
 *
 *   npm run build && node --expose-gc bench/ingest/metrics-ab.mjs [--units 60] [--rows 5000] [--singles 300]
 *
 * Before each unit the previous one's leftovers are cleared outside the measurement: a full GC
 * (with --expose-gc) and a short pause for background work (block merges, parse workers), so
 * one app's garbage or merge is not billed to the other's next unit.
 *
 * `--aa` runs both apps with metrics off: the difference it reports is the method's own noise.
 *
 * Units: a bulk NDJSON upload of `rows` predictions; `singles` single predictions (POST
 * /api/v1/predictions, one row each, 8 in flight). Prints medians per unit and the difference.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { median } from './http-client.mjs';
import { MODEL, ndjsonBodies, prediction, rng } from './workload.mjs';

const DIST = process.env.DIST ?? new URL('../../dist', import.meta.url).pathname;
const { loadConfig } = await import(`${DIST}/config/config.js`);
const { buildApp } = await import(`${DIST}/server/app.js`);
const { createStore } = await import(`${DIST}/store/create-store.js`);
const { createApiKey } = await import(`${DIST}/server/auth/api-keys.js`);

const { values: opt } = parseArgs({ options: { units: { type: 'string', default: '60' }, rows: { type: 'string', default: '5000' }, singles: { type: 'string', default: '300' }, aa: { type: 'boolean', default: false } } });
const units = Number(opt.units);
const rows = Number(opt.rows);
const singles = Number(opt.singles);
const dir = mkdtempSync(join(tmpdir(), 'dw-bench-ab-'));

async function app(name, env) {
  const store = await createStore({ sqlitePath: join(dir, `${name}.db`), sqliteSynchronous: 'full' });
  const config = loadConfig({ env: { LOG_LEVEL: 'silent', ...env } });
  const a = await buildApp({ config, store, logger: false });
  await a.ready();
  const token = (await createApiKey(store, 'bench', ['admin'], Date.now())).token;
  const headers = { authorization: `Bearer ${token}` };
  const res = await a.inject({ method: 'POST', url: '/api/v1/models', headers, payload: MODEL });
  if (res.statusCode !== 201) throw new Error(`register: ${res.statusCode} ${res.body}`);
  return { name, app: a, store, headers, metricsOn: a.ctx.metrics.enabled };
}

const apps = { on: await app('on', { DRIFTWATCH_METRICS: opt.aa ? 'false' : 'true' }), off: await app('off', { DRIFTWATCH_METRICS: 'false' }) };
if (apps.on.metricsOn === opt.aa || apps.off.metricsOn) throw new Error('the metrics setting did not take');

// the same bodies for both apps (each app has its own store, so no duplicates)
const end = Date.now();
const bodies = ndjsonBodies(units, rows, end);
const r = rng(9);
const singleBodies = Array.from({ length: units }, (_, u) => Array.from({ length: singles }, (_, i) => JSON.stringify(prediction(r, end - 3_600_000 + u * singles + i))));

const cpu = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1e6;
};

async function bulkUnit(t, u) {
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/predictions/bulk', headers: { ...t.headers, 'content-type': 'application/x-ndjson' }, payload: bodies[u] });
  if (res.statusCode !== 200 || res.json().accepted !== rows) throw new Error(`bulk: ${res.statusCode} ${res.body.slice(0, 300)}`);
}

async function singleUnit(t, u) {
  let next = 0;
  const list = singleBodies[u];
  const worker = async () => {
    while (next < list.length) {
      const body = list[next++];
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/predictions', headers: { ...t.headers, 'content-type': 'application/json' }, payload: body });
      if (res.statusCode !== 200) throw new Error(`single: ${res.statusCode} ${res.body.slice(0, 300)}`);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

const samples = { bulk: { on: [], off: [] }, single: { on: [], off: [] } };
async function measure(kind, fn) {
  // one warm-up unit each, not recorded
  for (let u = 0; u < units; u++) {
    const order = u % 2 === 0 ? ['on', 'off'] : ['off', 'on'];
    for (const which of order) {
      globalThis.gc?.();
      await new Promise((r) => setTimeout(r, 30));
      const c0 = cpu();
      await fn(apps[which], u);
      if (u > 0) samples[kind][which].push(cpu() - c0);
    }
  }
}
await measure('bulk', bulkUnit);
await measure('single', singleUnit);

const summary = { units, rows, singles, gc: typeof globalThis.gc === 'function', aa: opt.aa };
for (const kind of ['bulk', 'single']) {
  const on = median(samples[kind].on);
  const off = median(samples[kind].off);
  const sum = (xs) => xs.reduce((s, x) => s + x, 0);
  summary[kind] = {
    cpuMsPerUnitOn: on * 1000,
    cpuMsPerUnitOff: off * 1000,
    differenceOfMedians: (on - off) / off,
    differenceOfTotals: (sum(samples[kind].on) - sum(samples[kind].off)) / sum(samples[kind].off),
  };
}
console.log(JSON.stringify(summary, null, 2));
for (const t of Object.values(apps)) {
  await t.app.close();
  await t.store.close();
}
rmSync(dir, { recursive: true, force: true });
