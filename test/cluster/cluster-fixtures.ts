import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { LOAN_MODEL, loanTraffic } from '../../src/demo/loan-model.js';
import { type ServerProcess, startServerProcess } from '../reliability/server-process.js';
import { TEST_PG_URL } from '../store/store-fixtures.js';

/** Every scheduled job of the cluster test ticks on this (every 5 s). */
export const FAST_CRON = '*/5 * * * * *';
export const TICK_MS = 5000;
export const LEASE_MS = 3000;

/** A running instance of the cluster. */
export interface Instance extends ServerProcess {
  name: string;
  pid: number;
}

/** Start `n` instances of `driftwatch serve` at once on one fresh schema, ticking fast. */
export async function startCluster(schema: string, dir: string, n: number): Promise<Instance[]> {
  const config = join(dir, 'cluster.yaml');
  writeFileSync(config, `scheduler:\n  retention_cron: '${FAST_CRON}'\nalerting:\n  self_monitoring_cron: '${FAST_CRON}'\n`);
  const env = {
    DATABASE_URL: TEST_PG_URL,
    DRIFTWATCH_PG_SCHEMA: schema,
    DRIFTWATCH_CONFIG: config,
    DRIFTWATCH_SCHEDULER: 'true',
    DRIFTWATCH_LEASE_MS: String(LEASE_MS),
    DRIFTWATCH_MODELS_REFRESH_MS: '1000',
    DRIFTWATCH_PG_POOL_SIZE: '6',
  };
  const started = await Promise.all(Array.from({ length: n }, () => startServerProcess(env, 40_000)));
  return started.map((s, i) => ({ ...s, name: `i${i}`, pid: s.child.pid! }));
}

/** SQL against the cluster's schema from the test itself. */
export async function sqlClient(schema: string): Promise<pg.Client & { rows<T>(text: string, values?: unknown[]): Promise<T[]> }> {
  const c = new pg.Client({ connectionString: TEST_PG_URL, options: `-c search_path=${schema}` });
  await c.connect();
  return Object.assign(c, {
    rows: async <T>(text: string, values?: unknown[]) => (await c.query(text, values)).rows as T[],
  });
}

export async function dropSchema(schema: string): Promise<void> {
  const c = new pg.Client({ connectionString: TEST_PG_URL });
  await c.connect();
  await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await c.end();
}

/** A JSON request to an instance; throws with the body on an unexpected status. */
export async function api<T = Record<string, unknown>>(base: string, key: string, method: string, path: string, body?: unknown, expect = [200, 201]): Promise<T> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!expect.includes(res.status)) throw new Error(`${method} ${path} -> ${res.status}: ${text.slice(0, 500)}`);
  return (text ? JSON.parse(text) : {}) as T;
}

/** Register a copy of the loan model analysed on FAST_CRON over a 1-hour window, with a baseline. */
export async function registerModel(base: string, key: string, modelId: string, seed: number): Promise<void> {
  await api(base, key, 'POST', '/api/v1/models', { ...LOAN_MODEL, model_id: modelId, name: modelId, settings: { schedule: FAST_CRON, window_hours: 1, min_samples: 50 } });
  const now = Date.now();
  const v = loanTraffic(300, { seed, from: now - 40 * 86_400_000, to: now - 39 * 86_400_000, idPrefix: `${modelId}-v` });
  await api(base, key, 'POST', '/api/v1/monitoring/baselines', { model_id: modelId, validation_data: v.predictions.map((p, i) => ({ ...p, actual: v.outcomes[i].actual })) });
}

/** Predictions of a model over the last `minutes` (incomes doubled when `drift`), as the API takes them. */
export function predictions(modelId: string, n: number, seed: number, prefix: string, drift: boolean, minutes = 30): Record<string, unknown>[] {
  const now = Date.now();
  const t = loanTraffic(n, { seed, from: now - minutes * 60_000, to: now - 1000, idPrefix: prefix, incomeShift: drift ? 2.5 : undefined });
  return t.predictions.map((p) => ({ ...p, model_id: modelId }));
}
