import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { analysisJobName } from '../../src/scheduler/analysis-jobs.js';
import { startServer } from '../../src/server/server.js';
import { sqliteFactory } from '../store/store-fixtures.js';
import { type TestApp, startTestApp } from '../http/http-fixtures.js';
import { HOUR, T0, call, ok } from './monitoring-fixtures.js';

const HOSTILE_FEATURE = '<img src=x onerror=alert(1)>';
const HOSTILE_CATEGORY = '<script>alert("owned")</script>';

/** A binary model whose names and categories are markup: the HTML report must show them as text. */
const HOSTILE_MODEL = {
  model_id: 'hostile',
  task: 'binary_classification',
  labels: ['yes', 'no'],
  positive_label: 'yes',
  features: [
    { name: HOSTILE_FEATURE, type: 'numeric' },
    { name: 'group', type: 'categorical', protected: true },
  ],
};

function rows(n: number, from: number, shift: number): Record<string, unknown>[] {
  return Array.from({ length: n }, (_, i) => {
    const x = ((i * 7919) % 1000) / 10 + shift;
    const p = Math.min(0.95, Math.max(0.05, x / 100));
    return {
      prediction_id: `r${from}-${i}`,
      timestamp: from + i * 1000,
      features: { [HOSTILE_FEATURE]: x, group: i % 3 === 0 ? HOSTILE_CATEGORY : 'plain' },
      prediction: { label: p >= 0.5 ? 'yes' : 'no', probabilities: { yes: p, no: 1 - p } },
    };
  });
}

describe('record reports over a real socket (sqlite)', () => {
  let t: TestApp;
  let base: string;
  let recordId: string;
  beforeAll(async () => {
    t = await startTestApp(sqliteFactory);
    base = await t.app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => t?.close());

  const api = (path: string, init: RequestInit = {}) => fetch(`${base}${path}`, { ...init, headers: { authorization: `Bearer ${t.keys.admin}`, 'content-type': 'application/json', ...(init.headers as Record<string, string>) } });

  it('analyses on demand over HTTP and serves the HTML report with every data value escaped', async () => {
    expect((await api('/api/v1/models', { method: 'POST', body: JSON.stringify(HOSTILE_MODEL) })).status).toBe(201);
    const created = await api('/api/v1/monitoring/baselines', { method: 'POST', body: JSON.stringify({ model_id: 'hostile', validation_data: rows(600, T0 - 30 * 24 * HOUR, 0) }) });
    expect(created.status).toBe(201);
    ok(await call(t, 'POST', '/api/v1/predictions', rows(600, T0 - 12 * HOUR, 30).map((r) => ({ ...r, model_id: 'hostile' })), t.keys.ingest));
    const analysed = await api('/api/v1/monitoring/analyze-now', { method: 'POST', body: JSON.stringify({ model_id: 'hostile' }) });
    expect(analysed.status).toBe(200);
    const record = (await analysed.json()) as { record_id: string; status: string; findings: { metric: string; severity: string }[] };
    expect(record.status).toBe('completed');
    expect(record.findings.find((f) => f.metric === `data_drift.psi.${HOSTILE_FEATURE}`)?.severity).toBe('CRITICAL');
    recordId = record.record_id;

    const res = await api(`/api/v1/monitoring/records/${recordId}/report?format=html`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).not.toContain(HOSTILE_FEATURE);
    expect(html).not.toContain(HOSTILE_CATEGORY);
    expect(html).not.toMatch(/<script|<img/i);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('&lt;script&gt;alert(&quot;owned&quot;)&lt;/script&gt;');
  });

  it('answers the JSON and text forms with their content types', async () => {
    const json = await api(`/api/v1/monitoring/records/${recordId}/report?format=json`);
    expect(json.headers.get('content-type')).toMatch(/^application\/json/);
    const report = (await json.json()) as { features: { name: string }[] };
    expect(report.features.map((f) => f.name)).toEqual([HOSTILE_FEATURE, 'group']);
    const text = await api(`/api/v1/monitoring/records/${recordId}/report?format=text`);
    expect(text.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await text.text()).toContain(`Monitoring record ${recordId}`);
  });
});

describe('startServer schedules every model', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dw-e2e-sched-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('schedules a registered model every 6 hours (UTC) by default and follows a schedule change', async () => {
    const config = loadConfig({ env: { DRIFTWATCH_DB: join(dir, 's.db'), DRIFTWATCH_PORT: '0', DRIFTWATCH_LOG_LEVEL: 'silent' } });
    const server = await startServer(config, { print: () => undefined });
    try {
      const headers = { authorization: `Bearer ${server.bootstrapKey}` };
      const reg = await server.app.inject({ method: 'POST', url: '/api/v1/models', headers, payload: HOSTILE_MODEL });
      expect(reg.statusCode).toBe(201);
      expect((await server.analyses!.refresh()).added).toEqual(['hostile']);
      const next = server.scheduler!.nextRun(analysisJobName('hostile'))!;
      expect(next.getUTCHours() % 6).toBe(0);
      expect(next.getUTCMinutes()).toBe(0);
      await server.app.inject({ method: 'PATCH', url: '/api/v1/models/hostile', headers, payload: { settings: { schedule: '15 * * * *' } } });
      expect((await server.analyses!.refresh()).changed).toEqual(['hostile']);
      expect(server.scheduler!.nextRun(analysisJobName('hostile'))!.getUTCMinutes()).toBe(15);
    } finally {
      await server.close();
    }
  });
});
