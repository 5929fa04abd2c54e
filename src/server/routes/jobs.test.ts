import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/config.js';
import { SqliteStore } from '../../store/sqlite/sqlite-store.js';
import type { JobRunRecord } from '../../store/store.js';
import { createApiKey } from '../auth/api-keys.js';
import { buildApp } from '../app.js';

let dir: string;
let store: SqliteStore;
let app: FastifyInstance;
const tokens: Record<string, string> = {};

const run = (i: number, over: Partial<JobRunRecord>): JobRunRecord => ({
  id: `job_${String(i).padStart(4, '0')}`,
  job: 'retention',
  model_id: null,
  status: 'succeeded',
  started_at: Date.UTC(2026, 0, 1) + i * 1000,
  finished_at: Date.UTC(2026, 0, 1) + i * 1000 + 250,
  details: { deleted: { m1: i } },
  error: null,
  ...over,
});

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dw-jobs-'));
  store = SqliteStore.open({ path: join(dir, 'j.db') });
  await store.migrate();
  for (const scope of ['read', 'ingest', 'admin'] as const) tokens[scope] = (await createApiKey(store, scope, [scope], Date.now())).token;
  for (let i = 0; i < 5; i++) await store.recordJobRun(run(i, {}));
  await store.recordJobRun(run(5, { status: 'failed', error: 'disk full' }));
  await store.recordJobRun(run(6, { job: 'analysis', model_id: 'm1', status: 'running', finished_at: null }));
  app = await buildApp({ config: loadConfig({ env: {} }), store, logger: false });
});

afterAll(async () => {
  await app.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const get = (url: string, scope = 'read') => app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${tokens[scope]}` } });

describe('GET /api/v1/jobs', () => {
  it('lists job runs newest first with ISO times and durations', async () => {
    const res = await get('/api/v1/jobs');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.items.map((r: { id: string }) => r.id)).toEqual(['job_0006', 'job_0005', 'job_0004', 'job_0003', 'job_0002', 'job_0001', 'job_0000']);
    expect(body.items[1]).toEqual({
      id: 'job_0005',
      job: 'retention',
      model_id: null,
      status: 'failed',
      started_at: '2026-01-01T00:00:05.000Z',
      finished_at: '2026-01-01T00:00:05.250Z',
      duration_ms: 250,
      details: { deleted: { m1: 5 } },
      error: 'disk full',
    });
    expect(body.items[0]).toMatchObject({ finished_at: null, duration_ms: null, model_id: 'm1' });
    expect(body.next_cursor).toBeNull();
  });

  it('filters by job, model and status', async () => {
    expect((await get('/api/v1/jobs?job=analysis')).json().items.map((r: { id: string }) => r.id)).toEqual(['job_0006']);
    expect((await get('/api/v1/jobs?model_id=m1')).json().items).toHaveLength(1);
    expect((await get('/api/v1/jobs?job=retention&status=failed')).json().items.map((r: { error: string }) => r.error)).toEqual(['disk full']);
    expect((await get('/api/v1/jobs?status=exploded')).statusCode).toBe(400);
  });

  it('pages with a cursor', async () => {
    const seen: string[] = [];
    let url = '/api/v1/jobs?job=retention&limit=4';
    for (;;) {
      const body = (await get(url)).json();
      seen.push(...body.items.map((r: { id: string }) => r.id));
      if (!body.next_cursor) break;
      url = `/api/v1/jobs?job=retention&limit=4&cursor=${encodeURIComponent(body.next_cursor)}`;
    }
    expect(seen).toEqual(['job_0005', 'job_0004', 'job_0003', 'job_0002', 'job_0001', 'job_0000']);
    expect((await get('/api/v1/jobs?cursor=garbage')).statusCode).toBe(400);
  });

  it('needs read or admin', async () => {
    expect((await get('/api/v1/jobs', 'admin')).statusCode).toBe(200);
    expect((await get('/api/v1/jobs', 'ingest')).statusCode).toBe(403);
    expect((await app.inject({ method: 'GET', url: '/api/v1/jobs' })).statusCode).toBe(401);
  });
});
