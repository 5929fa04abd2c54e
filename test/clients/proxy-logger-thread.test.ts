import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// the built module: its thread runs dist/client/proxy-logger-worker.js
import { type CapturedCall, ThreadLogger, loggerThreadScript } from '../../dist/client/proxy-logger.js';
import type { FailedRow } from '../../dist/client/types.js';
import { CLIENT_MODEL, type Driftwatch, startDriftwatch } from './driftwatch-fixture.js';

const json = { 'content-type': 'application/json' };

function call(i: number, over: Partial<CapturedCall> = {}): CapturedCall {
  return {
    method: 'POST',
    url: `/predict?i=${i}`,
    requestHeaders: { ...json, 'x-prediction-id': `th-${i}` },
    requestBody: Buffer.from(JSON.stringify({ features: { x: i, c: `c${i % 3}` } })),
    status: 200,
    responseHeaders: json,
    responseBody: Buffer.from(JSON.stringify({ prediction: { label: i > 50 ? 'yes' : 'no' } })),
    arrived: Date.now(),
    latencyMs: 1.25,
    ...over,
  };
}

describe('the proxy logging thread (built)', () => {
  let dw: Driftwatch;
  beforeAll(async () => {
    dw = await startDriftwatch();
  });
  afterAll(async () => dw?.close());

  it('turns captured calls into predictions on its own thread and delivers them before close() resolves', async () => {
    const script = loggerThreadScript();
    expect(script).toBeDefined();
    const errors: unknown[] = [];
    const logger = new ThreadLogger(script!, { client: { url: dw.url, apiKey: dw.ingestKey, modelId: CLIENT_MODEL.model_id, batchSize: 10 }, mapping: undefined }, (e) => errors.push(e), () => errors.push('failure'));
    await logger.ready();
    for (let i = 0; i < 30; i++) logger.capture(call(i));
    // a compressed answer is decoded for the log
    logger.capture(call(30, { responseHeaders: { ...json, 'content-encoding': 'gzip' }, responseBody: gzipSync(JSON.stringify({ prediction: { label: 'yes' } })) }));
    // no features: skipped; an error answer: not a prediction at all; a body that cannot be decoded: skipped, reported
    logger.capture(call(31, { requestBody: Buffer.from('{}') }));
    logger.capture(call(32, { status: 500 }));
    logger.capture(call(33, { responseHeaders: { ...json, 'content-encoding': 'gzip' }, responseBody: Buffer.from('not gzip') }));
    logger.skip(); // a body over the capture limit, counted by the proxy
    const stats = await logger.close();
    expect(stats).toMatchObject({ sent: 31, failed: 0, dropped: 0, queued: 0 });
    expect(logger.counts()).toEqual({ logged: 31, skipped: 3 });
    expect(errors).toHaveLength(1);
    expect(String(errors[0])).toMatch(/incorrect header check|gzip|unexpected end/i);
    const ids = (await dw.storedIds()).filter((id) => id.startsWith('th-'));
    expect(ids.sort()).toEqual(Array.from({ length: 31 }, (_, i) => `th-${i}`).sort());
    const p = await dw.store().getPrediction(CLIENT_MODEL.model_id, 'th-30');
    expect(p).toMatchObject({ features: { x: 30, c: 'c0' }, prediction: { label: 'yes' }, metadata: { latency_ms: 1.25 } });
    // closed: later calls are not taken
    logger.capture(call(99));
    expect(logger.counts()).toEqual({ logged: 31, skipped: 4 });
  });

  it('reports rows driftwatch refused through onFailure, with the count', async () => {
    const failures: { rows: FailedRow[]; count: number }[] = [];
    const logger = new ThreadLogger(loggerThreadScript()!, { client: { url: dw.url, apiKey: 'dw_not_a_key', modelId: CLIENT_MODEL.model_id, batchSize: 5 }, mapping: undefined }, () => undefined, (rows, count) => failures.push({ rows, count }));
    await logger.ready();
    for (let i = 100; i < 112; i++) logger.capture(call(i));
    const stats = await logger.close();
    expect(stats).toMatchObject({ sent: 0, failed: 12 });
    expect(failures.reduce((n, f) => n + f.count, 0)).toBe(12);
    expect(failures[0].rows[0].reason).toMatch(/401|unauthori[sz]ed/i);
  });

  it('refuses to start with a mapping that does not compile (the thread exits, ready() says why)', async () => {
    const logger = new ThreadLogger(loggerThreadScript()!, { client: { url: dw.url, apiKey: dw.ingestKey, modelId: 'clf' }, mapping: { features: 'not-a-pointer' } }, () => undefined, () => undefined);
    await expect(logger.ready()).rejects.toThrow(/features/);
    logger.capture(call(1));
    expect(logger.counts().skipped).toBe(1);
    expect(await logger.close()).toBeUndefined();
  });
});
