import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/config.js';
import { createApiKey } from '../../src/server/auth/api-keys.js';
import { type RunningServer, startServer } from '../../src/server/server.js';
import { freePort } from '../reliability/server-process.js';

/** A two-feature binary classifier the client tests log against. */
export const CLIENT_MODEL = {
  model_id: 'clf',
  name: 'client tests',
  task: 'binary_classification',
  labels: ['no', 'yes'],
  positive_label: 'yes',
  features: [
    { name: 'x', type: 'numeric' },
    { name: 'c', type: 'categorical' },
  ],
};

/** A valid prediction of CLIENT_MODEL without id or timestamp (the client fills them in). */
export const clientPrediction = (i: number) => ({
  features: { x: i, c: `c${i % 3}` },
  prediction: { label: i % 2 ? 'yes' : 'no', probabilities: { no: i % 2 ? 0.3 : 0.7, yes: i % 2 ? 0.7 : 0.3 } },
});

/**
 * The real driftwatch (startServer, as `serve` runs it) on loopback over a SQLite file in a temp
 * dir, with CLIENT_MODEL registered and an ingest key. `stop()` and `restart()` keep the file and
 * the port, so a client pointed at `url` sees an outage and a recovery.
 */
export async function startDriftwatch() {
  const dir = mkdtempSync(join(tmpdir(), 'dw-client-'));
  const port = await freePort();
  const config = loadConfig({
    env: { DRIFTWATCH_DB: join(dir, 'dw.db'), DRIFTWATCH_PORT: String(port), DRIFTWATCH_HOST: '127.0.0.1', DRIFTWATCH_LOG_LEVEL: 'silent', DRIFTWATCH_SCHEDULER: 'false' },
  });
  let server: RunningServer | undefined = await startServer(config, { print: () => {} });
  const adminKey = server.bootstrapKey!;
  const ingestKey = (await createApiKey(server.store, 'client tests', ['ingest'], Date.now())).token;
  const url = `http://127.0.0.1:${port}`;
  const res = await fetch(`${url}/api/v1/models`, { method: 'POST', headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' }, body: JSON.stringify(CLIENT_MODEL) });
  if (res.status !== 201) throw new Error(`model registration: ${res.status} ${await res.text()}`);
  const running = () => {
    if (!server) throw new Error('driftwatch is stopped');
    return server;
  };
  return {
    url,
    adminKey,
    ingestKey,
    dir,
    /** every prediction id stored for CLIENT_MODEL, read from the store */
    async storedIds(): Promise<string[]> {
      const ids: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await running().store.listPredictions({ model_id: CLIENT_MODEL.model_id, limit: 1000, cursor });
        ids.push(...page.items.map((p) => p.prediction_id));
        cursor = page.next_cursor ?? undefined;
      } while (cursor);
      return ids;
    },
    store: () => running().store,
    async stop() {
      await server?.close();
      server = undefined;
    },
    async restart() {
      server ??= await startServer(config, { print: () => {} });
    },
    async close() {
      await server?.close();
      server = undefined;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export type Driftwatch = Awaited<ReturnType<typeof startDriftwatch>>;
