import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { type TestApp, bearer } from '../http/http-fixtures.js';

export { T0, startTestApp, type TestApp } from '../http/http-fixtures.js';

/** A request with a key (admin unless given), JSON body. */
export function req(t: TestApp, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown, key = t.keys.admin): Promise<LightMyRequestResponse> {
  return t.app.inject({ method, url, headers: bearer(key), ...(payload === undefined ? {} : { payload: payload as string }) });
}

/** The JSON body of a response with the expected status. */
export function json<T = Record<string, any>>(res: LightMyRequestResponse, status = 200): T {
  expect(res.statusCode, res.body.slice(0, 800)).toBe(status);
  return JSON.parse(res.body) as T;
}
