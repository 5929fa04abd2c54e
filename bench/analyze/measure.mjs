#!/usr/bin/env node
/**
 * One measurement in a fresh process (so its peak RSS is the analysis's own): open the bench
 * store, run MonitoringService.analyze on the model's last 24 hours, print one JSON line:
 * wall time, the record's status and sample counts, the timing breakdown the record carries,
 * its JSON size, and this process's peak RSS (VmHWM).
 *
 *   node bench/analyze/measure.mjs '{"backend":"sqlite","path":"…","end":…}'
 *
 * With "warm": n, it analyses n more times in the same process and reports those too. With
 * "cpuClock": true, the timings are CPU time.
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { loadDist, openStore } from './dataset.mjs';

const DIST = process.env.DIST ?? new URL('../../dist', import.meta.url).pathname;
const cfg = JSON.parse(process.argv[2]);

const memory = () => {
  const status = readFileSync('/proc/self/status', 'utf8');
  const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { peakMb: kb('VmHWM') / 1024, rssMb: kb('VmRSS') / 1024 };
};

const cpuMs = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};
/** CPU time of the main thread alone (10 ms ticks): what the wall time is on an idle machine */
const mainThreadCpuMs = () => {
  const fields = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
};

// "cpuClock": every duration the service measures (the record's timing_ms) becomes CPU time of
// this process, so the breakdown holds on a machine busy with other work
const wallNow = performance.now.bind(performance);
if (cfg.cpuClock) performance.now = cpuMs;

const d = await loadDist(DIST);
const store = await openStore(d, cfg);
if (cfg.sqlitePragma) store.raw.pragma(cfg.sqlitePragma); // experiments with the connection's settings
// the store's blob reads, timed apart from decoding (scanPredictions calls this per chunk of blocks)
let readMs = 0;
const readBlockData = store.readBlockData.bind(store);
store.readBlockData = async (ids) => {
  const t = performance.now();
  try {
    return await readBlockData(ids);
  } finally {
    readMs += performance.now() - t;
  }
};
const baseMb = memory().rssMb;
const monitoring = new d.MonitoringService(store, () => cfg.end);
const runs = [];
for (let i = 0; i < 1 + (cfg.warm ?? 0); i++) {
  readMs = 0;
  const t0 = wallNow();
  const c0 = cpuMs();
  const m0 = mainThreadCpuMs();
  const record = await monitoring.analyze(cfg.modelId, 'manual', { now: cfg.end });
  const ms = wallNow() - t0;
  const cpu = cpuMs() - c0;
  const mainCpu = mainThreadCpuMs() - m0;
  if (record.status !== 'completed') throw new Error(`analysis ${record.status}: ${record.error ?? record.body.skipped_reason}`);
  runs.push({
    ms,
    cpuMs: cpu,
    mainThreadCpuMs: mainCpu,
    sample_count: record.sample_count,
    labelled: record.body.labelled_count,
    timing: { ...record.body.timing_ms, read_blobs: readMs },
    record_bytes: Buffer.byteLength(JSON.stringify(record.body)),
    max_severity: record.max_severity,
    peakMb: memory().peakMb,
  });
}
await store.close();
process.stdout.write(`${JSON.stringify({ startRssMb: baseMb, runs, ...memory(), loadAverage: loadavg()[0] })}\n`);
