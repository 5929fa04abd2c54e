import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DriftwatchClient, type FailedRow } from '../../src/client/index.js';
import { CLIENT_MODEL, type Driftwatch, clientPrediction, startDriftwatch } from './driftwatch-fixture.js';

const CLIENT_DIST = resolve(import.meta.dirname, '../../dist/client/index.js');

/** The TypeScript client against the real driftwatch on loopback. */
describe('DriftwatchClient against driftwatch', () => {
  let dw: Driftwatch;
  beforeAll(async () => {
    dw = await startDriftwatch();
  });
  afterAll(async () => dw?.close());

  const client = (extra: Partial<ConstructorParameters<typeof DriftwatchClient>[0]> = {}) =>
    new DriftwatchClient({ url: dw.url, apiKey: dw.ingestKey, modelId: CLIENT_MODEL.model_id, flushOnExit: false, batchSize: 100, flushIntervalMs: 20, ...extra });

  it('lands the good rows of a batch and names the bad ones with the server reasons', async () => {
    const failures: FailedRow[] = [];
    const c = client({ onFailure: (f) => failures.push(...f) });
    const good = [0, 1, 2].map((i) => c.log(clientPrediction(i)));
    const badLabel = c.log({ ...clientPrediction(3), prediction: { label: 'maybe' } });
    const badFeature = c.log({ ...clientPrediction(4), features: { x: 'high', c: 'c1' } });
    const more = c.log(clientPrediction(5));
    await c.flush();
    expect(c.stats()).toMatchObject({ sent: 4, failed: 2 });
    expect(failures).toEqual([
      { kind: 'prediction', prediction_id: badLabel, reason: expect.stringMatching(/^prediction\.label: must be one of the model's labels/) },
      { kind: 'prediction', prediction_id: badFeature, reason: 'features.x: must be a finite number' },
    ]);
    const stored = new Set(await dw.storedIds());
    expect([...good, more].every((id) => stored.has(id))).toBe(true);
    expect(stored.has(badLabel) || stored.has(badFeature)).toBe(false);

    // outcomes, before and after their predictions
    c.logOutcome(good[0], 'yes');
    c.logOutcome({ prediction_id: 'not-yet-logged', actual: 'no' });
    await c.close();
    expect(c.stats()).toMatchObject({ sent: 6, failed: 2 });
    expect(await dw.store().getOutcome(CLIENT_MODEL.model_id, good[0])).toMatchObject({ label: 'yes' });
    expect(await dw.store().getOutcome(CLIENT_MODEL.model_id, 'not-yet-logged')).toMatchObject({ label: 'no' });
  });

  it('fails a batch for an unknown model or a key without the ingest scope, without retrying', async () => {
    const unknown = client({ modelId: 'no-such-model' });
    unknown.log(clientPrediction(1));
    await unknown.close();
    expect(unknown.stats()).toMatchObject({ sent: 0, failed: 1, retries: 0 });
    expect(unknown.recentFailures()[0].reason).toMatch(/^HTTP 404 model_not_found/);

    const badKey = client({ apiKey: 'dw_000000000000_not-a-real-key-at-all-000000000000000000000' });
    badKey.log(clientPrediction(1));
    await badKey.close();
    expect(badKey.stats()).toMatchObject({ sent: 0, failed: 1, retries: 0 });
    expect(badKey.recentFailures()[0].reason).toMatch(/^HTTP 401/);
  });

  /** A child process that logs and then ends (naturally or by a signal) without calling close(). */
  async function runChild(ending: 'natural' | 'SIGTERM' | 'SIGINT', rows: number) {
    if (!existsSync(CLIENT_DIST)) throw new Error(`${CLIENT_DIST} is missing: build first (npm test runs npm run build)`);
    const script = `
      const { DriftwatchClient } = await import(${JSON.stringify(CLIENT_DIST)});
      const c = new DriftwatchClient({ url: ${JSON.stringify(dw.url)}, apiKey: ${JSON.stringify(dw.ingestKey)}, modelId: 'clf', batchSize: 100000, flushIntervalMs: 60000 });
      for (let i = 0; i < ${rows}; i++) c.log({ prediction_id: '${ending}-' + i, features: { x: i, c: 'a' }, prediction: { label: 'yes' } });
      if (${JSON.stringify(ending)} !== 'natural') { setInterval(() => {}, 1000); process.kill(process.pid, ${JSON.stringify(ending)}); }
    `;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((ok) => child.on('exit', (c, s) => ok([c, s])));
    const ids = (await dw.storedIds()).filter((id) => id.startsWith(`${ending}-`));
    return { code, signal, err, ids };
  }

  it('flushes on beforeExit, SIGTERM and SIGINT, then ends the process as it would have ended', async () => {
    const natural = await runChild('natural', 700);
    expect(natural).toMatchObject({ code: 0, err: '' });
    expect(natural.ids).toHaveLength(700);
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      const r = await runChild(signal, 300);
      expect(r.signal, r.err).toBe(signal); // killed by the signal after the flush, as without the client
      expect(r.ids).toHaveLength(300);
    }
  });
});
