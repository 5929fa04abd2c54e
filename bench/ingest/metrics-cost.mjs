#!/usr/bin/env node
/**
 * The instrumentation's own cost, measured in-process on the built code (npm run build first):
 * one HTTP observation (counter + histogram + error counter) and the ingest observer on one
 * accepted batch (predictions by version, by label × confidence bucket over the batch's
 * columns). Complements metrics-overhead.mjs, whose end-to-end figures a busy machine blurs.
 *
 *   node bench/ingest/metrics-cost.mjs [--rows 5000] [--iterations 2000]
 */
import { parseArgs } from 'node:util';
import { createMetrics } from '../../dist/observability/metrics.js';

const { values: opt } = parseArgs({ options: { rows: { type: 'string', default: '5000' }, iterations: { type: 'string', default: '2000' } } });
const rows = Number(opt.rows);
const iterations = Number(opt.iterations);
const metrics = createMetrics({ enabled: true, storeBackend: 'sqlite' });

// a batch as the ingest service hands it over: labels as a dictionary column, confidence as f64
const labels = ['approve', 'review', 'deny'];
const codes = Int32Array.from({ length: rows }, (_, i) => (i * 7) % 3);
const confidence = Float64Array.from({ length: rows }, (_, i) => 0.34 + ((i * 37) % 66) / 100);
const batch = { columns: { rows, columns: new Map([['label', { kind: 'dict', dict: labels, codes }], ['confidence', { kind: 'f64', values: confidence }]]) }, duplicateRows: [] };
const model = { model_id: 'bench-credit' };
const versions = new Map([['2.1.0', rows]]);

function time(label, n, fn) {
  for (let i = 0; i < Math.min(n, 200); i++) fn(i); // warm up
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) fn(i);
  const ns = Number(process.hrtime.bigint() - t0) / n;
  console.log(`${label}: ${(ns / 1000).toFixed(2)} µs per call`);
  return ns;
}

const routes = ['/api/v1/predictions', '/api/v1/predictions/bulk', '/api/v1/models/:model_id', '/health'];
const http = time('HTTP observation (route, method, status, duration)', iterations * 50, (i) => metrics.http.observe(routes[i & 3], 'POST', i % 50 === 0 ? 400 : 200, 0.003));
const ingest = time(`ingest observer, ${rows}-row batch`, iterations, () => metrics.ingest.observer.accepted(model, rows, versions, batch));
const commit = time('group-commit observation', iterations * 50, (i) => metrics.ingest.commit({ requests: 2, rows: 5000 + i, seconds: 0.01, ok: true }));
// a single prediction: its HTTP observation, the observer on its 1-row batch, one commit (the worst case: no grouping)
const one = { columns: { rows: 1, columns: new Map([['label', { kind: 'dict', dict: ['approve'], codes: Int32Array.of(0) }], ['confidence', { kind: 'f64', values: Float64Array.of(0.8) }]]) }, duplicateRows: [] };
const oneVersion = new Map([['2.1.0', 1]]);
const single = time('a single prediction (HTTP + 1-row batch + its own commit)', iterations * 50, () => {
  metrics.http.observe('/api/v1/predictions', 'POST', 200, 0.002);
  metrics.ingest.observer.accepted(model, 1, oneVersion, one);
  metrics.ingest.commit({ requests: 1, rows: 1, seconds: 0.001, ok: true });
});
const t0 = process.hrtime.bigint();
for (let i = 0; i < 50; i++) await metrics.render();
const scrape = Number(process.hrtime.bigint() - t0) / 50;
console.log(`a scrape (render, process metrics included): ${(scrape / 1e6).toFixed(2)} ms`);
console.log(JSON.stringify({ rows, httpObservationUs: http / 1000, ingestBatchUs: ingest / 1000, ingestPerRowNs: ingest / rows, commitObservationUs: commit / 1000, singlePredictionUs: single / 1000, scrapeMs: scrape / 1e6 }));
