import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DriftwatchClient } from '../../src/client/index.js';
import { CLIENT_MODEL, type Driftwatch, clientPrediction, startDriftwatch } from './driftwatch-fixture.js';

const waitFor = async (cond: () => boolean, ms = 10_000) => {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
};

/**
 * A TCP relay to driftwatch that cuts the connection instead of passing on every other response:
 * the rows of those requests are committed, but the client never hears it and sends them again.
 */
async function lossyRelay(target: string) {
  const { hostname, port } = new URL(target);
  let responses = 0;
  let cut = 0;
  const server = net.createServer((down) => {
    const up = net.connect(Number(port), hostname);
    down.pipe(up);
    up.on('data', (chunk) => {
      if (chunk.subarray(0, 5).toString() === 'HTTP/' && responses++ % 2 === 0) {
        cut++;
        up.destroy();
        down.destroy();
      } else down.write(chunk);
    });
    up.on('error', () => down.destroy());
    down.on('error', () => up.destroy());
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return { url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`, cut: () => cut, close: () => new Promise((ok) => server.close(ok)) };
}

/**
 * driftwatch goes away while a service keeps logging, then comes back on the same database: the
 * client delivers everything it held (up to its bound), and every prediction is stored exactly
 * once, though some batches were sent several times.
 */
describe('the client through a driftwatch outage', () => {
  let dw: Driftwatch;
  beforeAll(async () => {
    dw = await startDriftwatch();
  });
  afterAll(async () => dw?.close());

  it('delivers everything it buffered, exactly once', async () => {
    const client = new DriftwatchClient({
      url: dw.url,
      apiKey: dw.ingestKey,
      modelId: CLIENT_MODEL.model_id,
      batchSize: 200,
      flushIntervalMs: 20,
      maxBuffer: 10_000,
      flushOnExit: false,
      retry: { initialDelayMs: 20, maxDelayMs: 200 },
    });
    const logged: string[] = [];
    for (let i = 0; i < 1000; i++) logged.push(client.log(clientPrediction(i)));
    await client.flush();
    expect(client.stats()).toMatchObject({ sent: 1000, failed: 0 });

    await dw.stop();
    for (let i = 1000; i < 4000; i++) {
      logged.push(client.log(i % 5 === 0 ? { ...clientPrediction(i), prediction_id: `explicit-${i}` } : clientPrediction(i)));
      if (i % 500 === 0) await new Promise((r) => setTimeout(r, 20)); // a service keeps running meanwhile
    }
    await waitFor(() => client.stats().retries >= 4); // it really tried, and failed, several times
    const during = client.stats();
    expect(during.sent).toBe(1000);
    expect(during.queued + during.inFlight).toBe(3000);

    await dw.restart();
    await client.flush();
    expect(client.stats()).toMatchObject({ sent: 4000, failed: 0, dropped: 0, queued: 0, inFlight: 0 });
    const stored = await dw.storedIds();
    expect(stored).toHaveLength(4000);
    expect(new Set(stored)).toEqual(new Set(logged));
    await client.close();
  });

  it('keeps the newest rows within maxBuffer when the outage outlasts the buffer, and delivers those once', async () => {
    const before = (await dw.storedIds()).length;
    const client = new DriftwatchClient({
      url: dw.url,
      apiKey: dw.ingestKey,
      modelId: CLIENT_MODEL.model_id,
      batchSize: 100,
      maxConcurrency: 1,
      flushIntervalMs: 10,
      maxBuffer: 500,
      flushOnExit: false,
      retry: { initialDelayMs: 20, maxDelayMs: 100 },
    });
    await dw.stop();
    const logged: string[] = [];
    for (let i = 0; i < 2000; i++) {
      logged.push(client.log(clientPrediction(i)));
      if (i === 50) await waitFor(() => client.stats().inFlight > 0); // the first rows are already in a request
    }
    const held = client.stats();
    expect(held.queued).toBe(500);
    expect(held.dropped).toBe(2000 - 500 - held.inFlight);
    await dw.restart();
    await client.close();
    const s = client.stats();
    expect(s).toMatchObject({ sent: 500 + held.inFlight, failed: 0, queued: 0 });
    const stored = (await dw.storedIds()).slice(before);
    expect(stored).toHaveLength(s.sent);
    // what survived: the batch that was in flight, and the newest 500
    expect(new Set(stored)).toEqual(new Set([...logged.slice(0, held.inFlight), ...logged.slice(-500)]));
  });

  it('sends again what was committed but never acknowledged, and the store keeps one copy', async () => {
    const before = new Set(await dw.storedIds());
    const relay = await lossyRelay(dw.url);
    const client = new DriftwatchClient({ url: relay.url, apiKey: dw.ingestKey, modelId: CLIENT_MODEL.model_id, batchSize: 50, flushIntervalMs: 10, flushOnExit: false, retry: { initialDelayMs: 5, maxDelayMs: 20 } });
    const logged = Array.from({ length: 1000 }, (_, i) => client.log(clientPrediction(i)));
    await client.close();
    await relay.close();
    expect(relay.cut()).toBeGreaterThanOrEqual(10);
    expect(client.stats()).toMatchObject({ sent: 1000, failed: 0 });
    expect(client.stats().retries).toBe(relay.cut());
    const added = (await dw.storedIds()).filter((id) => !before.has(id));
    expect(added).toHaveLength(1000);
    expect(new Set(added)).toEqual(new Set(logged));
  });
});
