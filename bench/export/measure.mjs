#!/usr/bin/env node
/**
 * One evidence export (or verification) in a fresh process, so its peak RSS is its own: prints
 * one JSON line with wall time, CPU time, peak RSS (VmHWM) and what was produced.
 *
 *   node bench/export/measure.mjs '{"mode":"export","dist":"…","path":"…/export.db","incident":"INC-…","out":"…"}'
 *   node bench/export/measure.mjs '{"mode":"verify","dist":"…","bundle":"…","sha256":"…"}'
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';

const cfg = JSON.parse(process.argv[2]);
const imp = (p) => import(`${cfg.dist}/${p}`);

const memory = () => {
  const status = readFileSync('/proc/self/status', 'utf8');
  const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { peakMb: kb('VmHWM') / 1024, rssMb: kb('VmRSS') / 1024 };
};
const cpuMs = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};

// RSS sampled every 50 ms as well: VmHWM is the truth, the samples show where it was reached
let sampledPeak = 0;
const sampler = setInterval(() => (sampledPeak = Math.max(sampledPeak, memory().rssMb)), 50);

if (cfg.mode === 'export') {
  const [{ exportEvidence }, { AuditLog }, { LegalHolds }, { SqliteStore }] = await Promise.all([
    imp('evidence/export-bundle.js'),
    imp('observability/audit.js'),
    imp('scheduler/legal-hold.js'),
    imp('store/sqlite/sqlite-store.js'),
  ]);
  const store = SqliteStore.open({ path: cfg.path });
  const before = memory();
  const cpu0 = cpuMs();
  const t0 = performance.now();
  const r = await exportEvidence(store, cfg.incident, { dir: cfg.dir, outPath: cfg.out, actor: { actor: 'bench', request_id: null }, audit: new AuditLog(store), holds: new LegalHolds(store) });
  const wallS = (performance.now() - t0) / 1000;
  const cpuS = (cpuMs() - cpu0) / 1000;
  clearInterval(sampler);
  await store.close();
  const rows = Object.fromEntries(r.manifest.files.filter((f) => f.rows !== undefined).map((f) => [f.path, f.rows]));
  const ndjsonBytes = r.manifest.files.filter((f) => f.path.endsWith('.ndjson')).reduce((s, f) => s + f.bytes, 0);
  console.log(JSON.stringify({ mode: 'export', wallS, cpuS, ...memory(), sampledPeakMb: sampledPeak, rssBeforeMb: before.rssMb, bytes: r.bytes, sha256: r.sha256, path: r.path, ndjsonBytes, rows, load: loadavg()[0] }));
} else {
  const { verifyBundle } = await imp('evidence/verify-bundle.js');
  const cpu0 = cpuMs();
  const t0 = performance.now();
  const v = await verifyBundle(cfg.bundle, { expectedSha256: cfg.sha256 });
  const wallS = (performance.now() - t0) / 1000;
  clearInterval(sampler);
  console.log(JSON.stringify({ mode: 'verify', ok: v.ok, problems: v.problems.slice(0, 3), files: v.files.length, wallS, cpuS: (cpuMs() - cpu0) / 1000, ...memory(), sampledPeakMb: sampledPeak, load: loadavg()[0] }));
}
