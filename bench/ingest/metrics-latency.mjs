#!/usr/bin/env node
/**
 * Single-prediction latency with metrics on vs off, side by side: two servers (the built
 * `serve`, fresh SQLite each, one with DRIFTWATCH_METRICS=false) run at the same time and
 * each request goes to one then the other, alternating which goes first, one at a time. Both
 * see the same moment of the shared machine, so its noise falls on both alike.
 *
 *   npm run build && node bench/ingest/metrics-latency.mjs [--requests 3000]
 */
import { parseArgs } from 'node:util';
import { client, quantile } from './http-client.mjs';
import { registerModel } from './scenarios.mjs';
import { startServer } from './server.mjs';
import { prediction, rng } from './workload.mjs';

const { values: opt } = parseArgs({ options: { requests: { type: 'string', default: '3000' } } });
const total = Number(opt.requests);
const servers = { on: await startServer({ env: { DRIFTWATCH_METRICS: 'true' } }), off: await startServer({ env: { DRIFTWATCH_METRICS: 'false' } }) };
try {
  const clients = {};
  for (const [k, s] of Object.entries(servers)) {
    await registerModel(s);
    clients[k] = client(s.url, { token: s.key, sockets: 1 });
  }
  const r = rng(11);
  const end = Date.now();
  const latencies = { on: [], off: [] };
  const cpu0 = { on: servers.on.cpuSeconds(), off: servers.off.cpuSeconds() };
  for (let i = 0; i < total; i++) {
    const body = Buffer.from(JSON.stringify(prediction(r, end - 3_600_000 + i)));
    for (const k of i % 2 ? ['off', 'on'] : ['on', 'off']) {
      const res = await clients[k].request('POST', '/api/v1/predictions', body);
      if (res.status !== 200) throw new Error(`${k}: ${res.status} ${JSON.stringify(res.body)}`);
      if (i >= 100) latencies[k].push(res.ms); // the first 100 warm up
    }
  }
  const out = {};
  for (const k of ['on', 'off']) {
    const l = latencies[k].sort((a, b) => a - b);
    out[k] = { p50Ms: quantile(l, 0.5), p90Ms: quantile(l, 0.9), p99Ms: quantile(l, 0.99), meanMs: l.reduce((s, x) => s + x, 0) / l.length, serverCpuSeconds: servers[k].cpuSeconds() - cpu0[k] };
    clients[k].close();
  }
  out.difference = { p50: (out.on.p50Ms - out.off.p50Ms) / out.off.p50Ms, mean: (out.on.meanMs - out.off.meanMs) / out.off.meanMs, serverCpu: (out.on.serverCpuSeconds - out.off.serverCpuSeconds) / out.off.serverCpuSeconds };
  console.log(JSON.stringify({ requests: total, ...out }, null, 2));
} finally {
  await servers.on.stop();
  await servers.off.stop();
}
