/** The two load shapes: sustained NDJSON bulk ingestion, and single predictions at a fixed rate. */
import { client, quantile } from './http-client.mjs';
import { MODEL, MODEL_ID, prediction, rng } from './workload.mjs';

/** Register the bench model (driftwatch only). */
export async function registerModel(server) {
  const c = client(server.url, { token: server.key });
  const res = await c.request('POST', '/api/v1/models', MODEL);
  c.close();
  if (res.status !== 201 && res.status !== 200) throw new Error(`model registration failed: ${res.status} ${JSON.stringify(res.body)}`);
}

/**
 * Send every body once, `concurrency` requests in flight. Every response must be a 200 that
 * accepted all its rows. Returns rows/s over the wall time, per-request latencies, and the
 * server's peak RSS and CPU time.
 */
export async function bulk(server, { bodies, rowsPerBody, concurrency, path }) {
  const c = client(server.url, { token: server.key, sockets: concurrency });
  const cpu0 = server.cpuSeconds();
  let next = 0;
  const latencies = [];
  const rssSamples = [];
  const sampler = setInterval(() => rssSamples.push(server.memory()), 100);
  const started = performance.now();
  async function worker() {
    while (next < bodies.length) {
      const body = bodies[next++];
      const res = await c.request('POST', path, body, 'application/x-ndjson');
      if (res.status !== 200 || res.body.accepted !== rowsPerBody) throw new Error(`bulk request failed: ${res.status} ${JSON.stringify(res.body).slice(0, 500)}`);
      latencies.push(res.ms);
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  c.close();
  const rows = bodies.length * rowsPerBody;
  latencies.sort((a, b) => a - b);
  return {
    rows,
    seconds,
    perSecond: rows / seconds,
    requestP50Ms: quantile(latencies, 0.5),
    requestMaxMs: latencies[latencies.length - 1],
    peakRssMb: server.memory().peakMb,
    meanRssMb: rssSamples.reduce((s, x) => s + x.rssMb, 0) / Math.max(1, rssSamples.length),
    // the sample with the largest RSS, split into anonymous memory and mapped file pages
    rssAtPeak: rssSamples.reduce((a, b) => (b.rssMb > a.rssMb ? b : a), { rssMb: 0 }),
    serverCpuSeconds: server.cpuSeconds() - cpu0,
  };
}

/**
 * Open-loop load: POST one prediction to /api/v1/predictions at `rate` per second for
 * `seconds`, whatever the responses do (so slow answers are not hidden by a waiting client).
 * Latency is each request's send-to-response time; the pacing timer fires about every
 * millisecond, so requests leave at most ~1 ms after they were due.
 */
export async function singleAtRate(server, { rate, seconds, warmupSeconds = 2, end }) {
  const c = client(server.url, { token: server.key, sockets: 256 });
  const r = rng(7);
  const total = Math.round(rate * (seconds + warmupSeconds));
  const warmup = Math.round(rate * warmupSeconds);
  const bodies = Array.from({ length: total }, (_, i) => Buffer.from(JSON.stringify(prediction(r, end - 3_600_000 + i))));
  const latencies = [];
  const statuses = new Map();
  const inflight = new Set();
  const cpu0 = server.cpuSeconds();
  const t0 = performance.now();
  let sent = 0;
  await new Promise((resolve) => {
    const tick = () => {
      const due = Math.min(total, Math.floor(((performance.now() - t0) / 1000) * rate));
      while (sent < due) {
        const i = sent++;
        const p = c.request('POST', '/api/v1/predictions', bodies[i]).then(
          (res) => {
            statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
            if (i >= warmup) latencies.push(res.ms);
          },
          () => statuses.set('error', (statuses.get('error') ?? 0) + 1),
        );
        inflight.add(p);
        p.finally(() => inflight.delete(p));
      }
      if (sent < total) setTimeout(tick, 1);
      else resolve();
    };
    tick();
  });
  await Promise.all(inflight);
  const wall = (performance.now() - t0) / 1000;
  c.close();
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    achievedRate: total / wall,
    statuses: Object.fromEntries(statuses),
    p50Ms: quantile(latencies, 0.5),
    p90Ms: quantile(latencies, 0.9),
    p99Ms: quantile(latencies, 0.99),
    p999Ms: quantile(latencies, 0.999),
    maxMs: latencies[latencies.length - 1],
    serverCpuSeconds: server.cpuSeconds() - cpu0,
    peakRssMb: server.memory().peakMb,
  };
}

export { MODEL_ID };
