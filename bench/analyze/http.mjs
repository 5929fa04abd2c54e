/**
 * analyze-now over real HTTP: `driftwatch serve` on the bench data set, then
 * POST /api/v1/monitoring/analyze-now `repeat` times. The route analyses the window that ends
 * at the server's clock, so the data set is built with its window ending right before the
 * server starts. Reports each request's time and the server's peak RSS.
 */
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { cpuSecondsOf, memoryOf } from '../ingest/server.mjs';
import { BENCH_MODEL } from './dataset.mjs';

/** Start `node DIST/cli/main.js serve` on `db`; resolves with its URL and bootstrap admin key. */
async function serve(dist, db, nodeArgs) {
  const child = spawn(process.execPath, [...nodeArgs, `${dist}/cli/main.js`, 'serve', '--port', '0', '--db', db], {
    env: { ...process.env, DRIFTWATCH_SCHEDULER: 'false' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (c) => {
    if (err.length < 100_000) err += c;
  });
  const { url, key } = await new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      if (out.length < 100_000) out += chunk;
      const url = /listening on (http:\/\/[\d.:]+)/.exec(out)?.[1];
      const key = /\b(dw_[A-Za-z0-9]{12}_[A-Za-z0-9_-]{43})\b/.exec(out)?.[1];
      if (url && key) resolve({ url, key });
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}:\n${out.slice(-2000)}\n${err.slice(-2000)}`)));
  });
  return {
    url,
    key,
    pid: child.pid,
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

export async function analyzeOverHttp({ dist, db, repeat, nodeArgs = [], log }) {
  const server = await serve(dist, db, nodeArgs);
  const rssBefore = memoryOf(server.pid).rssMb;
  const requests = [];
  try {
    for (let i = 0; i < repeat; i++) {
      const cpu0 = cpuSecondsOf(server.pid);
      const t0 = performance.now();
      const res = await fetch(`${server.url}/api/v1/monitoring/analyze-now`, {
        method: 'POST',
        headers: { authorization: `Bearer ${server.key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model_id: BENCH_MODEL.model_id }),
      });
      const body = await res.json();
      const ms = performance.now() - t0;
      if (res.status !== 200 || body.status !== 'completed') throw new Error(`analyze-now: ${res.status} ${JSON.stringify(body).slice(0, 500)}`);
      const r = { ms, serverCpuMs: (cpuSecondsOf(server.pid) - cpu0) * 1000, sampleCount: body.sample_count ?? body.summary?.sample_count, peakRssMb: memoryOf(server.pid).peakMb, loadAverage: loadavg()[0] };
      requests.push(r);
      log(`  HTTP analyze-now #${i + 1}: ${ms.toFixed(0)} ms (server CPU ${r.serverCpuMs.toFixed(0)} ms), server peak RSS ${r.peakRssMb.toFixed(0)} MB, load ${r.loadAverage.toFixed(1)}`);
    }
  } finally {
    await server.stop();
  }
  return { serverRssBeforeMb: rssBefore, requests };
}
