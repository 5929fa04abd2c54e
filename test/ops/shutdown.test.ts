import { request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { type ServerProcess, startServerProcess } from '../reliability/server-process.js';

const MODEL = 'shutdown-model';
const ROWS = 30_000;

const line = (i: number) =>
  JSON.stringify({ prediction_id: `p-${i}`, timestamp: Date.now() - (i % 3600) * 1000, features: { x: i % 97, c: `c${i % 5}` }, prediction: { label: i % 2 ? 'yes' : 'no', confidence: 0.5 + (i % 50) / 100 } }) + '\n';

/** POST an NDJSON body in two halves, calling `between` after the first; resolves with the answer. */
function uploadInTwoHalves(url: string, token: string, between: () => Promise<void>): Promise<{ status: number; connection?: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/api/v1/predictions/bulk?model_id=${MODEL}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' } }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    const half = (from: number, to: number) => {
      let chunk = '';
      for (let i = from; i < to; i++) chunk += line(i);
      return chunk;
    };
    req.write(half(0, ROWS / 2), () => {
      between().then(() => req.end(half(ROWS / 2, ROWS)), reject);
    });
  });
}

/**
 * Graceful shutdown of the real server process: /ready reports the store, migrations and the
 * scheduler; SIGTERM during a bulk upload stops new connections, lets the upload finish and
 * commit (its 2xx means every row is stored), stops the scheduler and exits 0.
 */
describe('graceful shutdown (SIGTERM)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dw-shutdown-'));
  let server: ServerProcess | undefined;
  afterAll(async () => {
    await server?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it('finishes the upload in flight, refuses new connections and exits 0 with everything committed', async () => {
    const db = join(dir, 'dw.db');
    server = await startServerProcess({ DRIFTWATCH_DB: db, DRIFTWATCH_SCHEDULER: 'true', DRIFTWATCH_LOG_LEVEL: 'info' });
    const token = server.bootstrapKey!;
    expect(token, server.output()).toBeDefined();
    const created = await fetch(`${server.url}/api/v1/models`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model_id: MODEL, task: 'binary_classification', labels: ['no', 'yes'], features: [{ name: 'x', type: 'numeric' }, { name: 'c', type: 'categorical' }] }),
    });
    expect(created.status, await created.clone().text()).toBe(201);

    const ready = await fetch(`${server.url}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', checks: { store: { ok: true, detail: 'sqlite' }, migrations: { ok: true }, scheduler: { ok: true } } });

    const child = server.child;
    const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.once('exit', (code, signal) => r({ code, signal })));
    let refused: unknown;
    const answer = await uploadInTwoHalves(server.url, token, async () => {
      child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 300));
      // the listener is closed: a new connection is refused
      refused = await fetch(`${server!.url}/health`, { headers: { connection: 'close' } }).then(
        (r) => `answered ${r.status}`,
        (e: Error & { cause?: { code?: string } }) => e.cause?.code ?? e.message,
      );
    });
    expect(answer.status, answer.body.slice(0, 300)).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ accepted: ROWS, rejected: 0 });
    expect(answer.connection).toBe('close'); // not kept alive: the process need not wait for the keep-alive timeout
    expect(refused).toBe('ECONNREFUSED');
    expect(await exit, server.output()).toEqual({ code: 0, signal: null });
    const lines = server.output().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { msg: string; signal?: string });
    expect(lines.find((l) => l.msg === 'shutting down')).toMatchObject({ signal: 'SIGTERM' });
    expect(lines.some((l) => l.msg === 'shut down cleanly')).toBe(true);

    // the 2xx meant committed: every row is in the store the process left behind
    const store = SqliteStore.open({ path: db });
    try {
      expect(await store.countPredictions(MODEL, 0, Date.now() + 3_600_000)).toBe(ROWS);
    } finally {
      await store.close();
    }
  });
});
