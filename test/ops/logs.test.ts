import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { LOAN_MODEL, loanTraffic } from '../../src/demo/loan-model.js';
import { startDeliveryWorker } from '../../src/alerting/delivery/start-delivery.js';
import { createApiKey } from '../../src/server/auth/api-keys.js';
import { buildApp } from '../../src/server/app.js';
import { sqliteFactory } from '../store/store-fixtures.js';

const HOUR = 3_600_000;
const WEBHOOK_PATH = '/services/T0DW/B0DW/WebhookPathSecret42';
const WEBHOOK_SECRET = 'whsec-logs-test-very-secret-0042';
const METRICS_TOKEN = 'metrics-scrape-token-0042';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface Line {
  level: string;
  time: string;
  msg: string;
  request_id?: string;
  [k: string]: unknown;
}

/**
 * Logs over an e2e-like run on one app (register, keys, ingest, outcomes, baseline, analysis,
 * alerts, incidents, metrics), captured from pino's stream: every line is JSON with an ISO time,
 * a level word and a message; a request's lines (including those of the analysis it started)
 * share its request id; no API key, webhook URL or secret, or metrics token appears anywhere.
 */
describe('structured logs', () => {
  const lines: string[] = [];
  let app: FastifyInstance;
  let cleanup: () => Promise<void>;
  let receiver: Server;
  const received: string[] = [];
  let webhookUrl: string;
  const secrets: string[] = [WEBHOOK_PATH, WEBHOOK_SECRET, METRICS_TOKEN];
  let admin: string;
  const parsed = () => lines.map((l) => JSON.parse(l) as Line);
  const send = (method: 'GET' | 'POST', url: string, key: string | null, payload?: unknown, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> =>
    app.inject({ method, url, headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers }, ...(payload === undefined ? {} : { payload: payload as string }) });
  const expectStatus = (res: LightMyRequestResponse, status: number) => expect(res.statusCode, res.body.slice(0, 500)).toBe(status);

  beforeAll(async () => {
    // the webhook channel's receiver
    receiver = createServer((req, res) => {
      received.push(req.url ?? '');
      req.resume();
      req.on('end', () => res.writeHead(200).end('ok'));
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    webhookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}${WEBHOOK_PATH}`;
    secrets.push(webhookUrl);
    const s = await sqliteFactory.create();
    cleanup = s.cleanup;
    const config = loadConfig({ env: { LOG_LEVEL: 'debug', DRIFTWATCH_METRICS_TOKEN: METRICS_TOKEN } });
    config.extensions = { channels: { ops: { type: 'webhook', url: webhookUrl, secret: WEBHOOK_SECRET } } };
    app = await buildApp({ config, store: s.store, logger: { stream: { write: (l: string) => lines.push(l) } } });
    await app.ready();
    admin = (await createApiKey(s.store, 'admin', ['admin'], Date.now())).token;
    secrets.push(admin);
  });
  afterAll(async () => {
    await app?.close();
    await cleanup?.();
    receiver?.close();
  });

  it('runs the product end to end while logging', async () => {
    const now = Date.now();
    expectStatus(await send('POST', '/api/v1/models', admin, LOAN_MODEL, { 'x-request-id': 'req-register-1' }), 201);
    const created = await send('POST', '/api/v1/keys', admin, { name: 'ingest', scopes: ['ingest'] });
    expectStatus(created, 201);
    const ingest = (created.json() as { token: string }).token;
    secrets.push(ingest);
    const validation = loanTraffic(1500, { seed: 1, from: now - 60 * 24 * HOUR, to: now - 59 * 24 * HOUR });
    const rows = validation.predictions.map((p, i) => ({ ...p, actual: validation.outcomes[i].actual }));
    expectStatus(await send('POST', '/api/v1/monitoring/baselines/create', admin, { model_id: LOAN_MODEL.model_id, validation_data: rows }), 201);
    const traffic = loanTraffic(1200, { seed: 2, from: now - 20 * HOUR, to: now - HOUR, incomeShift: 1.6, femaleApprovalFactor: 0.4 });
    expectStatus(await send('POST', '/api/v1/predictions', ingest, traffic.predictions.map((p) => ({ ...p, model_id: LOAN_MODEL.model_id }))), 200);
    expectStatus(await send('POST', '/api/v1/outcomes', ingest, traffic.outcomes.slice(0, 600).map((o) => ({ ...o, model_id: LOAN_MODEL.model_id }))), 200);
    const analysis = await send('POST', '/api/v1/monitoring/analyze-now', admin, { model_id: LOAN_MODEL.model_id }, { 'x-request-id': 'req-analyze-1' });
    expectStatus(analysis, 200);
    expect(analysis.headers['x-request-id']).toBe('req-analyze-1');
    expect((analysis.json() as { status: string }).status).toBe('completed');
    const trigger = { severity: 'CRITICAL', model_id: LOAN_MODEL.model_id, metrics: [{ metric_name: 'latency.p99', value: 2.5, threshold: 1 }], channels: ['ops'] };
    expectStatus(await send('POST', '/api/v1/alerts/trigger', ingest, trigger, { 'x-request-id': 'req-trigger-1' }), 200);
    // the delivery worker sends what the requests put in the outbox, logging through the app's logger
    const delivery = startDeliveryWorker({ store: app.ctx.store, setup: app.ctx.delivery, publicUrl: 'http://127.0.0.1:8080', log: (level, msg, fields) => app.log[level](fields ?? {}, msg) })!;
    try {
      const deadline = Date.now() + 10_000;
      while (!parsed().some((l) => l.msg === 'delivered' && l.request_id === 'req-trigger-1') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    } finally {
      await delivery.stop();
    }
    expect(received.length).toBeGreaterThanOrEqual(1);
    expectStatus(await send('GET', '/api/v1/incidents', admin), 200);
    expectStatus(await send('GET', '/api/v1/alerts', admin), 200);
    expectStatus(await send('GET', '/api/v1/rules', admin), 200);
    // secrets where a careless client puts them: in the URL (logged with the request), in a rejected key
    expectStatus(await send('GET', `/api/v1/models?api_key=${ingest}&hook=${encodeURIComponent(WEBHOOK_SECRET)}`, admin), 200);
    const bogus = `dw_AAAAAAAAAAAA_${'b'.repeat(43)}`;
    secrets.push(bogus);
    expectStatus(await send('GET', '/api/v1/models', bogus), 401);
    expectStatus(await send('GET', '/metrics', METRICS_TOKEN), 200);
    expectStatus(await send('GET', '/metrics', null), 401);
  });

  it('writes JSON lines with an ISO time, a level word and a message', () => {
    expect(lines.length).toBeGreaterThan(20);
    for (const l of parsed()) {
      expect(l.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(['trace', 'debug', 'info', 'warn', 'error', 'fatal']).toContain(l.level);
      expect(typeof l.msg).toBe('string');
    }
  });

  it('links every line of a request by its request id, the analysis it ran included', () => {
    const all = parsed();
    const analyze = all.filter((l) => l.request_id === 'req-analyze-1');
    expect(analyze.map((l) => l.msg)).toEqual(expect.arrayContaining(['analysis recorded', 'request completed']));
    expect(analyze.find((l) => l.msg === 'analysis recorded')).toMatchObject({ model_id: LOAN_MODEL.model_id, status: 'completed', trigger: 'manual' });
    // the analysis lines belong to that request only
    expect(all.filter((l) => l.msg === 'analysis recorded').map((l) => l.request_id)).toEqual(['req-analyze-1']);
    // one access line per request, written when the answer was sent
    expect(all.filter((l) => l.request_id === 'req-register-1').map((l) => l.msg)).toEqual(['request completed']);
    expect(all.find((l) => l.request_id === 'req-register-1')).toMatchObject({ method: 'POST', url: '/api/v1/models', status_code: 201, remote_address: '127.0.0.1' });
    expect(all.find((l) => l.request_id === 'req-register-1')?.response_time_ms).toBeGreaterThan(0);
    // deliveries carry the id of the request that caused them (stored with the outbox row)
    const delivered = all.filter((l) => l.msg === 'delivered');
    expect(delivered.find((l) => l.request_id === 'req-trigger-1')).toMatchObject({ channel: 'ops', kind: 'trigger' });
    for (const l of delivered) expect(l.request_id).toBeTruthy();
    // alerting's decisions, made inside the analysis and the external trigger, carry their request's id
    const alertLines = all.filter((l) => l.msg.startsWith('alert '));
    expect(alertLines.length).toBeGreaterThanOrEqual(2);
    expect(alertLines.some((l) => l.request_id === 'req-analyze-1')).toBe(true);
    for (const l of alertLines) expect(l.request_id).toBeTruthy();
    // every request line carries an id; generated ids are UUIDs
    const requestLines = all.filter((l) => l.msg === 'request completed' || l.msg === 'request errored');
    expect(requestLines.length).toBe(12); // 14 requests; /metrics logs at warn only
    for (const l of requestLines) expect(['req-register-1', 'req-analyze-1', 'req-trigger-1'].includes(l.request_id ?? '') || UUID.test(l.request_id ?? ''), l.request_id).toBe(true);
  });

  it('never writes an API key, the webhook URL or secret, or the metrics token', () => {
    expect(received.every((u) => u === WEBHOOK_PATH)).toBe(true); // the secret path was used, just never logged
    const text = lines.join('\n');
    for (const secret of secrets) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain(secret.slice(-20)); // not even a tail of it
    }
    // the scrubbed URL still says where the request went
    expect(parsed().some((l) => typeof l.url === 'string' && l.url.startsWith('/api/v1/models?api_key=dw_'))).toBe(true);
  });
});
