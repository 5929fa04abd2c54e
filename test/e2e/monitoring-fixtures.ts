import type { LightMyRequestResponse } from 'fastify';
import type { Kysely } from 'kysely';
import { expect } from 'vitest';
import { LOAN_MODEL, type LoanTrafficOptions, loanTraffic } from '../../src/demo/loan-model.js';
import type { DB } from '../../src/store/db-types.js';
import type { Store } from '../../src/store/store.js';
import { T0, type TestApp, bearer } from '../http/http-fixtures.js';

export { T0 };
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
export const LOAN = LOAN_MODEL.model_id;

type Method = 'GET' | 'POST' | 'PATCH';

/** A request with a key (admin unless given); the body is sent as JSON unless it is a string. */
export async function call(t: TestApp, method: Method, url: string, payload?: unknown, key = t.keys.admin, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
  return t.app.inject({ method, url, headers: { ...bearer(key), ...headers }, ...(payload === undefined ? {} : { payload: payload as string }) });
}

/** The JSON body of a response with the expected status. */
export function ok<T = Record<string, unknown>>(res: LightMyRequestResponse, status = 200): T {
  expect(res.statusCode, res.body.slice(0, 800)).toBe(status);
  return JSON.parse(res.body) as T;
}

export async function registerLoan(t: TestApp, body: Record<string, unknown> = LOAN_MODEL as unknown as Record<string, unknown>): Promise<void> {
  ok(await call(t, 'POST', '/api/v1/models', body), 201);
}

/** Validation data of the loan model: predictions with their true outcome as `actual`. */
export function validationRows(n: number, options: LoanTrafficOptions): Record<string, unknown>[] {
  const v = loanTraffic(n, options);
  return v.predictions.map((p, i) => ({ ...p, actual: v.outcomes[i].actual }));
}

/**
 * Log generated traffic over the API with the ingest key: predictions in chunks, then the
 * outcomes of the first `outcomeShare` of them.
 */
export async function logTraffic(t: TestApp, n: number, options: LoanTrafficOptions, outcomeShare = 0, modelId = LOAN): Promise<void> {
  const traffic = loanTraffic(n, options);
  for (let i = 0; i < n; i += 5000) {
    const chunk = traffic.predictions.slice(i, i + 5000).map((p) => ({ ...p, model_id: modelId }));
    expect(ok(await call(t, 'POST', '/api/v1/predictions', chunk, t.keys.ingest))).toMatchObject({ accepted: chunk.length });
  }
  const labelled = traffic.outcomes.slice(0, Math.round(n * outcomeShare)).map((o) => ({ ...o, model_id: modelId }));
  for (let i = 0; i < labelled.length; i += 5000) {
    ok(await call(t, 'POST', '/api/v1/outcomes', labelled.slice(i, i + 5000), t.keys.ingest));
  }
}

export interface FindingView {
  metric: string;
  category: string;
  severity: 'INFO' | 'WARNING' | 'CRITICAL';
  feature?: string;
  attribute?: string;
  affected_groups?: string[];
  value: number | null;
}

/** Findings above INFO. */
export const flagged = (record: { findings: FindingView[] }) => record.findings.filter((f) => f.severity !== 'INFO');

/** Overwrite the frozen samples of a model's baselines (what a disk error or tampering would do). */
export async function corruptBaselines(store: Store, modelId: string): Promise<void> {
  const db = (store as unknown as { db: Kysely<DB> }).db;
  await db.updateTable('baselines').set({ data: Buffer.from('no longer the frozen samples') }).where('model_id', '=', modelId).execute();
}
