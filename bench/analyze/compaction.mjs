#!/usr/bin/env node
/**
 * bench/analyze/compaction.mjs: what compaction buys the analyzer. A SQLite data set whose
 * window holds only tiny blocks (what single-prediction traffic leaves behind: group commit
 * writes blocks of a few rows), analysed before and after `store.compactPredictionBlocks`.
 *
 *   npm run build && node bench/analyze/compaction.mjs [--window 200000] [--block-rows 3]
 *       [--repeat 3] [--reuse] [--json out.json]
 *
 * 1. Builds the data set through the store (dataset.mjs: the 12-feature credit model, a 50,000-row
 *    baseline, `--window` predictions over 24 h in blocks of `--block-rows`, outcomes for 30 %),
 *    merges its pending keys, and copies the file aside (`--reuse` starts from that copy).
 * 2. `--repeat` analyses, each in a fresh process (measure.mjs): wall, CPU, main-thread CPU.
 * 3. Compacts in this process with the default options (rounds of at most 250 blocks / 20,000
 *    rows, blocks of at most 20,000 rows), back to back: CPU time, rounds, round durations (how
 *    long one holds the main thread and the connection).
 * 4. The same analyses again, on the compacted file.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { buildWindow, loadDist } from './dataset.mjs';
import { BENCH_MODEL } from './dataset.mjs';

const { values: opt } = parseArgs({
  options: {
    window: { type: 'string', default: '200000' },
    'block-rows': { type: 'string', default: '3' },
    repeat: { type: 'string', default: '3' },
    reuse: { type: 'boolean', default: false },
    json: { type: 'string' },
  },
});
const n = (k) => Number(opt[k]);
const DIST = process.env.DIST ?? new URL('../../dist', import.meta.url).pathname;
const WORK = new URL('../.work/analyze/', import.meta.url).pathname;
const log = (m) => console.error(m);
const d = await loadDist(DIST);
mkdirSync(WORK, { recursive: true });

const tag = `tiny-${n('window')}-${n('block-rows')}`;
const built = `${WORK}${tag}.built.db`;
const path = `${WORK}${tag}.db`;
const end = Date.UTC(2026, 5, 15, 12);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const cpuMs = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};
const open = () => d.SqliteStore.open({ path, synchronous: 'normal', compaction: false });
const remove = (p) => {
  for (const s of ['', '-wal', '-shm']) rmSync(p + s, { force: true });
};

if (!opt.reuse || !existsSync(built)) {
  remove(path);
  const store = open();
  await store.migrate();
  await buildWindow(d, store, { end, windowRows: n('window'), baselineRows: 50_000, labelled: 0.3, blockRows: n('block-rows'), log });
  await store.mergePendingKeys();
  await store.close();
  remove(built);
  copyFileSync(path, built);
} else {
  remove(path);
  copyFileSync(built, path);
}

function blocks() {
  const s = open();
  const r = s.raw.prepare('SELECT count(*) AS blocks, sum(row_count) AS rows FROM prediction_blocks WHERE model_id = ?').get(BENCH_MODEL.model_id);
  return s.close().then(() => r);
}

function measure() {
  const runs = [];
  for (let i = 0; i < n('repeat'); i++) {
    const cfg = { backend: 'sqlite', path, end, modelId: BENCH_MODEL.model_id };
    const text = execFileSync(process.execPath, [new URL('./measure.mjs', import.meta.url).pathname, JSON.stringify(cfg)], { env: { ...process.env, DIST }, encoding: 'utf8', maxBuffer: 1 << 24 });
    const r = JSON.parse(text.trim().split('\n').pop()).runs[0];
    if (r.sample_count !== n('window')) throw new Error(`analysed ${r.sample_count} predictions, expected ${n('window')}`);
    runs.push(r);
  }
  const pick = (k) => Math.round(median(runs.map((r) => r[k])));
  return { wallMs: pick('ms'), cpuMs: pick('cpuMs'), mainThreadCpuMs: pick('mainThreadCpuMs'), readBlobsMs: Math.round(median(runs.map((r) => r.timing.read_blobs))), samples: runs[0].sample_count, load: loadavg()[0] };
}

const before = { ...(await blocks()), ...measure() };
log(`before: ${JSON.stringify(before)}`);

const store = open();
const c0 = cpuMs();
const t0 = performance.now();
let rounds = 0;
let longest = 0;
const roundMs = [];
const total = { blocksIn: 0, blocksOut: 0, rows: 0 };
for (;;) {
  const r0 = performance.now();
  const r = await store.compactPredictionBlocks();
  roundMs.push(performance.now() - r0);
  longest = Math.max(longest, performance.now() - r0);
  rounds++;
  total.blocksIn += r.blocksIn;
  total.blocksOut += r.blocksOut;
  total.rows += r.rows;
  if (r.done) break;
}
const compaction = { ...total, rounds, wallMs: Math.round(performance.now() - t0), cpuMs: Math.round(cpuMs() - c0), medianRoundMs: +median(roundMs).toFixed(1), p99RoundMs: +[...roundMs].sort((a, b) => a - b)[Math.floor(roundMs.length * 0.99)].toFixed(1), longestRoundMs: Math.round(longest), load: loadavg()[0] };
await store.close();
log(`compaction: ${JSON.stringify(compaction)}`);

const after = { ...(await blocks()), ...measure() };
log(`after: ${JSON.stringify(after)}`);
const out = { window: n('window'), blockRows: n('block-rows'), before, compaction, after, cpuRatio: +(after.cpuMs / before.cpuMs).toFixed(2) };
console.log(JSON.stringify(out, null, 2));
if (opt.json) writeFileSync(opt.json, JSON.stringify(out, null, 2));
