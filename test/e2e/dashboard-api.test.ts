import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS, dayOf, dayString } from '../../src/domain/time.js';
import { expectErrorShape, startTestApp, type TestApp } from '../http/http-fixtures.js';
import { STORE_FACTORIES } from '../store/store-fixtures.js';
import { DAY, HOUR, LOAN, T0, call, logTraffic, ok, registerLoan, validationRows } from './monitoring-fixtures.js';

interface Overview {
  generated_at: string;
  stale_after_hours: number;
  models: {
    model_id: string;
    name: string;
    latest: { record_id: string; max_severity: string | null; aggregated_score: number | null } | null;
    stale: boolean;
    score_series: { timestamp: string; aggregated_score: number | null; max_severity: string | null; status: string }[];
    predictions_per_day: { day: string; count: number }[];
    open_incidents: number;
    counts: Record<string, number>;
  }[];
  next_cursor: string | null;
}

interface Trend {
  records: number;
  truncated: boolean;
  series: { key: string; kind: string; band: { warning: number; critical: number; worse: string } | null; points: { record_id: string; value: number | null; threshold?: number | null; severity?: string }[] }[];
}

interface FullRecord {
  record_id: string;
  aggregated_score: number;
  labelled_count: number;
  findings: { metric: string; value: number | null; threshold: number | null; severity: string }[];
  metrics: { performance: { window: { accuracy: number } } };
}

/**
 * The dashboard's own API over HTTP on both stores: who a key is, the overview of every model
 * (newest record, score series, predictions per day, open incidents, staleness, paging) and the
 * metric trends behind its charts, checked against the records they come from.
 */
