/**
 * The cost of DriftwatchClient.log() on the caller's event loop, per call, over 1,000,000 calls,
 * while the client really delivers to a running driftwatch (so the flush path runs between the
 * caller's turns, as in a service).
 *
 * The caller works in turns of 1,000 log() calls, paced to RATE calls/s (default 50,000), and
 * yields between turns, like a busy server handling requests. Each row is a fresh object (made
 * outside the timed region) without prediction_id or timestamp, so every log() also generates a
 * UUIDv7 and reads the clock. The buffer is large enough that nothing is dropped.
 *
 * Two timings, both with process.hrtime.bigint():
 *  - per call: a clock read right before and right after each log(); the cost of the pair of
 *    reads with nothing between (calibrated as the median of 1,000,000 empty pairs) is
 *    subtracted. Honest about tails (a GC pause inside a call shows), but every sample carries the
 *    clock's own jitter.
 *  - batched: one clock pair around each group of 100 consecutive calls, divided by 100. The clock
 *    cost is amortised away (< 1 ns per call), but a slow call is averaged with 99 others, so its
 *    p99 is a p99 of group means.
 */
import { DriftwatchClient } from '../../dist/client/index.js';
import { MODEL_ID, prediction, quantile, rng, startDriftwatch } from './lib.mjs';

const CALLS = Number(process.env.CALLS ?? 1_000_000);
const TURN = 1000;
const GROUP = 100;
const RATE = Number(process.env.RATE ?? 50_000);

function stats(ns) {
  const s = Float64Array.from(ns).sort();
  return { median: quantile(s, 0.5), p99: quantile(s, 0.99), p999: quantile(s, 0.999), max: s[s.length - 1] };
}

export async function measureOverhead({ calls = CALLS, rate = RATE } = {}) {
  const dw = await startDriftwatch();
  try {
    const r = rng(1);
    const pool = Array.from({ length: 5000 }, () => prediction(r));
    const make = (i) => {
      const p = pool[i % pool.length];
      return { model_version: p.model_version, features: p.features, prediction: p.prediction, explanation: p.explanation, metadata: p.metadata };
    };
    const client = new DriftwatchClient({ url: dw.url, apiKey: dw.key, modelId: MODEL_ID, maxBuffer: 2 * calls + 60_000, flushOnExit: false, closeTimeoutMs: 300_000 });

    // calibrate: an empty pair of clock reads
    const empty = new Float64Array(1_000_000);
    for (let i = 0; i < empty.length; i++) {
      const t0 = process.hrtime.bigint();
      empty[i] = Number(process.hrtime.bigint() - t0);
    }
    const clockPair = quantile(empty.sort(), 0.5);

    // warm-up (JIT), not measured
    for (let i = 0; i < 50_000; i++) client.log(make(i));
    await client.flush();

    const perCall = new Float64Array(calls);
    const rows = new Array(TURN);
    const t0 = performance.now();
    let turns = 0;
    // wait until this turn is due at `rate` calls/s (or at least yield once)
    const pace = async () => {
      turns++;
      const due = t0 + (turns * TURN * 1000) / rate;
      await new Promise((resolve) => setImmediate(resolve));
      while (performance.now() < due) await new Promise((resolve) => setTimeout(resolve, Math.max(0, Math.min(5, due - performance.now()))));
    };
    for (let done = 0; done < calls; done += TURN) {
      for (let k = 0; k < TURN; k++) rows[k] = make(done + k);
      for (let k = 0; k < TURN; k++) {
        const a = process.hrtime.bigint();
        client.log(rows[k]);
        perCall[done + k] = Number(process.hrtime.bigint() - a) - clockPair;
      }
      await pace();
    }
    const grouped = [];
    for (let done = 0; done < calls; done += TURN) {
      for (let k = 0; k < TURN; k++) rows[k] = make(done + k);
      for (let g = 0; g < TURN; g += GROUP) {
        const a = process.hrtime.bigint();
        for (let k = g; k < g + GROUP; k++) client.log(rows[k]);
        grouped.push(Number(process.hrtime.bigint() - a) / GROUP);
      }
      await pace();
    }
    const loggedMs = performance.now() - t0;
    const backlog = client.stats().queued;
    await client.close();
    const s = client.stats();
    return {
      calls,
      clockPairNs: clockPair,
      perCallNs: stats(perCall),
      batchedNs: stats(grouped),
      rate,
      delivered: { sent: s.sent, failed: s.failed, dropped: s.dropped, expected: 50_000 + 2 * calls, backlogAtEnd: backlog, seconds: (performance.now() - t0) / 1000, loggingSeconds: loggedMs / 1000 },
    };
  } finally {
    await dw.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await measureOverhead();
  console.log(JSON.stringify(r, null, 2));
}
