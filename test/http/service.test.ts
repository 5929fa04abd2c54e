import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { buildApp } from '../../src/server/app.js';
import type { Store } from '../../src/store/store.js';
import { STORE_FACTORIES } from '../store/store-fixtures.js';
import { type TestApp, expectErrorShape, startTestApp } from './http-fixtures.js';

/** Every (method, path) the app serves, read from Fastify's route tree (HEAD and the docs UI's own files left out). */
function servedRoutes(app: FastifyInstance): { method: string; path: string }[] {
  const out: { method: string; path: string }[] = [];
  const stack: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = /^((?:│ {3}| {4})*)(?:├── |└── )(.*?) \(([A-Z, ]+)\)$/.exec(line);
    if (!m) continue;
    const depth = [...m[1]].length / 4;
    stack.length = depth;
    stack.push(m[2]);
    const path = stack.join('');
    if (path.startsWith('/docs')) continue;
    for (const method of m[3].split(', ')) if (method !== 'HEAD') out.push({ method, path });
  }
  return out;
}

describe.each(STORE_FACTORIES)('HTTP service ($name)', (factory) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(factory);
  });
  afterAll(async () => t?.close());

  it('/health and /ready answer without a key', async () => {
    const health = await t.app.inject({ method: 'GET', url: '/health' });
    expect(health.json()).toEqual({ status: 'ok' });
    const ready = await t.app.inject({ method: 'GET', url: '/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ status: 'ready', checks: { store: { ok: true, detail: factory.name }, migrations: { ok: true } } });
  });

  it('/ready is 503 when the store does not answer', async () => {
    const broken = new Proxy(t.store, {
      get: (target, prop, receiver) => (prop === 'ping' ? () => Promise.reject(new Error('connection refused')) : Reflect.get(target, prop, receiver)),
    }) as Store;
    const app = await buildApp({ config: loadConfig({ env: {} }), store: broken, logger: false });
    try {
      const res = await app.inject({ method: 'GET', url: '/ready' });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({ status: 'not_ready', checks: { store: { ok: false } } });
      expect((await app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('/docs/json is an OpenAPI 3 document listing every route', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/docs/json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.info.title).toBeTruthy();
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    const routes = servedRoutes(t.app);
    // the routes this foundation promises are among them
    for (const must of ['POST /api/v1/models', 'PATCH /api/v1/models/:model_id', 'POST /api/v1/predictions', 'POST /api/v1/predictions/bulk', 'GET /api/v1/predictions', 'GET /api/v1/predictions/counts', 'POST /api/v1/outcomes', 'GET /api/v1/keys', 'POST /api/v1/keys', 'DELETE /api/v1/keys/:id', 'GET /health', 'GET /ready']) {
      expect(routes.map((r) => `${r.method} ${r.path}`)).toContain(must);
    }
    // every API route is documented (the dashboard's static files at / are not part of the API)
    for (const { method, path } of routes.filter((r) => r.path.startsWith('/api/') || r.path === '/health' || r.path === '/ready')) {
      const openapiPath = path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
      const op = doc.paths[openapiPath]?.[method.toLowerCase()];
      expect(op, `${method} ${path} is not in the OpenAPI document`).toBeDefined();
      expect(op.summary, `${method} ${path} has no summary`).toBeTruthy();
    }
    // the documented error shape is the one the server sends
    expect(doc.components.schemas.ErrorResponse ?? doc.components.schemas['def-0']).toBeDefined();
  });

  it('unknown routes and malformed URLs get the error shape', async () => {
    expectErrorShape(await t.app.inject({ method: 'GET', url: '/api/v1/nothing-here' }), 404, 'not_found');
    expectErrorShape(await t.app.inject({ method: 'DELETE', url: '/api/v1/models' }), 404, 'not_found');
    // a malformed %-escape is refused by Fastify before routing: same shape, request id kept
    const bad = await t.app.inject({ method: 'GET', url: '/api/v1/models/%ZZ', headers: { 'x-request-id': 'bad-url-1' } });
    expectErrorShape(bad, 400, 'bad_request');
    expect(bad.headers['x-request-id']).toBe('bad-url-1');
  });
});
