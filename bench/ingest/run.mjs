#!/usr/bin/env node
/**
 * bench/ingest: ingestion over real HTTP on the embedded store.
 *
 *   npm run build && node bench/ingest/run.mjs [--backend sqlite|postgres] [--bodies 200] [--rows 5000] [--concurrency 3]
 *       [--repeat 3] [--rate 2000] [--seconds 20] [--skip-naive] [--skip-single] [--json out.json]
 *
 * Each repeat starts fresh servers on fresh temp databases: the naive baseline, then driftwatch
 * (`node dist/cli/main.js serve`, SQLite with synchronous=FULL), both fed the same
 * pre-generated NDJSON bodies. Then single predictions at a fixed rate against driftwatch.
 * Prints medians over the repeats. `--backend postgres` runs driftwatch on a fresh schema of
 * DRIFTWATCH_BENCH_PG_URL (default the tests' server) instead of SQLite.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { median } from './http-client.mjs';
import { bulk, registerModel, singleAtRate } from './scenarios.mjs';
import { startServer } from './server.mjs';
import { ndjsonBodies } from './workload.mjs';

const { values: opt } = parseArgs({
  options: {
    bodies: { type: 'string', default: '200' },
    rows: { type: 'string', default: '5000' },
    concurrency: { type: 'string', default: '3' },
    repeat: { type: 'string', default: '3' },
    rate: { type: 'string', default: '2000' },
    seconds: { type: 'string', default: '20' },
    backend: { type: 'string', default: 'sqlite' },
    'skip-naive': { type: 'boolean', default: false },
    'skip-single': { type: 'boolean', default: false },
    'node-args': { type: 'string', default: '' },
    // keep the server this long after the bulk run: the background merge of pending keys runs then
    'after-seconds': { type: 'string', default: '0' },
    json: { type: 'string' },
  },
});
const n = (k) => Number(opt[k]);
const nodeArgs = opt['node-args'] ? opt['node-args'].split(' ') : [];
const end = Date.now();

console.error(`generating ${n('bodies')} bodies × ${n('rows')} predictions…`);
const bodies = ndjsonBodies(n('bodies'), n('rows'), end);
const bytes = bodies.reduce((s, b) => s + b.length, 0);
console.error(`  ${(bytes / 2 ** 20).toFixed(0)} MB of NDJSON, ${(bytes / (n('bodies') * n('rows'))).toFixed(0)} bytes per prediction`);

const runs = { naive: [], driftwatch: [], single: [] };
/** Other work on the machine: 1-minute load average and the share of time runnable tasks waited for a CPU. */
const machineLoad = () => ({
  load1: Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]),
  cpuPressure10s: Number(/avg10=([\d.]+)/.exec(readFileSync('/proc/pressure/cpu', 'utf8'))?.[1] ?? NaN),
});
const fmt = (r) =>
  `${Math.round(r.perSecond).toLocaleString('en-US')}/s in ${r.seconds.toFixed(2)} s (${Math.round(r.rows / r.serverCpuSeconds).toLocaleString('en-US')} per server CPU second; load ${r.load.load1}, CPU pressure ${r.load.cpuPressure10s}%), peak RSS ${r.peakRssMb.toFixed(0)} MB (largest sample: anon ${r.rssAtPeak.anonMb?.toFixed(0)} + file ${r.rssAtPeak.fileMb?.toFixed(0)} + shmem ${r.rssAtPeak.shmemMb?.toFixed(0)} MB), server CPU ${r.serverCpuSeconds.toFixed(1)} s`;

