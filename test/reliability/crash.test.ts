import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { type ServerProcess, startServerProcess } from './server-process.js';

/**
 * The durability promise: a 2xx means committed. Clients ingest in a loop (single POSTs, small
 * arrays, NDJSON bulks, unique ids); the server is killed with SIGKILL mid-stream and restarted
 * on the same store. Every acknowledged prediction must be there exactly once, nothing may be
 * there that was never sent, and retrying the requests whose answer was lost adds no duplicates.
 */

const PG_URL = process.env.DRIFTWATCH_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const MODEL = 'crashy';
const WORKERS = 4;

interface Sent {
  kind: 'single' | 'array' | 'bulk';
  ids: string[];
  body: string;
}

const row = (id: string, i: number) => ({
  prediction_id: id,
  timestamp: Date.now() - (i % 3600) * 1000,
  features: { x: i % 97, c: `c${i % 5}` },
  prediction: { label: i % 2 ? 'yes' : 'no', confidence: 0.5 + (i % 50) / 100 },
});

function makeRequest(worker: number, n: number): Sent {
  const kind = (['single', 'array', 'bulk'] as const)[n % 3];
  const size = kind === 'single' ? 1 : kind === 'array' ? 5 : 25;
  const ids = Array.from({ length: size }, (_, k) => `w${worker}-r${n}-${k}`);
  const rows = ids.map((id, k) => row(id, n * 31 + k));
  const body = kind === 'single' ? JSON.stringify(rows[0]) : kind === 'array' ? JSON.stringify(rows) : rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
  return { kind, ids, body };
}

async function send(url: string, token: string, req: Sent): Promise<Response> {
  const bulk = req.kind === 'bulk';
  return fetch(`${url}/api/v1/predictions${bulk ? '/bulk' : ''}?model_id=${MODEL}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': bulk ? 'application/x-ndjson' : 'application/json' },
    body: req.body,
  });
}

/** Every prediction id stored for the model, paging through the API. */
async function storedIds(url: string, token: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const q: string = `${url}/api/v1/predictions?model_id=${MODEL}&limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const res = await fetch(q, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { items: { prediction_id: string }[]; next_cursor: string | null };
    ids.push(...body.items.map((p) => p.prediction_id));
    cursor = body.next_cursor;
  } while (cursor);
  return ids;
}

async function crashAndRecover(env: Record<string, string>): Promise<void> {
  let server: ServerProcess | undefined = await startServerProcess(env);
  try {
    const token = server.bootstrapKey;
    expect(token, server.output()).toBeDefined();
    const created = await fetch(`${server.url}/api/v1/models`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model_id: MODEL, task: 'binary_classification', labels: ['no', 'yes'], features: [{ name: 'x', type: 'numeric' }, { name: 'c', type: 'categorical' }] }),
    });
    expect(created.status, await created.clone().text()).toBe(201);

    const acked = new Set<string>();
    const ackedRequests: Sent[] = [];
    const inFlight = new Set<Sent>();
    let unexpected: string | undefined;
    const url = server.url;
    const worker = async (w: number) => {
      for (let n = 0; ; n++) {
        const req = makeRequest(w, n);
        inFlight.add(req);
        let res: Response;
        try {
          res = await send(url, token!, req);
        } catch {
          return; // the server is gone: this request's fate is unknown, it stays in flight
        }
        let body: { accepted?: number; duplicates?: number } = {};
        try {
          body = (await res.json()) as typeof body;
        } catch {
          return; // the answer was cut off: fate unknown
        }
        if (res.status !== 200) {
          unexpected ??= `HTTP ${res.status}: ${JSON.stringify(body)}`;
          return;
        }
        inFlight.delete(req);
        for (const id of req.ids) acked.add(id);
        ackedRequests.push(req);
        if (body.accepted !== req.ids.length) unexpected ??= `accepted ${body.accepted} of ${req.ids.length} fresh rows`;
      }
    };
    const workers = Array.from({ length: WORKERS }, (_, w) => worker(w));
    // let ingestion run, then kill the server while requests are on the wire
    const deadline = Date.now() + 10_000;
    while (acked.size < 1000 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(inFlight.size).toBeGreaterThan(0);
    await server.kill();
    await Promise.all(workers);
    expect(unexpected).toBeUndefined();
    expect(acked.size).toBeGreaterThan(100);

    server = await startServerProcess(env);
    expect(server.bootstrapKey).toBeUndefined(); // the key survived: no fresh install

    const after = await storedIds(server.url, token!);
    expect(new Set(after).size).toBe(after.length); // nothing twice
    const stored = new Set(after);
    const missing = [...acked].filter((id) => !stored.has(id));
    expect(missing, `${missing.length} acknowledged predictions lost`).toEqual([]);
    const maybe = new Set([...inFlight].flatMap((r) => r.ids));
    expect(after.filter((id) => !acked.has(id) && !maybe.has(id))).toEqual([]); // nothing never sent

    // clients retry what they never got an answer for; also replay some acknowledged requests
    for (const req of [...inFlight, ...ackedRequests.slice(0, 20)]) {
      const res = await send(server.url, token!, req);
      expect(res.status).toBe(200);
      const body = (await res.json()) as { accepted: number; duplicates: number };
      expect(body.accepted + body.duplicates).toBe(req.ids.length);
      if (!inFlight.has(req)) expect(body.duplicates).toBe(req.ids.length);
    }
    const final = await storedIds(server.url, token!);
    const expected = new Set([...acked, ...maybe]);
    expect(final.length).toBe(expected.size);
    expect(new Set(final)).toEqual(expected);
    const counts = (await (await fetch(`${server.url}/api/v1/predictions/counts?model_id=${MODEL}`, { headers: { authorization: `Bearer ${token}` } })).json()) as { total: number };
    expect(counts.total).toBe(expected.size);
  } finally {
    await server?.kill();
  }
}

describe('crash: SIGKILL while ingesting', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dw-crash-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('loses no acknowledged prediction and duplicates none (SQLite)', async () => {
    await crashAndRecover({ DRIFTWATCH_DB: join(dir, 'crash.db') });
  });

  it('loses no acknowledged prediction and duplicates none (PostgreSQL)', async () => {
    const schema = `dwcrash_${process.pid}_${Date.now().toString(36)}`;
    try {
      await crashAndRecover({ DATABASE_URL: PG_URL, DRIFTWATCH_PG_SCHEMA: schema });
    } finally {
      const client = new pg.Client({ connectionString: PG_URL });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    }
  });
});
