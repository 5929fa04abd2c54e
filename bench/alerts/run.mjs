#!/usr/bin/env node
/**
 * bench/alerts: alert delivery latency, from the end of an analysis to the receiver.
 *
 *   npm run build && node bench/alerts/run.mjs [--models 100] [--rounds 3] [--rows 2000]
 *       [--backend sqlite|postgres] [--concurrency 0] [--json out.json]
 *
 * Each round starts the real server (dist/, startServer: the delivery worker, its outbox bell,
 * a signed webhook channel to a receiver on loopback), registers `--models` copies of the demo
 * loan model with a baseline and a drifted day of traffic (income x1.3: a CRITICAL PSI finding),
 * then runs analyze-now for all of them at once over HTTP (or --concurrency at a time). Every
 * trigger delivery's latency is its arrival at the receiver minus the end of the analysis that
 * raised it (the record's timestamp + duration), split at the moment alerting had committed the
 * outbox rows: to_commit (analysis end -> rows committed: storing the record and its job run,
 * rule evaluation, the alert transaction; to_alerting is its first part, up to the moment
 * alerting starts on the record) and after_commit (rows committed -> receiver: the delivery
 * worker). The split points are read where the server's code resumes after each step, so under
 * a busy event loop they are a little late (after_commit can even be negative). Also: the outbox's own latency (row written -> received), the
 * event-loop delay during the analyses, and how long they took. SQLite files live in bench/.work/alerts; PostgreSQL uses a
 * fresh schema of DRIFTWATCH_BENCH_PG_URL per round.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';

const { values: opt } = parseArgs({
  options: {
    models: { type: 'string', default: '100' },
    rounds: { type: 'string', default: '3' },
    rows: { type: 'string', default: '2000' },
    backend: { type: 'string', default: 'sqlite' },
    concurrency: { type: 'string', default: '0' },
    json: { type: 'string' },
  },
});
const MODELS = Number(opt.models);
const ROWS = Number(opt.rows);
const DIST = process.env.DIST ?? new URL('../../dist', import.meta.url).pathname;
const WORK = new URL('../.work/alerts/', import.meta.url).pathname;
const PG_URL = process.env.DRIFTWATCH_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const log = (m) => console.error(m);

const { startServer } = await import(`${DIST}/server/server.js`);
const { loadConfig } = await import(`${DIST}/config/config.js`);
const { LOAN_MODEL, loanTraffic } = await import(`${DIST}/demo/loan-model.js`);

/**
 * The receiver, on a thread of its own (as a real one would be on another machine: the server's
 * busy event loop must not delay its clock): notes when each idempotency key first arrived.
 */
function receiver() {
  const code = `
    const { createServer } = require('node:http');
    const { parentPort } = require('node:worker_threads');
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        parentPort.postMessage({ key: String(req.headers['idempotency-key']), at: Date.now() });
        res.writeHead(200).end('ok');
      });
    });
    server.listen(0, '127.0.0.1', () => parentPort.postMessage({ port: server.address().port }));
    parentPort.on('message', () => server.close(() => process.exit(0)));`;
  const thread = new Worker(code, { eval: true });
  const arrivals = new Map();
  return new Promise((resolve) => {
    thread.on('message', (m) => {
      if (m.port) resolve({ arrivals, port: m.port, close: () => new Promise((r) => (thread.once('exit', r), thread.postMessage('stop'))) });
      else if (!arrivals.has(m.key)) arrivals.set(m.key, m.at);
    });
  });
}

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
const summary = (values) => {
  const s = [...values].sort((a, b) => a - b);
  return { n: s.length, p50: pct(s, 50), p95: pct(s, 95), p99: pct(s, 99), max: s[s.length - 1] };
};

async function dropPg(schema) {
  const { default: pg } = await import('pg');
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await c.end();
}

