#!/usr/bin/env node
/**
 * bench/export: the evidence export of an incident whose analysis period holds 1,000,000
 * predictions (and their outcomes), its verification, and the verification of a tampered copy.
 *
 *   node bench/export/run.mjs [--rows 1000000] [--labelled 0.3] [--repeat 3] [--reuse] [--json out.json]
 *
 * 1. Compiles src into bench/.work/export/dist (DIST=… to use another build; the shared dist/
 *    is not touched).
 * 2. Builds the data set once (kept with --reuse): bench/analyze's 12-feature credit model, its
 *    baseline, `--rows` predictions over 24 hours with outcomes for `--labelled` of them, one
 *    analysis, and an open incident on that analysis's period (as the alerting pipeline would
 *    have opened it).
 * 3. Exports the incident `--repeat` times, each in a fresh process (measure.mjs: wall, CPU,
 *    peak RSS = VmHWM), then verifies the last bundle and a copy with one byte of one
 *    prediction changed (gunzip → flip → gzip, streamed).
 */
import { execFileSync } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { createGunzip, createGzip } from 'node:zlib';

const { values: opt } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    labelled: { type: 'string', default: '0.3' },
    repeat: { type: 'string', default: '3' },
    reuse: { type: 'boolean', default: false },
    json: { type: 'string' },
  },
});
const ROOT = new URL('../../', import.meta.url).pathname;
const WORK = `${ROOT}bench/.work/export/`;
const log = (m) => console.error(m);
mkdirSync(WORK, { recursive: true });

let DIST = process.env.DIST;
if (!DIST) {
  DIST = `${WORK}dist`;
  log('compiling src into bench/.work/export/dist …');
  try {
    execFileSync(process.execPath, [`${ROOT}node_modules/typescript/bin/tsc`, '-p', `${ROOT}tsconfig.build.json`, '--outDir', DIST], { stdio: 'pipe' });
  } catch (e) {
    // type errors elsewhere in the tree still emit JavaScript; only a missing output is fatal
    if (!existsSync(`${DIST}/evidence/export-bundle.js`)) throw e;
    log('  (tsc reported type errors in the tree; the emitted JavaScript is used)');
  }
}

const rows = Number(opt.rows);
const db = `${WORK}export-${rows}.db`;
const metaFile = `${db}.json`;
const END = Date.UTC(2026, 5, 1, 12);
let meta = opt.reuse && existsSync(metaFile) && existsSync(db) ? JSON.parse(readFileSync(metaFile, 'utf8')) : null;

if (!meta) {
  for (const f of [db, `${db}-wal`, `${db}-shm`]) rmSync(f, { force: true });
  const d = await (await import(`${ROOT}bench/analyze/dataset.mjs`)).loadDist(DIST);
  const { buildWindow } = await import(`${ROOT}bench/analyze/dataset.mjs`);
  const { openIncident } = await import(`${DIST}/alerting/incident-lifecycle.js`);
  const { newAlertId, newIncidentId } = await import(`${DIST}/alerting/ids.js`);
  const store = d.SqliteStore.open({ path: db, synchronous: 'normal' });
  await store.migrate();
  const model = await buildWindow(d, store, { end: END, windowRows: rows, baselineRows: 20_000, labelled: Number(opt.labelled), blockRows: 5000, log });
  const record = await new d.MonitoringService(store, () => END).analyze(model.model_id, 'manual');
  log(`analysis ${record.record_id}: ${record.status}, ${record.sample_count} predictions, max severity ${record.max_severity}`);
  const incidentId = newIncidentId(END);
  await store.alerting.insertIncident(
    openIncident(incidentId, {
      source: 'rule', rule_id: 'data-drift-critical', model_id: model.model_id, metric: 'data_drift.psi.income', value: 0.3, threshold: 0.25, severity: 'CRITICAL', component: 'model',
      title: 'bench incident', message: '', affected_groups: [], labels: {}, monitoring_record_id: record.record_id, period: { start: record.period_start, end: record.period_end }, channels: [],
    }, newAlertId(END), END),
  );
  await store.close();
  meta = { incident: incidentId, record: record.record_id, rows };
  writeFileSync(metaFile, JSON.stringify(meta));
}

const measure = (cfg) => JSON.parse(execFileSync(process.execPath, [`${ROOT}bench/export/measure.mjs`, JSON.stringify({ dist: DIST, ...cfg })], { encoding: 'utf8', maxBuffer: 1 << 24 }).trim().split('\n').pop());
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const exports = [];
for (let i = 0; i < Number(opt.repeat); i++) {
  const out = `${WORK}bundle-${i}.tar.gz`;
  rmSync(out, { force: true });
  const m = measure({ mode: 'export', path: db, incident: meta.incident, dir: WORK, out });
  exports.push(m);
  log(`export ${i + 1}: ${m.wallS.toFixed(1)} s wall, ${m.cpuS.toFixed(1)} s CPU, peak RSS ${m.peakMb.toFixed(0)} MB, ${m.rows['predictions.ndjson']} predictions, ${m.rows['outcomes.ndjson']} outcomes, NDJSON ${(m.ndjsonBytes / 1e6).toFixed(0)} MB → bundle ${(m.bytes / 1e6).toFixed(0)} MB (load ${m.load.toFixed(1)})`);
}
const last = exports[exports.length - 1];
const verified = measure({ mode: 'verify', bundle: last.path, sha256: last.sha256 });
log(`verify: ${verified.ok ? 'OK' : 'FAILED'} in ${verified.wallS.toFixed(1)} s, peak RSS ${verified.peakMb.toFixed(0)} MB`);

// one byte of one prediction changed: 60% into the uncompressed archive is inside predictions.ndjson
const tampered = `${WORK}tampered.tar.gz`;
const flipAt = Math.floor(last.ndjsonBytes * 0.6);
let seen = 0;
await pipeline(
  createReadStream(last.path),
  createGunzip(),
  new Transform({
    transform(chunk, _e, cb) {
      if (seen <= flipAt && flipAt < seen + chunk.length) {
        const at = flipAt - seen;
        chunk[at] = chunk[at] === 0x31 ? 0x32 : chunk[at] === 0x32 ? 0x31 : chunk[at] ^ 0x01;
      }
      seen += chunk.length;
      cb(null, chunk);
    },
  }),
  createGzip(),
  createWriteStream(tampered),
);
const bad = measure({ mode: 'verify', bundle: tampered });
log(`tampered copy: ${bad.ok ? 'OK (!)' : 'FAILED as it must'}: ${bad.problems.join('; ')}`);

const summary = {
  rows: meta.rows,
  export: { median_wall_s: median(exports.map((e) => e.wallS)), median_cpu_s: median(exports.map((e) => e.cpuS)), peak_rss_mb: Math.max(...exports.map((e) => e.peakMb)), runs: exports },
  verify: verified,
  tampered: bad,
};
console.log(JSON.stringify({ rows: summary.rows, export: { ...summary.export, runs: undefined }, verify_ok: verified.ok, verify_peak_mb: verified.peakMb, tampered_ok: bad.ok, tampered_problems: bad.problems }, null, 2));
if (opt.json) writeFileSync(opt.json, JSON.stringify(summary, null, 2));
