import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerErrorHandler } from '../plugins/errors.js';
import { DASHBOARD_CSP, dashboardRoutes } from './dashboard.js';

describe('dashboard static serving', () => {
  const root = mkdtempSync(join(tmpdir(), 'dw-web-'));
  let app: FastifyInstance;
  let unbuilt: FastifyInstance;

  beforeAll(async () => {
    mkdirSync(join(root, 'assets'));
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>driftwatch</title><div id="app"></div>');
    writeFileSync(join(root, 'assets', 'index-AbC123.js'), 'console.log(1)');
    app = Fastify();
    registerErrorHandler(app);
    app.get('/api/v1/models', async () => ({ items: [] }));
    app.get('/health', async () => ({ status: 'ok' }));
    await app.register(dashboardRoutes, { root });
    await app.ready();
    unbuilt = Fastify();
    registerErrorHandler(unbuilt);
    await unbuilt.register(dashboardRoutes, { root: join(root, 'missing') });
    await unbuilt.ready();
  });
  afterAll(async () => {
    await app.close();
    await unbuilt.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('answers index.html at / with a strict CSP and no caching', async () => {
    const res = await app.inject({ url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.body).toContain('<div id="app">');
    expect(res.headers['content-security-policy']).toBe(DASHBOARD_CSP);
    expect(DASHBOARD_CSP).toContain("default-src 'self'");
    expect(DASHBOARD_CSP).toContain("script-src 'self'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['cache-control']).toBe('no-cache');
  });

  it('answers index.html for client-side routes (a reload on /models/x keeps working)', async () => {
    for (const url of ['/models/loan-approval', '/models/loan-approval/fairness?x=1', '/incidents/INC-1', '/alerts']) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(200);
      expect(res.body).toContain('<div id="app">');
      expect(res.headers['content-security-policy']).toBe(DASHBOARD_CSP);
    }
  });

  it('serves hashed assets for a year and keeps a missing asset a 404', async () => {
    const res = await app.inject({ url: '/assets/index-AbC123.js' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/javascript/);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const missing = await app.inject({ url: '/assets/index-old999.js' });
    expect(missing.statusCode).toBe(404);
    expect(JSON.parse(missing.body).error.code).toBe('not_found');
  });

  it('leaves the service paths alone: unknown API paths are JSON 404s, known ones answer', async () => {
    for (const url of ['/api/v1/nope', '/api', '/metrics', '/docs/nope', '/ready']) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(404);
      expect(JSON.parse(res.body).error.code).toBe('not_found');
    }
    expect((await app.inject({ url: '/api/v1/models' })).json()).toEqual({ items: [] });
    expect((await app.inject({ url: '/health' })).json()).toEqual({ status: 'ok' });
    expect((await app.inject({ method: 'POST', url: '/models/x' })).statusCode).toBe(404);
  });

  it('says how to build the dashboard when web/dist is missing', async () => {
    const res = await unbuilt.inject({ url: '/' });
    expect(res.statusCode).toBe(503);
    expect(res.body).toContain('npm run build');
  });
});