for (let i = 0; i < n('repeat'); i++) {
  if (!opt['skip-naive']) {
    const naive = await startServer({ command: [new URL('./naive-server.mjs', import.meta.url).pathname] });
    try {
      const r = await bulk(naive, { bodies, rowsPerBody: n('rows'), concurrency: n('concurrency'), path: '/bulk' });
      r.load = machineLoad();
      runs.naive.push(r);
      console.error(`#${i + 1} naive JSON-text rows: ${fmt(r)}`);
    } finally {
      await naive.stop();
    }
  }
  const dw = await startServer({ nodeArgs, backend: opt.backend });
  try {
    await registerModel(dw);
    const r = await bulk(dw, { bodies, rowsPerBody: n('rows'), concurrency: n('concurrency'), path: '/api/v1/predictions/bulk' });
    r.load = machineLoad();
    runs.driftwatch.push(r);
    console.error(`#${i + 1} driftwatch bulk: ${fmt(r)}`);
    if (n('after-seconds') > 0 && dw.backend === 'sqlite') {
      const after = await afterwards(dw, n('after-seconds'));
      r.after = after;
      console.error(`#${i + 1}   afterwards: keys merged in ${after.mergedAfterSeconds ?? `more than ${n('after-seconds')}`} s, peak RSS then ${after.peakRssMb.toFixed(0)} MB`);
    }
  } finally {
    await dw.stop();
  }
  if (!opt['skip-single']) {
    const single = await startServer({ nodeArgs, backend: opt.backend });
    try {
      await registerModel(single);
      const r = await singleAtRate(single, { rate: n('rate'), seconds: n('seconds'), end });
      r.load = machineLoad();
      runs.single.push(r);
      console.error(
        `#${i + 1} single @${n('rate')}/s (load ${r.load.load1}, CPU pressure ${r.load.cpuPressure10s}%): p50 ${r.p50Ms.toFixed(2)} ms, p99 ${r.p99Ms.toFixed(2)} ms, p99.9 ${r.p999Ms.toFixed(2)} ms, max ${r.maxMs.toFixed(1)} ms, ${JSON.stringify(r.statuses)}, achieved ${r.achievedRate.toFixed(0)}/s, server CPU ${r.serverCpuSeconds.toFixed(1)} s`,
      );
    } finally {
      await single.stop();
    }
  }
}

/** Watch the idle server: when are all keys merged (no pending block left), and its peak RSS. */
async function afterwards(server, seconds) {
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(server.db, { readonly: true, fileMustExist: true });
  const pending = db.prepare('SELECT count(*) FROM prediction_blocks WHERE keys_pending = 1').pluck();
  const t0 = performance.now();
  let mergedAfterSeconds;
  while ((performance.now() - t0) / 1000 < seconds) {
    if (pending.get() === 0) {
      mergedAfterSeconds = Number(((performance.now() - t0) / 1000).toFixed(1));
      break;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  db.close();
  return { mergedAfterSeconds, peakRssMb: server.memory().peakMb };
}

const med = (list, key) => (list.length ? median(list.map((r) => r[key])) : NaN);
const summary = {
  machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
  settings: { backend: opt.backend, bodies: n('bodies'), rowsPerBody: n('rows'), concurrency: n('concurrency'), repeat: n('repeat'), rate: n('rate'), seconds: n('seconds'), bytesPerPrediction: bytes / (n('bodies') * n('rows')) },
  naive: { perSecond: med(runs.naive, 'perSecond'), perCpuSecond: med(runs.naive.map((r) => ({ v: r.rows / r.serverCpuSeconds })), 'v'), peakRssMb: med(runs.naive, 'peakRssMb') },
  driftwatch: {
    perSecond: med(runs.driftwatch, 'perSecond'),
    bestPerSecond: Math.max(...runs.driftwatch.map((r) => r.perSecond)),
    perCpuSecond: med(runs.driftwatch.map((r) => ({ v: r.rows / r.serverCpuSeconds })), 'v'),
    seconds: med(runs.driftwatch, 'seconds'),
    peakRssMb: med(runs.driftwatch, 'peakRssMb'),
    maxPeakRssMb: Math.max(...runs.driftwatch.map((r) => r.peakRssMb)),
    requestP50Ms: med(runs.driftwatch, 'requestP50Ms'),
    serverCpuSeconds: med(runs.driftwatch, 'serverCpuSeconds'),
  },
  single: { p50Ms: med(runs.single, 'p50Ms'), p99Ms: med(runs.single, 'p99Ms'), p999Ms: med(runs.single, 'p999Ms'), maxMs: med(runs.single, 'maxMs'), achievedRate: med(runs.single, 'achievedRate') },
  runs,
};
summary.ratio = summary.driftwatch.perSecond / summary.naive.perSecond;
summary.cpuRatio = summary.driftwatch.perCpuSecond / summary.naive.perCpuSecond;
summary.load = { bulk: runs.driftwatch.map((r) => r.load), single: runs.single.map((r) => r.load) };
console.log(JSON.stringify({ ...summary, runs: undefined }, null, 2));
if (opt.json) writeFileSync(opt.json, JSON.stringify(summary, null, 2));
