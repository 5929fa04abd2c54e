import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { createApiKey } from '../../src/server/auth/api-keys.js';
import { buildApp } from '../../src/server/app.js';
import type { Store } from '../../src/store/store.js';
import type { StoreFactory } from '../store/store-fixtures.js';

/** A running app (not listening) over a fresh store, with one key per scope. */
export interface TestApp {
  app: FastifyInstance;
  store: Store;
  /** bearer tokens */
  keys: { admin: string; ingest: string; read: string };
  /** the app's clock; tests may move it */
  clock: { now: number };
  close(): Promise<void>;
}

export const T0 = Date.UTC(2026, 2, 1, 12, 0, 0);

/**
 * Config overrides go through the same loader as production (env-style keys). With `errorLog`,
 * the app logs at level error into that array (one JSON line each); otherwise it is silent.
 */
export async function startTestApp(factory: StoreFactory, env: Record<string, string> = {}, errorLog?: string[]): Promise<TestApp> {
  const { store, cleanup } = await factory.create();
  const clock = { now: T0 };
  const config = loadConfig({ env: { DRIFTWATCH_LOG_LEVEL: 'silent', ...env } });
  const logger = errorLog ? { level: 'error', stream: { write: (line: string) => errorLog.push(line) } } : false;
  const app = await buildApp({ config, store, clock: () => clock.now, logger });
  await app.ready();
  const keys = {
    admin: (await createApiKey(store, 'test admin', ['admin'], T0)).token,
    ingest: (await createApiKey(store, 'test ingest', ['ingest'], T0)).token,
    read: (await createApiKey(store, 'test read', ['read'], T0)).token,
  };
  return {
    app,
    store,
    keys,
    clock,
    close: async () => {
      await app.close();
      await cleanup();
    },
  };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** Every error leaves as `{ error: { code, message, details } }`. */
export function expectErrorShape(res: LightMyRequestResponse | { statusCode: number; body: string }, status?: number, code?: string): { code: string; message: string; details: unknown } {
  if (status !== undefined) expect(res.statusCode, res.body.slice(0, 500)).toBe(status);
  expect(res.statusCode).toBeGreaterThanOrEqual(400);
  const body = JSON.parse(res.body) as { error: { code: string; message: string; details: unknown } };
  expect(Object.keys(body)).toEqual(['error']);
  expect(typeof body.error.code).toBe('string');
  expect(typeof body.error.message).toBe('string');
  expect(body.error).toHaveProperty('details');
  if (code !== undefined) expect(body.error.code).toBe(code);
  return body.error;
}

/** A binary classifier with every feature type, a protected attribute and explanations. */
export const CREDIT_MODEL = {
  model_id: 'credit',
  name: 'Credit risk',
  task: 'binary_classification',
  labels: ['approve', 'deny'],
  positive_label: 'deny',
  features: [
    { name: 'income', type: 'numeric' },
    { name: 'age', type: 'numeric' },
    { name: 'region', type: 'categorical' },
    { name: 'gender', type: 'categorical', protected: true, privileged_group: 'm' },
    { name: 'owner', type: 'boolean', required: false },
  ],
  explanation_features: ['income', 'age'],
};

/** A valid prediction of CREDIT_MODEL; `i` varies the values. */
export function creditPrediction(i: number, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const p = (i % 10) / 10 + 0.05;
  return {
    model_id: 'credit',
    prediction_id: `p-${i}`,
    model_version: 'v1',
    timestamp: new Date(T0 - 3 * 86_400_000 + i * 1000).toISOString(),
    features: { income: 1000 + i, age: 20 + (i % 50), region: ['north', 'south', 'east'][i % 3], gender: i % 2 ? 'f' : 'm', owner: i % 4 === 0 },
    prediction: { label: p > 0.5 ? 'deny' : 'approve', probabilities: { approve: 1 - p, deny: p } },
    explanation: { income: 0.1 * (i % 5), age: -0.05 },
    metadata: { user_id: `u${i}`, latency_ms: 3 },
    ...overrides,
  };
}

export const ndjson = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';

/** Register a model over the API (admin key). */
export async function registerModel(t: TestApp, body: Record<string, unknown> = CREDIT_MODEL): Promise<void> {
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/models', headers: bearer(t.keys.admin), payload: body });
  expect(res.statusCode, res.body).toBe(201);
}

/** Predictions stored for a model, counted through the store (not the API under test). */
export const storedCount = (t: TestApp, modelId: string) => t.store.countPredictions(modelId, 0, 8.64e15);
