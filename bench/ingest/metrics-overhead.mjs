#!/usr/bin/env node
/**
 * bench/ingest with metrics on vs off: the cost of instrumentation (HTTP metrics per request,
 * ingestion counters per batch: predictions by model/version and by label × confidence bucket,
 * group-commit histograms).
 *
 *   npm run build && node bench/ingest/metrics-overhead.mjs [--bodies 100] [--rows 5000]
 *       [--concurrency 3] [--repeat 5] [--rate 1000] [--seconds 10] [--skip-single] [--json out.json]
 *
 * The same scenarios as run.mjs (same servers, same pre-generated bodies), each repeat running
 * both settings back to back in ABBA order (on/off, then off/on) so drift of the shared
 * machine falls on both alike. `DRIFTWATCH_METRICS=false` turns every metric off (no hooks, no
 * counting, no /metrics). Prints medians and the relative differences.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { median } from './http-client.mjs';
import { bulk, registerModel, singleAtRate } from './scenarios.mjs';
import { startServer } from './server.mjs';
import { ndjsonBodies } from './workload.mjs';

const { values: opt } = parseArgs({
  options: {
    bodies: { type: 'string', default: '100' },
    rows: { type: 'string', default: '5000' },
    concurrency: { type: 'string', default: '3' },
    repeat: { type: 'string', default: '5' },
    rate: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '10' },
    'skip-single': { type: 'boolean', default: false },
    json: { type: 'string' },
  },
});
const n = (k) => Number(opt[k]);
const end = Date.now();
const bodies = ndjsonBodies(n('bodies'), n('rows'), end);
const settings = { on: { DRIFTWATCH_METRICS: 'true' }, off: { DRIFTWATCH_METRICS: 'false' } };
const runs = { on: { bulk: [], single: [] }, off: { bulk: [], single: [] } };

async function once(which) {
  const server = await startServer({ env: settings[which] });
  try {
    await registerModel(server);
    // a scrape proves the setting took (on: served; off: 404)
    const scrape = await fetch(`${server.url}/metrics`);
    if ((scrape.status === 200) !== (which === 'on')) throw new Error(`metrics ${which} but /metrics answered ${scrape.status}`);
    const b = await bulk(server, { bodies, rowsPerBody: n('rows'), concurrency: n('concurrency'), path: '/api/v1/predictions/bulk' });
    runs[which].bulk.push(b);
    let line = `${which.padEnd(3)} bulk ${Math.round(b.perSecond).toLocaleString('en-US')}/s, server CPU ${b.serverCpuSeconds.toFixed(2)} s`;
    if (!opt['skip-single']) {
      const s = await singleAtRate(server, { rate: n('rate'), seconds: n('seconds'), end });
      runs[which].single.push(s);
      line += ` | single @${n('rate')}/s p50 ${s.p50Ms.toFixed(2)} ms p99 ${s.p99Ms.toFixed(2)} ms, server CPU ${s.serverCpuSeconds.toFixed(2)} s`;
    }
    console.error(line);
  } finally {
    await server.stop();
  }
}

for (let i = 0; i < n('repeat'); i++) {
  const order = i % 2 === 0 ? ['on', 'off'] : ['off', 'on'];
  for (const which of order) await once(which);
}

const med = (list, key) => (list.length ? median(list.map((r) => r[key])) : NaN);
const summary = { settings: { bodies: n('bodies'), rows: n('rows'), concurrency: n('concurrency'), repeat: n('repeat'), rate: n('rate'), seconds: n('seconds') } };
for (const which of ['on', 'off']) {
  summary[which] = {
    bulkPerSecond: med(runs[which].bulk, 'perSecond'),
    bulkServerCpuSeconds: med(runs[which].bulk, 'serverCpuSeconds'),
    singleP50Ms: med(runs[which].single, 'p50Ms'),
    singleP99Ms: med(runs[which].single, 'p99Ms'),
    singleServerCpuSeconds: med(runs[which].single, 'serverCpuSeconds'),
  };
}
const rel = (on, off) => (on - off) / off;
summary.difference = {
  bulkThroughput: rel(summary.on.bulkPerSecond, summary.off.bulkPerSecond),
  bulkServerCpu: rel(summary.on.bulkServerCpuSeconds, summary.off.bulkServerCpuSeconds),
  singleP50: rel(summary.on.singleP50Ms, summary.off.singleP50Ms),
  singleServerCpu: rel(summary.on.singleServerCpuSeconds, summary.off.singleServerCpuSeconds),
};
console.log(JSON.stringify(summary, null, 2));
if (opt.json) writeFileSync(opt.json, JSON.stringify({ ...summary, runs }, null, 2));
