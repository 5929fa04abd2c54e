#!/usr/bin/env node
/**
 * bench/client: the client's cost on the caller's event loop, the throughput it delivers against
 * the bulk endpoint's own figure, and what the proxy adds to a model server's latency.
 *
 *   npm run build && node bench/client/run.mjs [--only overhead|throughput|proxy] [--json out.json]
 *
 * Environment: CALLS (1,000,000), RATE for overhead (50,000/s), ROWS (200,000), BATCH (5,000),
 * CONCURRENCY (2), REPEAT (3), PROXY_RATE (1,000/s), DURATION (10 s), PROXY_BATCH (the proxy's
 * --batch-size; default: the CLI's own, 100). Results in bench/README.md.
 */
import { cpus, loadavg } from 'node:os';
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { measureOverhead } from './overhead.mjs';
import { measureProxy } from './proxy.mjs';
import { measureThroughput } from './throughput.mjs';

const { values: opt } = parseArgs({ options: { only: { type: 'string' }, json: { type: 'string' } } });
const env = (k, d) => Number(process.env[k] ?? d);
const want = (k) => !opt.only || opt.only === k;
const result = { machine: { cpus: cpus().length, node: process.version, loadavgAtStart: loadavg().map((x) => x.toFixed(2)) } };

if (want('overhead')) {
  const o = await measureOverhead({ calls: env('CALLS', 1_000_000), rate: env('RATE', 50_000) });
  result.overhead = o;
  console.error(`log() per call (${o.calls.toLocaleString('en-US')} calls, clock pair ${o.clockPairNs} ns subtracted): median ${o.perCallNs.median} ns, p99 ${o.perCallNs.p99} ns, p99.9 ${o.perCallNs.p999} ns, max ${(o.perCallNs.max / 1e6).toFixed(1)} ms`);
  console.error(`log() batched (groups of 100): median ${o.batchedNs.median.toFixed(0)} ns, p99 ${o.batchedNs.p99.toFixed(0)} ns, p99.9 ${o.batchedNs.p999.toFixed(0)} ns`);
  console.error(`delivered ${o.delivered.sent.toLocaleString('en-US')} of ${o.delivered.expected.toLocaleString('en-US')} (failed ${o.delivered.failed}, dropped ${o.delivered.dropped})`);
}
if (want('throughput')) {
  const t = await measureThroughput({ rows: env('ROWS', 200_000), batchSize: env('BATCH', 5000), concurrency: env('CONCURRENCY', 2), repeat: env('REPEAT', 3) });
  result.throughput = t;
  console.error(`throughput: client ${Math.round(t.clientPerSecond).toLocaleString('en-US')}/s vs bulk endpoint ${Math.round(t.referencePerSecond).toLocaleString('en-US')}/s = ${(t.ratio * 100).toFixed(0)}%`);
}
if (want('proxy')) {
  const p = await measureProxy({ rate: env('PROXY_RATE', 1000), seconds: env('DURATION', 10), repeat: env('REPEAT', 3) });
  result.proxy = p;
  console.error(`side by side, paired (medians of ${p.repeat}): p99 direct ${p.together.direct.p99.toFixed(3)} ms, through the proxy ${p.together.proxy.p99.toFixed(3)} ms, added ${p.together.addedP99Ms.toFixed(3)} ms; added per call p50 ${p.together.pairedAdded.p50.toFixed(3)} ms, p99 ${p.together.pairedAdded.p99.toFixed(3)} ms`);
  console.error(`proxy at ${p.rate}/s: p99 direct ${p.direct.p99.toFixed(3)} ms, through the proxy ${p.proxy.p99.toFixed(3)} ms, added ${p.addedP99Ms.toFixed(3)} ms (p50 added ${p.addedP50Ms.toFixed(3)} ms); logged ${p.loggedToDriftwatch} of ${p.proxiedRequests}`);
}
result.machine.loadavgAtEnd = loadavg().map((x) => x.toFixed(2));
const summary = JSON.stringify(result, (k, v) => (k === 'runs' ? undefined : v), 2);
console.log(summary);
if (opt.json) writeFileSync(opt.json, JSON.stringify(result, null, 2));
