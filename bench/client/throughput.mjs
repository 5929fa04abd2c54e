/**
 * Throughput delivered to a running driftwatch: the client (log() as fast as its buffer admits,
 * block mode, so nothing is dropped; timed until close() has every row acknowledged) against
 * the bulk endpoint's own figure in the same run (the same rows pre-serialised as NDJSON bodies
 * and POSTed directly with the same batch size and concurrency). Each repeat runs both on the
 * same server, alternating which goes first, after an unrecorded round of each.
 */
import { DriftwatchClient, uuidv7 } from '../../dist/client/index.js';
import { MODEL_ID, cpuSecondsOf, median, poster, prediction, rng, startDriftwatch } from './lib.mjs';

/** POST pre-built NDJSON bodies, `concurrency` at a time; rows/s. */
async function reference(dw, bodies, rowsPerBody, concurrency) {
  const c = poster(dw.url, { token: dw.key, sockets: concurrency });
  let next = 0;
  const t0 = performance.now();
  const worker = async () => {
    while (next < bodies.length) {
      const res = await c.post(`/api/v1/predictions/bulk?model_id=${MODEL_ID}&partial=true`, bodies[next++], 'application/x-ndjson');
      if (res.status !== 200 || JSON.parse(res.body).accepted !== rowsPerBody) throw new Error(`reference bulk failed: ${res.status} ${res.body.slice(0, 300)}`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - t0) / 1000;
  c.close();
  return { rows: bodies.length * rowsPerBody, seconds, perSecond: (bodies.length * rowsPerBody) / seconds };
}

/** log() every row through a DriftwatchClient; rows/s until all are acknowledged. */
async function viaClient(dw, rows, batchSize, concurrency) {
  const client = new DriftwatchClient({ url: dw.url, apiKey: dw.key, modelId: MODEL_ID, batchSize, maxConcurrency: concurrency, maxBuffer: batchSize * (concurrency + 2), onFull: 'block', flushIntervalMs: 50, flushOnExit: false, closeTimeoutMs: 120_000 });
  const t0 = performance.now();
  for (let i = 0; i < rows.length; i++) {
    const id = client.log(rows.at(i));
    if (typeof id !== 'string') await id;
  }
  await client.close();
  const seconds = (performance.now() - t0) / 1000;
  const s = client.stats();
  if (s.sent !== rows.length) throw new Error(`client delivered ${s.sent} of ${rows.length}: ${JSON.stringify(s)} ${JSON.stringify(client.recentFailures().slice(0, 3))}`);
  return { rows: rows.length, seconds, perSecond: rows.length / seconds, retries: s.retries };
}

export async function measureThroughput({ rows = 200_000, batchSize = 5000, concurrency = 2, repeat = 3 } = {}) {
  const dw = await startDriftwatch();
  try {
    const r = rng(7);
    // a service makes a new object per prediction and lets it go once logged: each row is a fresh
    // top-level object over a pool of 5,000 generated ones (so the heap holds what the client holds)
    const pool = Array.from({ length: 5000 }, () => prediction(r));
    const objects = { length: rows, at: (i) => ({ ...pool[i % pool.length] }) };
    const runs = { reference: [], client: [] };
    // an unrecorded round of each first: the server's parse workers, JIT and SQLite pages warm,
    // so the first recorded run of neither side pays for the server's start
    for (let k = -1; k < repeat; k++) {
      const now = Date.now();
      const bodies = [];
      for (let b = 0; b < rows / batchSize; b++) {
        // each line written into the body as it is made: no array of 5,000 strings that would
        // live long enough to be promoted and then cost a later run its collection
        let body = Buffer.allocUnsafeSlow(batchSize * 1024);
        let at = 0;
        for (let i = b * batchSize; i < (b + 1) * batchSize; i++) {
          const line = `${JSON.stringify({ ...objects.at(i), prediction_id: uuidv7(now), timestamp: now })}\n`; // what the client adds
          if (at + line.length * 3 > body.length) body = Buffer.concat([body.subarray(0, at), Buffer.allocUnsafeSlow(body.length)]);
          at += body.write(line, at);
        }
        bodies.push(body.subarray(0, at));
      }
      const order = k % 2 === 0 ? ['reference', 'client'] : ['client', 'reference'];
      for (const which of order) {
        const server0 = cpuSecondsOf(dw.pid);
        const own0 = process.cpuUsage();
        const res = which === 'reference' ? await reference(dw, bodies, batchSize, concurrency) : await viaClient(dw, objects, batchSize, concurrency);
        const own = process.cpuUsage(own0);
        res.serverCpuSeconds = cpuSecondsOf(dw.pid) - server0;
        res.senderCpuSeconds = (own.user + own.system) / 1e6;
        if (k < 0) {
          console.error(`warm-up ${which}: ${Math.round(res.perSecond).toLocaleString('en-US')} rows/s`);
          continue;
        }
        runs[which].push(res);
        console.error(`#${k + 1} ${which}: ${Math.round(res.perSecond).toLocaleString('en-US')} rows/s (${res.seconds.toFixed(2)} s; CPU s: server ${res.serverCpuSeconds.toFixed(2)}, sender ${res.senderCpuSeconds.toFixed(2)})`);
      }
    }
    const ref = median(runs.reference.map((x) => x.perSecond));
    const cli = median(runs.client.map((x) => x.perSecond));
    return { rows, batchSize, concurrency, repeat, referencePerSecond: ref, clientPerSecond: cli, ratio: cli / ref, runs };
  } finally {
    await dw.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')).map(([k, v]) => [k, Number(v)]));
  const r = await measureThroughput(args);
  console.log(JSON.stringify({ ...r, runs: undefined }, null, 2));
}
