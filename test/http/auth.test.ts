import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_FACTORIES } from '../store/store-fixtures.js';
import { CREDIT_MODEL, type TestApp, bearer, creditPrediction, expectErrorShape, registerModel, startTestApp } from './http-fixtures.js';

describe.each(STORE_FACTORIES)('HTTP auth and keys ($name)', (factory) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(factory);
    await registerModel(t, { ...CREDIT_MODEL, model_id: 'auth' });
  });
  afterAll(async () => t?.close());

  const ndjsonHeaders = { 'content-type': 'application/x-ndjson' };
  /** one request per kind of route, with the scope it needs */
  const routes = [
    { need: 'read', method: 'GET', url: '/api/v1/models' },
    { need: 'read', method: 'GET', url: '/api/v1/predictions?model_id=auth' },
    { need: 'read', method: 'GET', url: '/api/v1/predictions/counts?model_id=auth' },
    { need: 'ingest', method: 'POST', url: '/api/v1/predictions', payload: creditPrediction(1, { model_id: 'auth' }) },
    { need: 'ingest', method: 'POST', url: '/api/v1/predictions/bulk', payload: JSON.stringify(creditPrediction(2, { model_id: 'auth' })), headers: ndjsonHeaders },
    { need: 'ingest', method: 'POST', url: '/api/v1/outcomes', payload: { model_id: 'auth', prediction_id: 'p-1', actual: 'deny' } },
    { need: 'admin', method: 'POST', url: '/api/v1/models', payload: { model_id: 'auth-new', task: 'regression', features: [{ name: 'x', type: 'numeric' }] } },
    { need: 'admin', method: 'PATCH', url: '/api/v1/models/auth', payload: { description: 'changed' } },
    { need: 'admin', method: 'GET', url: '/api/v1/keys' },
    { need: 'admin', method: 'POST', url: '/api/v1/keys', payload: { name: 'k', scopes: ['read'] } },
  ] as const;
  const call = (r: (typeof routes)[number], headers: Record<string, string>) =>
    t.app.inject({ method: r.method, url: r.url, headers: { ...headers, ...('headers' in r ? r.headers : {}) }, payload: 'payload' in r ? (r.payload as object | string) : undefined });

  it('no key, a malformed header or an unknown key → 401 on every /api route', async () => {
    const unknown = `dw_${'A'.repeat(12)}_${'b'.repeat(43)}`;
    for (const r of routes) {
      for (const headers of [{}, { authorization: 'Basic dXNlcjpwYXNz' }, { authorization: 'Bearer' }, { authorization: 'Bearer not-a-key' }, bearer(unknown)]) {
        expectErrorShape(await call(r, headers), 401, 'unauthorized');
      }
    }
    // an encoded path reaches the same route and needs the same key
    expectErrorShape(await t.app.inject({ method: 'GET', url: '/%61pi/v1/models' }), 401, 'unauthorized');
  });

  it('scopes: read cannot ingest or administer, ingest cannot read or administer, admin can do all', async () => {
    for (const r of routes) {
      for (const scope of ['read', 'ingest', 'admin'] as const) {
        const res = await call(r, bearer(t.keys[scope]));
        if (scope === 'admin' || scope === r.need) expect(res.statusCode, `${scope} ${r.method} ${r.url}: ${res.body.slice(0, 200)}`).toBeLessThan(300);
        else expectErrorShape(res, 403, 'forbidden');
      }
    }
    // the scheme name is case-insensitive
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/models', headers: { authorization: `bearer ${t.keys.read}` } })).statusCode).toBe(200);
  });

  it('health, readiness and the API docs need no key', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/ready' })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/docs/json' })).statusCode).toBe(200);
  });

  it('creates a key whose token is shown once, lists keys without secrets, revokes at once', async () => {
    const admin = bearer(t.keys.admin);
    const created = await t.app.inject({ method: 'POST', url: '/api/v1/keys', headers: admin, payload: { name: 'ci uploader', scopes: ['ingest'] } });
    expect(created.statusCode).toBe(201);
    const key = created.json();
    expect(key).toMatchObject({ name: 'ci uploader', scopes: ['ingest'], revoked_at: null });
    expect(key.token).toMatch(new RegExp(`^dw_${key.id}_[A-Za-z0-9_-]{43}$`));
    expect(key).not.toHaveProperty('hash');

    const ingest = () => t.app.inject({ method: 'POST', url: '/api/v1/predictions', headers: bearer(key.token), payload: creditPrediction(77, { model_id: 'auth' }) });
    expect((await ingest()).statusCode).toBe(200);
    expectErrorShape(await t.app.inject({ method: 'GET', url: '/api/v1/models', headers: bearer(key.token) }), 403);

    const list = (await t.app.inject({ method: 'GET', url: '/api/v1/keys', headers: admin })).json().items;
    const listed = list.find((k: { id: string }) => k.id === key.id);
    expect(listed).toMatchObject({ name: 'ci uploader', scopes: ['ingest'], revoked_at: null });
    for (const k of list) {
      expect(k).not.toHaveProperty('token');
      expect(k).not.toHaveProperty('hash');
      expect(JSON.stringify(k)).not.toContain(key.token.slice(-43));
    }

    const revoked = await t.app.inject({ method: 'DELETE', url: `/api/v1/keys/${key.id}`, headers: admin });
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json().revoked_at).not.toBeNull();
    expectErrorShape(await ingest(), 401, 'unauthorized');
    // revoking again changes nothing
    const again = await t.app.inject({ method: 'DELETE', url: `/api/v1/keys/${key.id}`, headers: admin });
    expect(again.json().revoked_at).toBe(revoked.json().revoked_at);
    expectErrorShape(await t.app.inject({ method: 'DELETE', url: '/api/v1/keys/nosuchkey123', headers: admin }), 404, 'not_found');
  });

  it('refuses bad key requests, and never revokes the last active admin key', async () => {
    const admin = bearer(t.keys.admin);
    for (const payload of [{ name: 'x', scopes: ['root'] }, { name: 'x', scopes: [] }, { name: '', scopes: ['read'] }, { scopes: ['read'] }, { name: 'x\u0000', scopes: ['read'] }, { name: 'x', scopes: ['read', 'read'] }]) {
      expectErrorShape(await t.app.inject({ method: 'POST', url: '/api/v1/keys', headers: admin, payload }), 400);
    }
    const keys = (await t.app.inject({ method: 'GET', url: '/api/v1/keys', headers: admin })).json().items as { id: string; scopes: string[]; revoked_at: string | null }[];
    const activeAdmins = keys.filter((k) => k.scopes.includes('admin') && k.revoked_at === null);
    expect(activeAdmins).toHaveLength(1);
    expectErrorShape(await t.app.inject({ method: 'DELETE', url: `/api/v1/keys/${activeAdmins[0].id}`, headers: admin }), 409, 'conflict');

    // with a second admin key, the first can go, and stops working at once
    const second = (await t.app.inject({ method: 'POST', url: '/api/v1/keys', headers: admin, payload: { name: 'admin 2', scopes: ['admin'] } })).json();
    expect((await t.app.inject({ method: 'DELETE', url: `/api/v1/keys/${activeAdmins[0].id}`, headers: bearer(second.token) })).statusCode).toBe(200);
    expectErrorShape(await t.app.inject({ method: 'GET', url: '/api/v1/keys', headers: admin }), 401);
    t.keys.admin = second.token;
  });
});
