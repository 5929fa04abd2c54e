import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseExposition, type Sample, samplesOf, valueOf } from '../../src/observability/exposition.js';
import { loanTraffic } from '../../src/demo/loan-model.js';
import { sqliteFactory } from '../store/store-fixtures.js';
import { type TestApp, bearer, startTestApp } from '../http/http-fixtures.js';
import { DAY, HOUR, LOAN, T0, call, ok, registerLoan, validationRows } from '../e2e/monitoring-fixtures.js';

const sum = (samples: Sample[]) => samples.reduce((s, x) => s + x.value, 0);

/** /metrics on a real app: what the routes, ingestion, analyses and alerting count, by what labels. */
describe('GET /metrics', () => {
  let t: TestApp;
  const scrape = async () => {
    const res = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    return { text: res.body, samples: parseExposition(res.body) };
  };

  beforeAll(async () => {
    t = await startTestApp(sqliteFactory);
    await registerLoan(t);
  });
  afterAll(async () => t?.close());

  it('labels HTTP requests with the route pattern, never the raw URL', async () => {
    ok(await call(t, 'GET', `/api/v1/models/${LOAN}`));
    expect((await call(t, 'GET', '/api/v1/models/nope-123')).statusCode).toBe(404);
    expect((await call(t, 'GET', '/api/v1/no/such/4711')).statusCode).toBe(404);
    const { text, samples } = await scrape();
    expect(valueOf(samples, 'driftwatch_http_requests_total', { route: '/api/v1/models/:model_id', method: 'GET', status_class: '2xx' })).toBe(1);
    expect(valueOf(samples, 'driftwatch_http_errors_total', { route: '/api/v1/models/:model_id', status: '404' })).toBe(1);
    expect(valueOf(samples, 'driftwatch_http_errors_total', { route: 'unmatched', status: '404' })).toBe(1);
    expect(valueOf(samples, 'driftwatch_http_request_duration_seconds_count', { route: '/api/v1/models', method: 'POST' })).toBe(1);
    for (const raw of ['nope-123', '4711', `/api/v1/models/${LOAN}"`]) expect(text).not.toContain(raw);
  });

  it('counts stored predictions by model, version, label and confidence bucket, duplicates and rejects apart', async () => {
    const traffic = loanTraffic(400, { seed: 3, from: T0 - 10 * HOUR, to: T0 - HOUR, idPrefix: 'm-' });
    const rows = traffic.predictions.map((p, i) => ({ ...p, model_id: LOAN, model_version: i % 4 === 0 ? '2.0.0' : '2.1.0' }));
    expect(ok(await call(t, 'POST', '/api/v1/predictions', rows, t.keys.ingest))).toMatchObject({ accepted: 400 });
    // again: all duplicates, plus one bad row (partial mode stores the rest)
    const again = ok(await call(t, 'POST', '/api/v1/predictions?partial=true', [...rows.slice(0, 50), { model_id: LOAN, prediction_id: 'bad', features: {} }], t.keys.ingest));
    expect(again).toMatchObject({ accepted: 0, duplicates: 50, rejected: 1 });
    ok(await call(t, 'POST', '/api/v1/outcomes', traffic.outcomes.slice(0, 120).map((o) => ({ ...o, model_id: LOAN })), t.keys.ingest));
    const { text, samples } = await scrape();
    expect(valueOf(samples, 'driftwatch_predictions_ingested_total', { model: LOAN, version: '2.0.0' })).toBe(100);
    expect(valueOf(samples, 'driftwatch_predictions_ingested_total', { model: LOAN, version: '2.1.0' })).toBe(300);
    const byLabel = samplesOf(samples, 'driftwatch_predictions_by_label_total', { model: LOAN });
    expect(sum(byLabel)).toBe(400);
    expect(new Set(byLabel.map((s) => s.labels.label))).toEqual(new Set(traffic.predictions.map((p) => (p.prediction as { label: string }).label)));
    const expected = traffic.predictions.filter((p) => (p.prediction as { label: string }).label === 'approve' && (p.prediction as { confidence: number }).confidence >= 0.9).length;
    expect(valueOf(samples, 'driftwatch_predictions_by_label_total', { model: LOAN, label: 'approve', confidence_bucket: '0.9-1.0' }) ?? 0).toBe(expected);
    expect(valueOf(samples, 'driftwatch_outcomes_ingested_total', { model: LOAN })).toBe(120);
    expect(valueOf(samples, 'driftwatch_ingest_rejected_rows_total', { kind: 'prediction', reason: 'features' })).toBe(1);
    expect(valueOf(samples, 'driftwatch_ingest_commit_rows_sum')).toBe(450);
    expect(valueOf(samples, 'driftwatch_ingest_commits_total', { result: 'ok' })).toBe(2);
    expect(valueOf(samples, 'driftwatch_predictions_last_ingested_timestamp_seconds', { model: LOAN })).toBe(T0 / 1000);
    // no prediction id is ever a label value
    expect(text).not.toMatch(/m-\d+/);
  });

});

