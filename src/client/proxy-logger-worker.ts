/**
 * The proxy's logging thread: turns the calls the proxy hands over into predictions and sends
 * them to driftwatch with a client of its own (see ThreadLogger).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { DriftwatchClient } from './driftwatch-client.js';
import { compileMapping } from './proxy-mapping.js';
import { type CapturedCall, type FromLoggerThread, type LoggerCounts, type LoggerThreadInit, type ToLoggerThread, logCall } from './proxy-logger.js';

const port = parentPort!;
const init = workerData as LoggerThreadInit;
const send = (m: FromLoggerThread) => port.postMessage(m);
const mapping = compileMapping(init.mapping ?? {});
const client = new DriftwatchClient({
  ...init.client,
  flushOnExit: false, // the proxy closes this thread's client itself
  onFailure: (failures) => send({ type: 'failed', failures: failures.slice(0, 10), count: failures.length }),
});
const counts: LoggerCounts = { logged: 0, skipped: 0 };
/** counts go back to the proxy this long after calls came in (at most that often) */
const REPORT_AFTER_MS = 20;
let reportDue = false;
let errorsReported = 0;

send({ type: 'ready' });

port.on('message', (m: ToLoggerThread) => {
  if (m.type === 'close') {
    void client.close().then(() => send({ type: 'closed', counts, client: client.stats() }));
    return;
  }
  const bytes = Buffer.from(m.bytes);
  let at = 0;
  for (const w of m.calls) {
    const { requestBytes, responseBytes, ...rest } = w;
    const call: CapturedCall = { ...rest, requestBody: bytes.subarray(at, (at += requestBytes)), responseBody: bytes.subarray(at, (at += responseBytes)) };
    try {
      const r = logCall(mapping, client, call);
      if (r !== 'ignored') counts[r]++;
    } catch (e) {
      counts.skipped++;
      // the first few reasons, then only the counts: a mapping that never fits must not flood the log
      if (errorsReported++ < 10) send({ type: 'error', message: (e as Error).message });
    }
  }
  if (!reportDue) {
    reportDue = true;
    setTimeout(() => {
      reportDue = false;
      send({ type: 'counts', counts });
    }, REPORT_AFTER_MS);
  }
});