describe.each(STORE_FACTORIES)('dashboard API ($name)', (factory) => {
  let t: TestApp;
  const records: FullRecord[] = [];
  const overview = async (query = '', key?: string) => ok<Overview>(await call(t, 'GET', `/api/v1/overview${query}`, undefined, key ?? t.keys.read));
  const trend = async (query: string) => ok<Trend>(await call(t, 'GET', `/api/v1/monitoring/trend?${query}`, undefined, t.keys.read));

  beforeAll(async () => {
    t = await startTestApp(factory);
    await registerLoan(t);
    ok(await call(t, 'POST', '/api/v1/models', { model_id: 'quiet', name: 'Quiet', task: 'regression', features: [{ name: 'x', type: 'numeric' }] }), 201);
    ok(await call(t, 'POST', '/api/v1/monitoring/baselines', { model_id: LOAN, validation_data: validationRows(2000, { seed: 1, from: T0 - 40 * DAY, to: T0 - 39 * DAY }) }), 201);
    await logTraffic(t, 1000, { seed: 3, from: T0 - 2 * DAY, to: T0 - DAY, idPrefix: 'a-' }, 0.5);
    t.clock.now = T0 - DAY;
    records.push(ok<FullRecord>(await call(t, 'POST', '/api/v1/monitoring/analyze-now', { model_id: LOAN })));
    await logTraffic(t, 1000, { seed: 4, from: T0 - DAY, to: T0, idPrefix: 'b-', incomeShift: 1.6, femaleApprovalFactor: 0.55 }, 0.5);
    t.clock.now = T0;
    records.push(ok<FullRecord>(await call(t, 'POST', '/api/v1/monitoring/analyze-now', { model_id: LOAN })));
  });
  afterAll(async () => t?.close());

  it('GET /api/v1/session says who a key is, for any valid key, and refuses others', async () => {
    const admin = await call(t, 'GET', '/api/v1/session');
    expect(ok(admin)).toMatchObject({ name: 'test admin', scopes: ['admin'] });
    expect(admin.headers['cache-control']).toBe('no-store');
    expect(ok(await call(t, 'GET', '/api/v1/session', undefined, t.keys.read))).toMatchObject({ scopes: ['read'] });
    expect(ok(await call(t, 'GET', '/api/v1/session', undefined, t.keys.ingest))).toMatchObject({ scopes: ['ingest'] });
    expectErrorShape(await t.app.inject({ url: '/api/v1/session' }), 401, 'unauthorized');
    expectErrorShape(await call(t, 'GET', '/api/v1/session', undefined, `dw_AAAAAAAAAAAA_${'x'.repeat(43)}`), 401, 'unauthorized');
  });

  it('the overview has each model with its newest record, score series, predictions per day and open incidents', async () => {
    const o = await overview();
    expect(o.stale_after_hours).toBe(12);
    expect(o.models.map((m) => m.model_id).sort()).toEqual([LOAN, 'quiet']);
    const loan = o.models.find((m) => m.model_id === LOAN)!;
    expect(loan.latest).toMatchObject({ record_id: records[1].record_id, max_severity: 'CRITICAL', aggregated_score: records[1].aggregated_score });
    expect(loan.score_series.map((p) => p.aggregated_score)).toEqual(records.map((r) => r.aggregated_score));
    expect(loan.score_series.map((p) => p.timestamp)).toEqual([new Date(T0 - DAY).toISOString(), new Date(T0).toISOString()]);
    expect(loan.counts).toEqual({ critical: 1, warning: 0, info: 1, failed: 0, skipped: 0 });
    expect(loan.stale).toBe(false);
    // predictions per day: the 7 UTC days up to today, as GET /predictions/counts counts them
    expect(loan.predictions_per_day.map((d) => d.day)).toEqual(Array.from({ length: 7 }, (_, i) => dayString(dayOf(T0) - 6 + i)));
    const counts = ok<{ days: { day: string; count: number }[] }>(await call(t, 'GET', `/api/v1/predictions/counts?model_id=${LOAN}&from=${(dayOf(T0) - 6) * DAY_MS}&to=${T0 + 1}`, undefined, t.keys.read));
    expect(loan.predictions_per_day.filter((d) => d.count > 0)).toEqual(counts.days);
    expect(loan.predictions_per_day.reduce((s, d) => s + d.count, 0)).toBe(2000);
    const active = ok<{ items: unknown[] }>(await call(t, 'GET', `/api/v1/incidents?model_id=${LOAN}&status=active`, undefined, t.keys.read));
    expect(active.items.length).toBeGreaterThan(0);
    expect(loan.open_incidents).toBe(active.items.length);

    const quiet = o.models.find((m) => m.model_id === 'quiet')!;
    expect(quiet).toMatchObject({ latest: null, stale: true, score_series: [], open_incidents: 0 });
    expect(quiet.predictions_per_day.every((d) => d.count === 0)).toBe(true);
  });

  it('marks a model stale after 12 hours without an analysis and keeps its newest record when it is older than the series', async () => {
    t.clock.now = T0 + 13 * HOUR;
    expect((await overview()).models.find((m) => m.model_id === LOAN)).toMatchObject({ stale: true, latest: { record_id: records[1].record_id } });
    t.clock.now = T0 + 9 * DAY;
    const loan = (await overview()).models.find((m) => m.model_id === LOAN)!;
    expect(loan).toMatchObject({ stale: true, score_series: [], latest: { record_id: records[1].record_id, max_severity: 'CRITICAL' } });
    t.clock.now = T0;
  });

  it('pages by model, needs the read scope', async () => {
    const first = await overview('?limit=1');
    expect(first.models).toHaveLength(1);
    expect(first.next_cursor).toEqual(expect.any(String));
    const second = await overview(`?limit=1&cursor=${encodeURIComponent(first.next_cursor!)}`);
    expect(second.models).toHaveLength(1);
    expect(second.models[0].model_id).not.toBe(first.models[0].model_id);
    expect(second.next_cursor).toBeNull();
    expectErrorShape(await call(t, 'GET', '/api/v1/overview', undefined, t.keys.ingest), 403, 'forbidden');
    expectErrorShape(await call(t, 'GET', '/api/v1/overview?limit=0'), 400);
  });

  it("the overview's batched reads handle many ids at once", async () => {
    const ids = [...Array.from({ length: 700 }, (_, i) => `nobody-${i}`), LOAN];
    expect((await t.store.overview.recordsSince(ids, 0)).map((r) => r.record_id)).toEqual(records.map((r) => r.record_id));
    expect((await t.store.overview.predictionsPerDay(ids, 0, dayOf(T0))).reduce((s, d) => s + d.count, 0)).toBe(2000);
    expect((await t.store.overview.activeIncidentCounts(ids)).get(LOAN)).toBeGreaterThan(0);
  });

  it('trends: findings with their band and record paths, oldest first, equal to the records', async () => {
    const tr = await trend(`model_id=${LOAN}&range=30d&metric=data_drift.psi.income&metric=fairness.disparate_impact.gender&path=metrics.performance.window.accuracy&path=labelled_count`);
    expect(tr.records).toBe(2);
    expect(tr.truncated).toBe(false);
    expect(tr.series.map((s) => [s.key, s.kind])).toEqual([
      ['data_drift.psi.income', 'finding'],
      ['fairness.disparate_impact.gender', 'finding'],
      ['metrics.performance.window.accuracy', 'metric'],
      ['labelled_count', 'metric'],
    ]);
    const [psi, di, accuracy, labelled] = tr.series;
    expect(psi.band).toEqual({ warning: 0.1, critical: 0.25, worse: 'higher' });
    expect(di.band).toEqual({ warning: 0.9, critical: 0.8, worse: 'lower' });
    for (const [i, r] of records.entries()) {
      const f = r.findings.find((x) => x.metric === 'data_drift.psi.income')!;
      expect(psi.points[i]).toMatchObject({ record_id: r.record_id, value: f.value, threshold: f.threshold, severity: f.severity });
      expect(accuracy.points[i]).toMatchObject({ record_id: r.record_id, value: r.metrics.performance.window.accuracy });
      expect(labelled.points[i].value).toBe(r.labelled_count);
    }
    expect(psi.points[1].severity).toBe('CRITICAL');
    expect(di.points[1].severity).toBe('CRITICAL');
  });

  it('trends honour the range and explicit bounds, and refuse what they cannot answer', async () => {
    t.clock.now = T0 + 2 * HOUR;
    expect((await trend(`model_id=${LOAN}&range=24h&metric=data_drift.psi.income`)).series[0].points.map((p) => p.record_id)).toEqual([records[1].record_id]);
    t.clock.now = T0;
    expect((await trend(`model_id=${LOAN}&from=${T0 - 3 * DAY}&to=${T0 - HOUR}&metric=data_drift.psi.income`)).series[0].points.map((p) => p.record_id)).toEqual([records[0].record_id]);
    // a path into inherited properties finds nothing rather than something
    expect((await trend(`model_id=${LOAN}&path=__proto__.constructor&path=metrics.nothing.here`)).series.every((s) => s.points.length === 0)).toBe(true);
    expectErrorShape(await call(t, 'GET', `/api/v1/monitoring/trend?model_id=${LOAN}`), 400, 'validation_failed');
    expectErrorShape(await call(t, 'GET', `/api/v1/monitoring/trend?model_id=${LOAN}&metric=x&from=${T0}&to=${T0 - 1}`), 400, 'validation_failed');
    expectErrorShape(await call(t, 'GET', '/api/v1/monitoring/trend?model_id=nope&metric=x'), 404);
    expectErrorShape(await call(t, 'GET', `/api/v1/monitoring/trend?model_id=${LOAN}&metric=x`, undefined, t.keys.ingest), 403, 'forbidden');
  });
});
