#!/usr/bin/env node
/**
 * The PostgreSQL store's two write paths on the bench model's batches, without HTTP:
 *
 *   npm run build && node bench/ingest/pg-write-paths.mjs [--batches 100] [--rows 5000] [--repeat 3]
 *
 * - copy: `store.writePredictions` at top level (keys through COPY, postgres/copy-writer.ts)
 * - unnest: the same batches inside `store.transaction` (keys through INSERT … SELECT unnest(…)
 *   ON CONFLICT DO NOTHING RETURNING, the path a caller's transaction takes)
 * - retry: the copy path given batches already stored (every key a duplicate: the COPY fails on
 *   the primary key and the temp-table ON CONFLICT fallback reports them)
 * Each pass runs on a fresh schema of DRIFTWATCH_BENCH_PG_URL; prints predictions/s per path.
 */
import { parseArgs } from 'node:util';
import pg from 'pg';
import { MODEL, prediction, rng } from './workload.mjs';
import { BENCH_PG_URL, DIST } from './server.mjs';

const { values: opt } = parseArgs({ options: { batches: { type: 'string', default: '100' }, rows: { type: 'string', default: '5000' }, repeat: { type: 'string', default: '3' } } });
const { PostgresStore } = await import(`${DIST}/store/postgres/postgres-store.js`);
const { PredictionBuilder } = await import(`${DIST}/ingest/prediction-builder.js`);
const { parseModelSchema, DEFAULT_SETTINGS } = await import(`${DIST}/domain/model-schema.js`);

const now = Date.now();
const model = { model_id: MODEL.model_id, name: 'bench', description: '', schema_version: 1, schema: parseModelSchema(MODEL), settings: DEFAULT_SETTINGS, created_at: now, updated_at: now };
const r = rng(7);
const total = Number(opt.batches) * Number(opt.rows);
const batches = Array.from({ length: Number(opt.batches) }, (_, b) => {
  const builder = new PredictionBuilder(model, Number(opt.rows), now);
  const problems = [];
  for (let i = 0; i < Number(opt.rows); i++) builder.add(prediction(r, now - 86_400_000 + Math.floor(((b * Number(opt.rows) + i) / total) * 86_400_000)), i, problems);
  if (problems.length) throw new Error(JSON.stringify(problems.slice(0, 3)));
  return { model_id: model.model_id, schema_version: 1, columns: builder.build() };
});

async function pass(name, write) {
  const schema = `bench_paths_${process.pid}_${Date.now().toString(36)}`;
  const store = await PostgresStore.open({ url: BENCH_PG_URL, schema, poolSize: 4 });
  await store.migrate();
  await store.createModel(model);
  try {
    if (name === 'retry') for (const b of batches) await store.writePredictions([b]);
    const t0 = performance.now();
    let inserted = 0;
    let duplicates = 0;
    for (const b of batches) {
      const [res] = await write(store, b);
      inserted += res.inserted;
      duplicates += res.duplicates.length;
    }
    const s = (performance.now() - t0) / 1000;
    return { name, perSecond: total / s, seconds: s, inserted, duplicates };
  } finally {
    await store.close();
    const c = new pg.Client({ connectionString: BENCH_PG_URL });
    await c.connect();
    await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await c.end();
  }
}

const paths = {
  copy: (store, b) => store.writePredictions([b]),
  unnest: (store, b) => store.transaction((tx) => tx.writePredictions([b])),
  retry: (store, b) => store.writePredictions([b]),
};
const results = {};
for (let k = 0; k < Number(opt.repeat); k++) {
  for (const [name, write] of Object.entries(paths)) {
    const res = await pass(name, write);
    (results[name] ??= []).push(res.perSecond);
    console.error(`#${k + 1} ${name}: ${Math.round(res.perSecond).toLocaleString('en-US')} predictions/s (${res.inserted} inserted, ${res.duplicates} duplicates, load ${(await import('node:fs')).readFileSync('/proc/loadavg', 'utf8').split(' ')[0]})`);
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(JSON.stringify(Object.fromEntries(Object.entries(results).map(([k, v]) => [k, Math.round(median(v))])), null, 2));
