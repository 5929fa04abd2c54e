#!/usr/bin/env node
/**
 * bench/analyze: analyze-now on a model with 1,000,000 predictions in its 24-hour window.
 *
 *   npm run build && node bench/analyze/run.mjs [--backend sqlite|postgres] [--repeat 5]
 *       [--window 1000000] [--outside-factor 10] [--outside-days 10] [--labelled 0.3]
 *       [--baseline 50000] [--block-rows 5000] [--reuse] [--skip-outside] [--skip-http] [--warm 0]
 *       [--cpu-repeat 3] [--node-args '...'] [--json out.json]
 *
 * 1. Builds the data set through the store (dataset.mjs): the baseline, then the window with
 *    outcomes for 30% of it. Measures `--repeat` analyses, each in a fresh process
 *    (measure.mjs) for its own peak RSS.
 * 2. Adds `--outside-factor` × more predictions (and outcomes) on the days before the window and
 *    measures again: the window's time must not grow.
 * 3. Builds a data set whose window ends now and runs POST /api/v1/monitoring/analyze-now over
 *    HTTP on `driftwatch serve` (the route's window ends at the server's clock).
 * Prints medians, the breakdown the record carries (timing_ms, also as CPU time) and the query
 * plan of the window scan. SQLite files live in bench/.work/analyze (kept with --reuse).
 * PostgreSQL (DRIFTWATCH_BENCH_PG_URL, default the tests' server) uses the schemas
 * bench_analyze_window and bench_analyze_outside; its outside days are copies of the window
 * made in SQL (dataset.mjs cloneOutsidePg), and there is no HTTP run.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { buildOutside, buildWindow, cloneOutsidePg, loadDist, openStore } from './dataset.mjs';
import { analyzeOverHttp } from './http.mjs';
import { explainWindowScan } from './plan.mjs';
import { BENCH_MODEL } from './dataset.mjs';

const { values: opt } = parseArgs({
  options: {
    backend: { type: 'string', default: 'sqlite' },
    repeat: { type: 'string', default: '5' },
    window: { type: 'string', default: '1000000' },
    'outside-factor': { type: 'string', default: '10' },
    'outside-days': { type: 'string', default: '10' },
    labelled: { type: 'string', default: '0.3' },
    baseline: { type: 'string', default: '50000' },
    'block-rows': { type: 'string', default: '5000' },
    warm: { type: 'string', default: '0' },
    'cpu-repeat': { type: 'string', default: '3' },
    reuse: { type: 'boolean', default: false },
    'skip-outside': { type: 'boolean', default: false },
    'skip-http': { type: 'boolean', default: false },
    'node-args': { type: 'string', default: '' },
    json: { type: 'string' },
  },
});
const n = (k) => Number(opt[k]);
const DIST = process.env.DIST ?? new URL('../../dist', import.meta.url).pathname;
const WORK = new URL('../.work/analyze/', import.meta.url).pathname;
const PG_URL = process.env.DRIFTWATCH_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const log = (m) => console.error(m);
const d = await loadDist(DIST);
mkdirSync(WORK, { recursive: true });

const sizeTag = `${n('window')}-${n('block-rows')}`;
const spec = (phase) =>
  opt.backend === 'postgres'
    ? { backend: 'postgres', pgUrl: PG_URL, pgSchema: `bench_analyze_${phase}` }
    : { backend: 'sqlite', path: `${WORK}${phase}-${sizeTag}.db` };
const metaPath = (phase) => `${WORK}${opt.backend}-${phase}-${sizeTag}.json`;
const dataOpts = { windowRows: n('window'), baselineRows: n('baseline'), labelled: n('labelled'), blockRows: n('block-rows'), log };

async function dropPg(schema) {
  const { default: pg } = await import('pg');
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await c.end();
}

async function fresh(phase) {
  const s = spec(phase);
  if (s.backend === 'postgres') await dropPg(s.pgSchema);
  else for (const suffix of ['', '-wal', '-shm']) rmSync(s.path + suffix, { force: true });
  const store = await openStore(d, { ...s, synchronous: 'normal' });
  await store.migrate();
  return store;
}

/** Build (or reuse) the store of a phase; returns its `end`. */
async function prepare(phase) {
  if (opt.reuse && existsSync(metaPath(phase))) {
    // a data set from an older build: bring its schema up to date
    const store = await openStore(d, spec(phase));
    await store.migrate();
    await store.close();
    return JSON.parse(readFileSync(metaPath(phase), 'utf8')).end;
  }
  const end = Math.floor(Date.now() / 1000) * 1000;
  log(`building the ${phase} data set on ${opt.backend}…`);
  if (phase === 'window' || opt.backend === 'postgres') {
    const store = await fresh(phase);
    const model = await buildWindow(d, store, { end, ...dataOpts });
    if (phase === 'outside' && opt.backend === 'postgres') {
      if (n('outside-factor') !== n('outside-days')) throw new Error('on PostgreSQL the outside days are copies of the window: --outside-factor must equal --outside-days');
      await cloneOutsidePg(store, model, { end, outsideDays: n('outside-days'), log });
    } else if (phase === 'outside') await buildOutside(d, store, model, { end, outsideRows: n('window') * n('outside-factor'), outsideDays: n('outside-days'), ...dataOpts });
    await store.close();
  } else {
    // the same window: copy the window store, then add the older predictions
    const from = spec('window').path;
    const end0 = JSON.parse(readFileSync(metaPath('window'), 'utf8')).end;
    copyFileSync(from, spec(phase).path);
    const store = await openStore(d, { ...spec(phase), synchronous: 'normal' });
    const model = await store.getModel(BENCH_MODEL.model_id);
    await buildOutside(d, store, model, { end: end0, outsideRows: n('window') * n('outside-factor'), outsideDays: n('outside-days'), ...dataOpts });
    await store.close();
    writeFileSync(metaPath(phase), JSON.stringify({ end: end0 }));
    return end0;
  }
  writeFileSync(metaPath(phase), JSON.stringify({ end }));
  return end;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** One analysis in a fresh process (measure.mjs). */
function measureOnce(phase, end, extra = {}) {
  const cfg = { ...spec(phase), end, modelId: BENCH_MODEL.model_id, warm: n('warm'), ...extra };
  const nodeArgs = opt['node-args'] ? opt['node-args'].split(' ') : [];
  const text = execFileSync(process.execPath, [...nodeArgs, new URL('./measure.mjs', import.meta.url).pathname, JSON.stringify(cfg)], { env: { ...process.env, DIST }, encoding: 'utf8', maxBuffer: 1 << 24 });
  const r = JSON.parse(text.trim().split('\n').pop());
  const first = r.runs[0];
  log(`  ${phase}: ${first.ms.toFixed(0)} ms (CPU ${first.cpuMs.toFixed(0)} ms, main thread ${first.mainThreadCpuMs} ms), ${first.sample_count} predictions (${first.labelled} labelled), peak RSS ${r.peakMb.toFixed(0)} MB${r.runs.length > 1 ? `, warm ${r.runs.slice(1).map((x) => x.ms.toFixed(0)).join('/')} ms` : ''}`);
  return r;
}

/** Medians over the runs of one phase. */
function summarize(phase, out) {
  const firsts = out.map((r) => r.runs[0]);
  const timingKeys = Object.keys(firsts[0].timing ?? {});
  const summary = {
    phase,
    medianMs: median(firsts.map((r) => r.ms)),
    medianCpuMs: median(firsts.map((r) => r.cpuMs)),
    medianMainThreadCpuMs: median(firsts.map((r) => r.mainThreadCpuMs)),
    minMs: Math.min(...firsts.map((r) => r.ms)),
    maxMs: Math.max(...firsts.map((r) => r.ms)),
    medianPeakRssMb: median(out.map((r) => r.peakMb)),
    maxPeakRssMb: Math.max(...out.map((r) => r.peakMb)),
    sampleCount: firsts[0].sample_count,
    labelled: firsts[0].labelled,
    recordBytes: firsts[0].record_bytes,
    breakdownMedianMs: Object.fromEntries(timingKeys.map((k) => [k, median(firsts.map((r) => r.timing[k]))])),
    warmMedianMs: n('warm') > 0 ? median(out.flatMap((r) => r.runs.slice(1).map((x) => x.ms))) : undefined,
    runs: firsts.map((r) => ({ ms: r.ms, cpuMs: r.cpuMs, mainThreadCpuMs: r.mainThreadCpuMs })),
    loadAverage: out.map((r) => r.loadAverage),
  };
  log(`${phase}: median ${summary.medianMs.toFixed(0)} ms (min ${summary.minMs.toFixed(0)}, max ${summary.maxMs.toFixed(0)}; CPU median ${summary.medianCpuMs.toFixed(0)} ms, main thread ${summary.medianMainThreadCpuMs} ms), peak RSS median ${summary.medianPeakRssMb.toFixed(0)} MB (max ${summary.maxPeakRssMb.toFixed(0)})`);
  log(`  breakdown (median ms): ${Object.entries(summary.breakdownMedianMs).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', ')}`);
  log(`  record body ${(summary.recordBytes / 1024).toFixed(0)} KB; 1-minute load average during the runs: ${summary.loadAverage.map((l) => l.toFixed(1)).join(', ')}`);
  return summary;
}

const results = { backend: opt.backend, options: opt, phases: [] };
const phases = [['window', await prepare('window')]];
if (!opt['skip-outside']) phases.push(['outside', await prepare('outside')]);
// the phases take turns, so a busy machine slows both alike
const runs = new Map(phases.map(([p]) => [p, []]));
for (let i = 0; i < n('repeat'); i++) for (const [phase, end] of phases) runs.get(phase).push(measureOnce(phase, end));
for (const [phase] of phases) results.phases.push(summarize(phase, runs.get(phase)));
// where the CPU time goes (the same analysis with the service's clock reading CPU time)
const cpuRuns = new Map(phases.map(([p]) => [p, []]));
for (let i = 0; i < n('cpu-repeat'); i++) for (const [phase, end] of phases) cpuRuns.get(phase).push(measureOnce(phase, end, { cpuClock: true }));
for (const [phase] of phases) {
  if (n('cpu-repeat') === 0) break;
  const t = cpuRuns.get(phase).map((r) => r.runs[0].timing);
  const cpuBreakdown = Object.fromEntries(Object.keys(t[0]).map((k) => [k, median(t.map((x) => x[k]))]));
  results.phases.find((p) => p.phase === phase).cpuBreakdownMedianMs = cpuBreakdown;
  log(`${phase} CPU breakdown (median ms): ${Object.entries(cpuBreakdown).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', ')}`);
}
if (!opt['skip-outside']) {
  const [, endO] = phases[1];
  results.plan = await explainWindowScan(d, spec('outside'), BENCH_MODEL.model_id, endO);
  log(`window scan plan:\n  ${results.plan.join('\n  ')}`);
  const [w, o] = results.phases;
  log(`with 10× more predictions outside the window: ${(o.medianMs / w.medianMs).toFixed(2)}× the wall time, ${(o.medianCpuMs / w.medianCpuMs).toFixed(2)}× the CPU time of the window alone`);
}
if (!opt['skip-http'] && opt.backend === 'sqlite') {
  // the route analyses the window ending now: a data set whose window ends now, then the server
  log('building a data set whose window ends now, for analyze-now over HTTP…');
  const store = await fresh('http');
  await buildWindow(d, store, { end: Date.now(), ...dataOpts });
  await store.close();
  const http = await analyzeOverHttp({ dist: DIST, db: spec('http').path, repeat: n('repeat'), nodeArgs: opt['node-args'] ? opt['node-args'].split(' ') : [], log });
  const ms = http.requests.map((r) => r.ms);
  results.http = { ...http, firstMs: ms[0], medianMs: median(ms), medianLaterMs: ms.length > 1 ? median(ms.slice(1)) : undefined, maxPeakRssMb: Math.max(...http.requests.map((r) => r.peakRssMb)) };
  log(`HTTP analyze-now: first ${ms[0].toFixed(0)} ms, median ${results.http.medianMs.toFixed(0)} ms (${http.requests[0].sampleCount} predictions), server peak RSS ${results.http.maxPeakRssMb.toFixed(0)} MB`);
}
if (opt.json) writeFileSync(opt.json, JSON.stringify(results, null, 2));
