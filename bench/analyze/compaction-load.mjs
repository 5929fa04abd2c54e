#!/usr/bin/env node
/**
 * bench/analyze/compaction-load.mjs: what background compaction costs writes on SQLite. Writers
 * call `store.writePredictions` with 1-3 predictions each (what group commit makes of
 * single-prediction traffic; block writer thread as in the built server) for `--seconds`
 * without compaction, then as long again while the compaction job runs (`runCompaction`:
 * rounds of at most 250 blocks, 50 ms apart). Per phase: writes per second, write latency
 * p50 / p99 / max, event-loop delay p99 / max, and what compaction did.
 *
 *   npm run build && node bench/analyze/compaction-load.mjs [--seconds 10] [--writers 8] [--round-blocks 250]
 */
import { mkdirSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { benchModel, loadDist } from './dataset.mjs';
import { prediction, rng } from '../ingest/workload.mjs';

const { values: opt } = parseArgs({ options: { seconds: { type: 'string', default: '10' }, writers: { type: 'string', default: '8' }, 'round-blocks': { type: 'string', default: '250' } } });
const DIST = process.env.DIST ?? new URL('../../dist', import.meta.url).pathname;
const WORK = new URL('../.work/analyze/', import.meta.url).pathname;
const d = await loadDist(DIST);
const { runCompaction } = await import(`${DIST}/scheduler/compaction.js`);
mkdirSync(WORK, { recursive: true });
const path = `${WORK}compaction-load.db`;
for (const s of ['', '-wal', '-shm']) rmSync(path + s, { force: true });
const store = d.SqliteStore.open({ path, synchronous: 'normal', compaction: false });
await store.migrate();
const end = Date.now();
const model = benchModel(d, end - 86_400_000);
await store.createModel(model);
const r = rng(7);
let seq = 0;

function batch() {
  const n = 1 + Math.floor(r() * 3);
  const b = new d.PredictionBuilder(model, n, end);
  const problems = [];
  for (let i = 0; i < n; i++) {
    const p = prediction(r, end - Math.floor(r() * 3_600_000));
    p.prediction_id = `w-${seq++}`;
    if (!b.add(p, i, problems)) throw new Error(JSON.stringify(problems[0]));
  }
  return { model_id: model.model_id, schema_version: 1, columns: b.build() };
}

const pct = (xs, q) => xs[Math.min(xs.length - 1, Math.floor(xs.length * q))];

async function phase(name, withCompaction) {
  const ms = Number(opt.seconds) * 1000;
  const lat = [];
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  const t0 = performance.now();
  const stopAt = t0 + ms;
  const compaction = withCompaction ? runCompaction(store, { maxMs: ms, compaction: { roundBlocks: Number(opt['round-blocks']) } }) : Promise.resolve(null);
  await Promise.all(
    Array.from({ length: Number(opt.writers) }, async () => {
      while (performance.now() < stopAt) {
        const b = batch();
        const s = performance.now();
        await store.writePredictions([b]);
        lat.push(performance.now() - s);
      }
    }),
  );
  const done = await compaction;
  loop.disable();
  lat.sort((a, b) => a - b);
  const out = {
    phase: name,
    writesPerS: Math.round(lat.length / ((performance.now() - t0) / 1000)),
    p50Ms: +pct(lat, 0.5).toFixed(2),
    p99Ms: +pct(lat, 0.99).toFixed(2),
    maxMs: +lat[lat.length - 1].toFixed(1),
    loopP99Ms: +(loop.percentile(99) / 1e6).toFixed(1),
    loopMaxMs: +(loop.max / 1e6).toFixed(1),
    compaction: done,
    load: loadavg()[0],
  };
  console.log(JSON.stringify(out));
  return out;
}

await phase('writes alone (small blocks pile up)', false);
await phase('writes while the compaction job runs', true);
const left = store.raw.prepare('SELECT count(*) AS blocks, sum(row_count) AS rows FROM prediction_blocks').get();
console.log(JSON.stringify({ after: left }));
await store.close();