async function round(i) {
  const rx = await receiver();
  const dir = `${WORK}round-${i}`;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const file = `${dir}/driftwatch.yaml`;
  writeFileSync(file, `channels:\n  hook:\n    type: webhook\n    url: http://127.0.0.1:${rx.port}/hook\n    secret: bench-secret-0123456789\n`);
  const schema = `bench_alerts_${i}`;
  const env = { DRIFTWATCH_DB: `${dir}/dw.db`, DRIFTWATCH_PORT: '0', DRIFTWATCH_SCHEDULER: 'false', DRIFTWATCH_LOG_LEVEL: 'warn', DRIFTWATCH_SQLITE_SYNCHRONOUS: 'normal' };
  if (opt.backend === 'postgres') {
    await dropPg(schema);
    Object.assign(env, { DATABASE_URL: PG_URL, DRIFTWATCH_PG_SCHEMA: schema });
  }
  const server = await startServer(loadConfig({ file, env }), { print: () => undefined });
  const key = server.bootstrapKey;
  const call = async (method, path, body) => {
    const res = await fetch(`${server.url}${path}`, { method, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
    return JSON.parse(text);
  };

  const now = Date.now();
  const ids = Array.from({ length: MODELS }, (_, m) => `loan-${m}`);
  for (const [m, modelId] of ids.entries()) {
    await call('POST', '/api/v1/models', { ...LOAN_MODEL, model_id: modelId });
    const v = loanTraffic(ROWS, { seed: 10_000 * i + m, from: now - 30 * 86_400_000, to: now - 29 * 86_400_000, idPrefix: 'v-' });
    await call('POST', '/api/v1/monitoring/baselines', { model_id: modelId, validation_data: v.predictions.map((p, k) => ({ ...p, actual: v.outcomes[k].actual })) });
    const day = loanTraffic(ROWS, { seed: 20_000 * i + m, from: now - 23 * 3_600_000, to: now - 60_000, idPrefix: 'd-', incomeShift: 1.3 });
    await call('POST', '/api/v1/predictions', day.predictions.map((p) => ({ ...p, model_id: modelId })));
  }
  log(`round ${i}: ${MODELS} models ready; analysing them all at once`);

  // when alerting starts judging a record (after the record and its job run are stored), and
  // when its transaction has committed the outbox rows
  const judging = new Map();
  const committed = new Map();
  const service = server.app.ctx.alerting.service;
  const onRecord = service.onRecord.bind(service);
  service.onRecord = (record, model) => {
    judging.set(record.record_id, Date.now());
    return onRecord(record, model).then((r) => (committed.set(record.record_id, Date.now()), r));
  };
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  const t0 = Date.now();
  // all at once (0), or at most --concurrency at a time, as the scheduler's bounded concurrency does
  const limit = Number(opt.concurrency) || ids.length;
  const queue = [...ids];
  await Promise.all(Array.from({ length: limit }, async () => {
    for (let m = queue.shift(); m !== undefined; m = queue.shift()) await call('POST', '/api/v1/monitoring/analyze-now', { model_id: m });
  }));
  const analysedMs = Date.now() - t0;
  lag.disable();
  const store = server.store;
  const deadline = Date.now() + 120_000;
  let triggers = [];
  for (;;) {
    triggers = (await store.outbox.listDeliveries({ limit: 100_000 })).filter((d) => d.kind === 'trigger');
    if ((triggers.length >= MODELS && triggers.every((d) => rx.arrivals.has(d.idempotency_key))) || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const fromAnalysis = [];
  const outbox = [];
  const afterCommit = [];
  const toCommit = [];
  const toJudging = [];
  const recordEnd = new Map();
  for (const d of triggers) {
    const arrived = rx.arrivals.get(d.idempotency_key);
    if (arrived === undefined) continue;
    const alert = await store.alerting.getAlert(d.alert_id);
    const recordId = alert?.monitoring_record_id;
    if (!recordEnd.has(recordId)) {
      const r = await store.getRecord(recordId);
      recordEnd.set(recordId, r ? r.timestamp + r.duration_ms : null);
    }
    const end = recordEnd.get(recordId);
    if (end !== null) fromAnalysis.push(arrived - end);
    outbox.push(arrived - d.created_at);
    if (committed.has(recordId)) afterCommit.push(arrived - committed.get(recordId));
    if (committed.has(recordId) && end !== null) toCommit.push(committed.get(recordId) - end);
    if (judging.has(recordId) && end !== null) toJudging.push(judging.get(recordId) - end);
  }
  const missing = triggers.filter((d) => !rx.arrivals.has(d.idempotency_key)).length;
  await server.close();
  await rx.close();
  if (opt.backend === 'postgres') await dropPg(schema);
  return { round: i, analyses_ms: analysedMs, event_loop_delay_ms: { p50: Math.round(lag.percentile(50) / 1e6), p99: Math.round(lag.percentile(99) / 1e6), max: Math.round(lag.max / 1e6) }, triggers: triggers.length, missing, models_alerted: new Set(triggers.map((d) => d.incident_id)).size, from_analysis: summary(fromAnalysis), outbox: summary(outbox), to_alerting: summary(toJudging), to_commit: summary(toCommit), after_commit: summary(afterCommit) };
}

const results = [];
for (let i = 0; i < Number(opt.rounds); i++) {
  const r = await round(i);
  results.push(r);
  log(JSON.stringify(r));
}
const medianOf = (k, f) => summary(results.map((r) => r[k][f])).p50;
const out = {
  backend: opt.backend,
  models: MODELS,
  concurrency: Number(opt.concurrency) || MODELS,
  rows_per_model: ROWS,
  rounds: results,
  median_p95_from_analysis_ms: medianOf('from_analysis', 'p95'),
  median_p50_from_analysis_ms: medianOf('from_analysis', 'p50'),
  median_p95_outbox_ms: medianOf('outbox', 'p95'),
  median_p95_to_commit_ms: medianOf('to_commit', 'p95'),
  median_p95_after_commit_ms: medianOf('after_commit', 'p95'),
};
console.log(JSON.stringify(out, null, 2));
if (opt.json) writeFileSync(opt.json, JSON.stringify(out, null, 2));
