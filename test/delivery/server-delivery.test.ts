import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { verifySignature } from '../../src/alerting/channels/webhook/webhook-signature.js';
import { loadConfig } from '../../src/config/config.js';
import { createApiKey } from '../../src/server/auth/api-keys.js';
import { type RunningServer, startServer } from '../../src/server/server.js';
import { TEST_PG_URL } from '../store/store-fixtures.js';
import { HttpReceiver } from './http-receiver.js';

const SLACK_PATH = '/services/T0SECRET/B0SECRET/XOXSECRETTOKEN';
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

/** A real server (SQLite in a temp dir, port 0) with channels from a config file and the environment. */
async function serve(rx: HttpReceiver, extraEnv: Record<string, string> = {}, backend: 'sqlite' | 'postgres' = 'sqlite'): Promise<{ server: RunningServer; admin: string; ingest: string; read: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'dw-delivery-'));
  closers.push(async () => rmSync(dir, { recursive: true, force: true }));
  const schema = `dwserve_${process.pid}_${Date.now().toString(36)}`;
  if (backend === 'postgres') {
    closers.push(async () => {
      const c = new pg.Client({ connectionString: TEST_PG_URL });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await c.end();
    });
  }
  const file = join(dir, 'driftwatch.yaml');
  writeFileSync(
    file,
    [
      'channels:',
      '  ops-hook:',
      '    type: webhook',
      `    url: ${rx.url('/hook')}`,
      '    secret: whsec-from-file-123',
      '  team-slack:',
      '    type: slack',
      `    webhook_url: ${rx.url(SLACK_PATH)}`,
      'delivery:',
      '  poll_interval: 30s',
    ].join('\n'),
  );
  const env = {
    DRIFTWATCH_LOG_LEVEL: 'silent',
    DRIFTWATCH_SCHEDULER: 'false',
    DRIFTWATCH_DB: join(dir, 'dw.db'),
    DRIFTWATCH_PORT: '0',
    DRIFTWATCH_PUBLIC_URL: 'https://dw.example.com',
    ...(backend === 'postgres' ? { DATABASE_URL: TEST_PG_URL, DRIFTWATCH_PG_SCHEMA: schema } : {}),
    ...extraEnv,
  };
  const config = loadConfig({ file, env });
  const saved = { ...process.env };
  Object.assign(process.env, extraEnv); // channel env vars are read from the process environment
  const server = await startServer(config, { print: () => undefined });
  process.env = saved;
  closers.push(() => server.close());
  const key = async (scope: 'admin' | 'ingest' | 'read') => (await createApiKey(server.store, scope, [scope], Date.now())).token;
  return { server, admin: await key('admin'), ingest: await key('ingest'), read: await key('read') };
}

describe('delivery in the running server', () => {
  it.each(['sqlite', 'postgres'] as const)('an external alert reaches every channel within a second (the worker is woken, not polled), signed (%s)', async (backend) => {
    const rx = await HttpReceiver.start({ status: 200, body: 'ok' });
    closers.push(() => rx.close());
    const { server, ingest } = await serve(rx, {}, backend);
    const started = Date.now();
    const res = await fetch(`${server.url}/api/v1/alerts/trigger`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ingest}`, 'content-type': 'application/json' },
      body: JSON.stringify({ severity: 'CRITICAL', model_id: 'loan-approval', metrics: [{ metric_name: 'fairness.demographic_parity', value: 0.14, threshold: 0.1 }] }),
    });
    expect(res.status).toBe(200);
    await rx.waitFor(2, 5000);
    // the poll interval is 30 s: only the bell explains this
    expect(Date.now() - started).toBeLessThan(1500);
    const hook = rx.received.find((r) => r.path === '/hook')!;
    const slack = rx.received.find((r) => r.path === SLACK_PATH)!;
    expect(verifySignature(hook.body, 'whsec-from-file-123', hook.headers['x-driftwatch-signature'] as string)).toBe(true);
    expect(hook.json).toMatchObject({ event: 'trigger', severity: 'CRITICAL', model_id: 'loan-approval' });
    expect(hook.json.links.incident).toMatch(/^https:\/\/dw\.example\.com\/incidents\/INC-/);
    expect(slack.json.text).toContain('CRITICAL');
    // the alert records where it went
    const alert = (await server.store.alerting.listAlerts({ limit: 5 })).items[0];
    await expect.poll(async () => (await server.store.alerting.getAlert(alert.alert_id))?.channels_notified.sort(), { timeout: 3000 }).toEqual(['ops-hook', 'team-slack']);
  });

  it('GET /api/v1/channels lists channels with masked destinations for admins only, never a secret', async () => {
    const rx = await HttpReceiver.start();
    closers.push(() => rx.close());
    const { server, admin, read } = await serve(rx, { DRIFTWATCH_PAGERDUTY_ROUTING_KEY: 'PDROUTINGKEY0123456789', DRIFTWATCH_PAGERDUTY_EVENTS_URL: rx.url('/v2/enqueue') });
    const forbidden = await fetch(`${server.url}/api/v1/channels`, { headers: { authorization: `Bearer ${read}` } });
    expect(forbidden.status).toBe(403);
    const res = await fetch(`${server.url}/api/v1/channels`, { headers: { authorization: `Bearer ${admin}` } });
    expect(res.status).toBe(200);
    const text = await res.text();
    for (const secret of ['whsec-from-file-123', 'XOXSECRETTOKEN', 'PDROUTINGKEY0123456789', SLACK_PATH]) expect(text).not.toContain(secret);
    const body = JSON.parse(text) as { items: { name: string; type: string; destination: string; default: boolean; builtin: boolean }[]; outbox: { pending: number } };
    expect(body.items.map((c) => [c.name, c.type, c.default, c.builtin])).toEqual([
      ['console', 'console', false, true],
      ['ops-hook', 'webhook', true, false],
      ['pagerduty', 'pagerduty', true, false],
      ['team-slack', 'slack', true, false],
    ]);
    expect(body.items.find((c) => c.name === 'team-slack')?.destination).toBe(`http://127.0.0.1:${rx.port}/…`);
    expect(body.items.find((c) => c.name === 'pagerduty')?.destination).toContain('routing key ***6789');
    expect(body.outbox.pending).toBe(0);
  });
});
