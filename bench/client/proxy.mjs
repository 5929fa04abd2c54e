/**
 * What `driftwatch proxy` adds to a model server's latency. A loopback model server (its own
 * process), driftwatch (from dist, temp SQLite) and the proxy (the built CLI, its own process,
 * logging every call to that driftwatch). The same open-loop load, RATE requests/s (default
 * 1,000) for DURATION seconds (default 10, after a 1 s warm-up), is sent straight to the model server and
 * through the proxy, alternating, REPEAT times (default 3), after an unrecorded warm-up of both;
 * then REPEAT windows with both loads at the same time, in pairs (each call and its twin leave at
 * the same moment; the model server sees 2,000/s): each side's quantiles in the same window, and
 * the added latency of each pair (proxied − direct), which takes most of a noisy machine's
 * stalls out. Latency is each request's send-to-last-byte time over keep-alive connections.
 */
import { join } from 'node:path';
import { DIST, MODEL_ID, cpuSecondsOf, median, poster, prediction, quantile, rng, startDriftwatch, startProcess } from './lib.mjs';

/**
 * Open loop: call `fire(i)` for i = 0 … total − 1 at `rate` per second, on time whatever the
 * answers do (a late answer does not hold the next call back); resolves when every call settled.
 */
async function paced(rate, total, fire) {
  let sent = 0;
  let done = 0;
  const t0 = performance.now();
  await new Promise((resolve) => {
    const settled = () => {
      if (++done === total) resolve();
    };
    const tick = () => {
      const due = Math.min(total, Math.floor(((performance.now() - t0) / 1000) * rate));
      while (sent < due) fire(sent++).then(settled, settled);
      if (sent < total) setTimeout(tick, 1);
    };
    tick();
  });
  return performance.now() - t0;
}

async function openLoop(baseUrl, bodies, rate, seconds, warmupSeconds = 1) {
  const c = poster(baseUrl, { sockets: 256 });
  const total = Math.round(rate * (seconds + warmupSeconds));
  const warmup = Math.round(rate * warmupSeconds);
  const latencies = [];
  const statuses = {};
  const elapsed = await paced(rate, total, (i) =>
    c.post('/predict', bodies[i % bodies.length]).then(
      (res) => {
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        if (res.status !== 200 && (statuses[res.status] ?? 0) <= 3) console.error(`  ${res.status}: ${res.body.slice(0, 200)}`);
        if (i >= warmup) latencies.push(res.ms);
      },
      (e) => {
        const key = `error ${e.code ?? e.message}`;
        statuses[key] = (statuses[key] ?? 0) + 1;
      },
    ),
  );
  c.close();
  latencies.sort((a, b) => a - b);
  const achieved = (total / elapsed) * 1000;
  return { p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99), p999: quantile(latencies, 0.999), max: latencies[latencies.length - 1], statuses, achieved };
}

/**
 * Both loads at once, in pairs: at each tick the same body leaves for the model server and for
 * the proxy at the same moment. Besides each side's quantiles in the same window, the added
 * latency of each pair (proxied − direct): a stall of the machine delays both calls of a pair,
 * so their difference is what the proxy itself added, with most of the machine's noise taken out.
 */
async function pairedLoop(directUrl, proxyUrl, bodies, rate, seconds, warmupSeconds = 1) {
  const cd = poster(directUrl, { sockets: 256 });
  const cp = poster(proxyUrl, { sockets: 256 });
  const total = Math.round(rate * (seconds + warmupSeconds));
  const warmup = Math.round(rate * warmupSeconds);
  const direct = [];
  const proxied = [];
  const added = [];
  let failed = 0;
  await paced(rate, total, (i) => {
    const body = bodies[i % bodies.length];
    return Promise.all([cd.post('/predict', body), cp.post('/predict', body)]).then(
      ([d, p]) => {
        if (d.status !== 200 || p.status !== 200) failed++;
        else if (i >= warmup) {
          direct.push(d.ms);
          proxied.push(p.ms);
          added.push(p.ms - d.ms);
        }
      },
      () => failed++,
    );
  });
  cd.close();
  cp.close();
  for (const xs of [direct, proxied, added]) xs.sort((a, b) => a - b);
  const q = (xs) => ({ p50: quantile(xs, 0.5), p99: quantile(xs, 0.99), p999: quantile(xs, 0.999) });
  return { direct: q(direct), proxy: q(proxied), added: q(added), pairs: added.length, failed };
}