describe('GET /metrics after an analysis', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(sqliteFactory);
    await registerLoan(t);
  });
  afterAll(async () => t?.close());

  it('sets the monitoring gauges from the record and reports alerting from the store', async () => {
    ok(await call(t, 'POST', '/api/v1/monitoring/baselines/create', { model_id: LOAN, validation_data: validationRows(1500, { seed: 1, from: T0 - 40 * DAY, to: T0 - 39 * DAY }) }), 201);
    const drifted = loanTraffic(1200, { seed: 4, from: T0 - 20 * HOUR, to: T0 - HOUR, incomeShift: 1.6, idPrefix: 'd-' });
    ok(await call(t, 'POST', '/api/v1/predictions', drifted.predictions.map((p) => ({ ...p, model_id: LOAN })), t.keys.ingest));
    const record = ok<{ status: string; aggregated_score: number }>(await call(t, 'POST', '/api/v1/monitoring/analyze-now', { model_id: LOAN }));
    expect(record.status).toBe('completed');
    const samples = parseExposition((await t.app.inject({ method: 'GET', url: '/metrics' })).body);
    expect(valueOf(samples, 'driftwatch_feature_drift', { model: LOAN, feature: 'income', test: 'psi' })).toBeGreaterThan(0.25);
    expect(valueOf(samples, 'driftwatch_feature_drift_severity', { model: LOAN, feature: 'income' })).toBe(2);
    expect(samplesOf(samples, 'driftwatch_feature_drift', { model: LOAN, test: 'psi' })).toHaveLength(10);
    expect(samplesOf(samples, 'driftwatch_fairness', { model: LOAN, attribute: 'gender' }).length).toBeGreaterThanOrEqual(2);
    expect(valueOf(samples, 'driftwatch_model_drift_score', { model: LOAN })).toBe(record.aggregated_score);
    expect(valueOf(samples, 'driftwatch_analysis_last_success_timestamp_seconds', { model: LOAN })).toBe(T0 / 1000);
    expect(valueOf(samples, 'driftwatch_analyses_total', { model: LOAN, status: 'completed' })).toBe(1);
    expect(valueOf(samples, 'driftwatch_dataset_drift_share', { model: LOAN })).toBeGreaterThan(0);
    // alerting as the API reports it: the critical income drift went through the built-in rules
    const incidents = ok<{ items: { severity: string }[] }>(await call(t, 'GET', '/api/v1/incidents?status=active&limit=100')).items;
    const stats = ok<{ total: number; by_status: Record<string, number> }>(await call(t, 'GET', '/api/v1/alerts/statistics'));
    expect(stats.total).toBeGreaterThanOrEqual(1);
    expect(samplesOf(samples, 'driftwatch_incidents_open').map((s) => s.labels.severity).sort()).toEqual(['critical', 'info', 'warning']);
    for (const severity of ['CRITICAL', 'WARNING', 'INFO']) expect(valueOf(samples, 'driftwatch_incidents_open', { severity: severity.toLowerCase() })).toBe(incidents.filter((i) => i.severity === severity).length);
    expect(sum(samplesOf(samples, 'driftwatch_alerts'))).toBe(stats.total);
    for (const [status, n] of Object.entries(stats.by_status)) expect(valueOf(samples, 'driftwatch_alerts', { status })).toBe(n);
    expect(valueOf(samples, 'driftwatch_alert_outbox_pending')).toBeGreaterThanOrEqual(stats.total); // nothing delivers in this app
    expect(samplesOf(samples, 'driftwatch_build_info')[0].labels).toMatchObject({ store_backend: 'sqlite' });
  });
});

describe('GET /metrics, protected or disabled', () => {
  it('needs the bearer token when one is configured', async () => {
    const t = await startTestApp(sqliteFactory, { DRIFTWATCH_METRICS_TOKEN: 'scrape-token-123' });
    try {
      expect((await t.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
      expect((await t.app.inject({ method: 'GET', url: '/metrics', headers: bearer('scrape-token-124') })).statusCode).toBe(401);
      expect((await t.app.inject({ method: 'GET', url: '/metrics', headers: bearer(t.keys.admin) })).statusCode).toBe(401); // an API key is not the metrics token
      const res = await t.app.inject({ method: 'GET', url: '/metrics', headers: bearer('scrape-token-123') });
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('driftwatch_build_info');
    } finally {
      await t.close();
    }
  });

  it('is not served, and nothing is counted, with DRIFTWATCH_METRICS=false', async () => {
    const t = await startTestApp(sqliteFactory, { DRIFTWATCH_METRICS: 'false' });
    try {
      expect((await t.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(404);
      expect(t.app.ctx.metrics.enabled).toBe(false);
      expect((await t.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
    } finally {
      await t.close();
    }
  });
});