export async function measureProxy({ rate = Number(process.env.RATE ?? 1000), seconds = Number(process.env.DURATION ?? 10), repeat = Number(process.env.REPEAT ?? 3), batchSize = process.env.PROXY_BATCH ? Number(process.env.PROXY_BATCH) : undefined } = {}) {
  const dw = await startDriftwatch();
  const model = await startProcess([new URL('./model-server.mjs', import.meta.url).pathname], /model listening on (http:\/\/[\d.:]+)/);
  const proxy = await startProcess(
    // the proxy as users run it: its own --batch-size unless PROXY_BATCH says otherwise
    [join(DIST, 'cli/main.js'), 'proxy', '--listen', '127.0.0.1:0', '--target', model.match[1], '--model', MODEL_ID, '--url', dw.url, '--api-key', dw.key, ...(batchSize ? ['--batch-size', String(batchSize)] : [])],
    /proxy listening on (http:\/\/[\d.:]+)/,
  );
  try {
    const r = rng(11);
    const bodies = Array.from({ length: 5000 }, () => Buffer.from(JSON.stringify({ features: prediction(r).features })));
    const runs = { direct: [], proxy: [] };
    // warm everything up first (JIT in the proxy, driftwatch's first ingests and parse workers), unrecorded
    await openLoop(proxy.match[1], bodies, rate, 3);
    await openLoop(model.match[1], bodies, rate, 1);
    for (let k = 0; k < repeat; k++) {
      for (const which of k % 2 === 0 ? ['direct', 'proxy'] : ['proxy', 'direct']) {
        const cpu0 = { model: cpuSecondsOf(model.child.pid), proxy: cpuSecondsOf(proxy.child.pid) };
        const res = await openLoop(which === 'direct' ? model.match[1] : proxy.match[1], bodies, rate, seconds);
        const requests = Math.round(rate * (seconds + 1));
        // CPU per request of each process, independent of how busy the machine is
        res.modelCpuUsPerRequest = ((cpuSecondsOf(model.child.pid) - cpu0.model) * 1e6) / requests;
        res.proxyCpuUsPerRequest = ((cpuSecondsOf(proxy.child.pid) - cpu0.proxy) * 1e6) / requests;
        runs[which].push(res);
        console.error(`#${k + 1} ${which.padEnd(6)} p50 ${res.p50.toFixed(3)} ms  p99 ${res.p99.toFixed(3)} ms  p99.9 ${res.p999.toFixed(3)} ms  max ${res.max.toFixed(1)} ms  ${JSON.stringify(res.statuses)} at ${res.achieved.toFixed(0)}/s; CPU µs/request model ${res.modelCpuUsPerRequest.toFixed(0)}, proxy ${res.proxyCpuUsPerRequest.toFixed(0)}`);
      }
    }
    // and side by side, in pairs: both loads at once, each call's twin leaving at the same moment
    const pairedRuns = [];
    for (let k = 0; k < repeat; k++) {
      const r = await pairedLoop(model.match[1], proxy.match[1], bodies, rate, seconds);
      pairedRuns.push(r);
      console.error(`paired #${k + 1}: direct p50 ${r.direct.p50.toFixed(3)} p99 ${r.direct.p99.toFixed(3)} ms; proxy p50 ${r.proxy.p50.toFixed(3)} p99 ${r.proxy.p99.toFixed(3)} ms; added per pair p50 ${r.added.p50.toFixed(3)} p99 ${r.added.p99.toFixed(3)} ms (${r.pairs} pairs, ${r.failed} failed)`);
    }
    const pm = (f) => median(pairedRuns.map(f));
    const together = {
      direct: { p50: pm((r) => r.direct.p50), p99: pm((r) => r.direct.p99) },
      proxy: { p50: pm((r) => r.proxy.p50), p99: pm((r) => r.proxy.p99) },
      addedP50Ms: pm((r) => r.proxy.p50 - r.direct.p50),
      addedP99Ms: pm((r) => r.proxy.p99 - r.direct.p99),
      pairedAdded: { p50: pm((r) => r.added.p50), p99: pm((r) => r.added.p99), p999: pm((r) => r.added.p999) },
      runs: pairedRuns,
    };
    // how many calls the proxy logged to driftwatch (all of them, once flushed)
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const c = poster(dw.url, { token: dw.key });
    const counts = await fetch(`${dw.url}/api/v1/predictions/counts?model_id=${MODEL_ID}&from=2000-01-01`, { headers: { authorization: `Bearer ${dw.key}` } }).then((x) => x.json());
    c.close();
    const m = (which, key) => median(runs[which].map((x) => x[key]));
    return {
      rate,
      seconds,
      repeat,
      batchSize: batchSize ?? 'the CLI default',
      direct: { p50: m('direct', 'p50'), p99: m('direct', 'p99'), p999: m('direct', 'p999') },
      proxy: { p50: m('proxy', 'p50'), p99: m('proxy', 'p99'), p999: m('proxy', 'p999') },
      proxyCpuUsPerRequest: m('proxy', 'proxyCpuUsPerRequest'),
      modelCpuUsPerRequest: m('direct', 'modelCpuUsPerRequest'),
      addedP50Ms: m('proxy', 'p50') - m('direct', 'p50'),
      addedP99Ms: m('proxy', 'p99') - m('direct', 'p99'),
      together,
      proxiedRequests: Math.round(rate * (seconds + 1)) * repeat * 2 + Math.round(rate * 4),
      loggedToDriftwatch: counts.total,
      runs,
    };
  } finally {
    await proxy.stop();
    await model.stop();
    await dw.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await measureProxy();
  console.log(JSON.stringify({ ...r, runs: undefined }, null, 2));
}
