import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOAN_MODEL } from '../../src/demo/loan-model.js';
import { STORE_FACTORIES, sqliteFactory } from '../store/store-fixtures.js';
import { type TestApp, expectErrorShape, startTestApp } from '../http/http-fixtures.js';
import { DAY, LOAN, T0, call, logTraffic, ok, registerLoan, validationRows } from './monitoring-fixtures.js';

type Baseline = { snapshot_id: string; is_active: boolean; archived_at: string | null; sample_count: number; labelled_count: number; source: string; model_version: string | null; metadata: Record<string, unknown> };

const FEATURES = LOAN_MODEL.features.map((f) => f.name);
const LABELS = LOAN_MODEL.labels;
const SHAP = LOAN_MODEL.explanation_features;

/** Validation rows as the CSV columns of docs/import.md plus `actual`. */
function toCsv(rows: Record<string, unknown>[]): string {
  const header = ['prediction_id', 'timestamp', ...FEATURES, 'label', ...LABELS.map((l) => `proba_${l}`), ...SHAP.map((f) => `shap_${f}`), 'actual'];
  const cell = (v: unknown) => (typeof v === 'string' && /[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : String(v));
  const lines = rows.map((r) => {
    const f = r.features as Record<string, unknown>;
    const p = r.prediction as { label: string; probabilities: Record<string, number> };
    const x = r.explanation as Record<string, number>;
    return [r.prediction_id, new Date(r.timestamp as number).toISOString(), ...FEATURES.map((n) => f[n]), p.label, ...LABELS.map((l) => p.probabilities[l]), ...SHAP.map((n) => x[n]), r.actual].map(cell).join(',');
  });
  return [header.join(','), ...lines].join('\n') + '\n';
}

const ndjson = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
const create = (t: TestApp, body: string | object, query = '', contentType?: string) =>
  call(t, 'POST', `/api/v1/monitoring/baselines${query}`, typeof body === 'string' ? body : body, undefined, contentType ? { 'content-type': contentType } : {});

describe('baselines: uploads, time ranges, errors and scopes (sqlite)', () => {
  let t: TestApp;
  const rows = validationRows(300, { seed: 21, from: T0 - 30 * DAY, to: T0 - 29 * DAY });
  beforeAll(async () => {
    t = await startTestApp(sqliteFactory);
    await registerLoan(t);
  });
  afterAll(async () => t?.close());

  it('freezes a CSV upload with outcomes in an `actual` column', async () => {
    const b = ok<Baseline>(await create(t, toCsv(rows), `?model_id=${LOAN}&model_version=2.3.0`, 'text/csv'), 201);
    expect(b).toMatchObject({ sample_count: 300, labelled_count: 300, is_active: true, model_version: '2.3.0', source: 'validation_data', metadata: { upload: 'csv' } });
    const json = ok<Record<string, unknown>>(await create(t, { model_id: LOAN, validation_data: rows, model_version: '2.3.0' }), 201);
    // the same rows sent as JSON freeze the same distributions (the CSV has no confidence or latency columns)
    for (const k of ['feature_distributions', 'fairness_metrics', 'prediction_distribution', 'shap_distributions', 'performance']) expect((b as unknown as Record<string, unknown>)[k]).toEqual(json[k]);
  });

  it('names the file line of every rejected CSV row', async () => {
    const lines = toCsv(rows.slice(0, 6)).split('\n');
    lines[2] = lines[2].replace(/^([^,]*,[^,]*,)[^,]*/, '$1seven hundred'); // credit_score of data row 2 (line 3)
    lines[5] = lines[5].replace(/,(approve|reject|manual_review),/, ',maybe,'); // a label the model does not have (line 6)
    const res = await create(t, lines.join('\n'), `?model_id=${LOAN}`, 'text/csv');
    const err = expectErrorShape(res, 400, 'validation_failed');
    expect(JSON.stringify(err.details)).toContain('line 3: is not a number');
    const again = await create(t, [lines[0], lines[1], lines[5]].join('\n'), `?model_id=${LOAN}`, 'text/csv');
    expect(JSON.stringify(expectErrorShape(again, 400).details)).toMatch(/line 3: .*label/);
    const header = await create(t, 'prediction_id,shoe_size\np1,42\n', `?model_id=${LOAN}`, 'text/csv');
    expect(expectErrorShape(header, 400).message).toMatch(/shoe_size/);
  });

  it('freezes an NDJSON upload, or keeps it inactive with ?activate=false', async () => {
    const b = ok<Baseline>(await create(t, ndjson(rows), `?model_id=${LOAN}&activate=false`, 'application/x-ndjson'), 201);
    expect(b).toMatchObject({ sample_count: 300, is_active: false, metadata: { upload: 'ndjson' } });
    expectErrorShape(await create(t, ndjson(rows), '', 'application/x-ndjson'), 400, 'validation_failed');
    expectErrorShape(await create(t, 'a,b\n1,2\n', `?model_id=${LOAN}`, 'text/plain'), 415);
  });

  it('freezes the predictions logged in a time range, and refuses an empty range or two sources', async () => {
    await logTraffic(t, 400, { seed: 22, from: T0 - 10 * DAY, to: T0 - 9 * DAY, idPrefix: 'range-' }, 0.5);
    const b = ok<Baseline>(await create(t, { model_id: LOAN, from: new Date(T0 - 10 * DAY).toISOString(), to: T0 - 9 * DAY }), 201);
    expect(b).toMatchObject({ source: 'time_range', sample_count: 400, labelled_count: 200, metadata: { range: { from: '2026-02-19T12:00:00.000Z' } } });
    expectErrorShape(await create(t, { model_id: LOAN, from: T0 - 100 * DAY, to: T0 - 99 * DAY }), 400, 'validation_failed');
    expectErrorShape(await create(t, { model_id: LOAN, validation_data: rows, from: T0 - DAY, to: T0 }), 400, 'validation_failed');
    expectErrorShape(await create(t, { model_id: LOAN }), 400, 'validation_failed');
    expectErrorShape(await create(t, { model_id: 'nope', validation_data: rows }), 404, 'model_not_found');
  });

  it('answers 404 for baselines and records that do not exist, and enforces scopes', async () => {
    expectErrorShape(await call(t, 'GET', '/api/v1/monitoring/baselines/SNAP-2026-01-01-XXXXXXXX'), 404, 'not_found');
    expectErrorShape(await call(t, 'GET', '/api/v1/monitoring/baselines/%00x'), 404, 'not_found');
    expectErrorShape(await call(t, 'GET', '/api/v1/monitoring/records/MON-2026-NOPE'), 404, 'not_found');
    expectErrorShape(await call(t, 'POST', '/api/v1/monitoring/analyze-now', { model_id: 'nope' }), 404, 'model_not_found');
    expectErrorShape(await call(t, 'POST', '/api/v1/monitoring/baselines', { model_id: LOAN, validation_data: rows }, t.keys.read), 403, 'forbidden');
    expectErrorShape(await call(t, 'POST', '/api/v1/monitoring/analyze-now', { model_id: LOAN }, t.keys.ingest), 403, 'forbidden');
    expectErrorShape(await call(t, 'POST', '/api/v1/models/deploy', { model_id: LOAN, version: '9' }, t.keys.read), 403, 'forbidden');
    ok(await call(t, 'GET', `/api/v1/monitoring/baselines?model_id=${LOAN}`, undefined, t.keys.read));
    expectErrorShape(await call(t, 'GET', '/api/v1/monitoring/records?range=1y', undefined, t.keys.read), 400);
  });
});

describe.each(STORE_FACTORIES)('baseline activation and the deploy flow ($name)', (factory) => {
  let t: TestApp;
  const list = async () => ok<{ items: Baseline[]; next_cursor: string | null }>(await call(t, 'GET', `/api/v1/monitoring/baselines?model_id=${LOAN}`)).items;
  beforeAll(async () => {
    t = await startTestApp(factory);
    await registerLoan(t);
  });
  afterAll(async () => t?.close());

  it('keeps one active baseline per model: creating or activating another archives the previous', async () => {
    const first = ok<Baseline>(await create(t, { model_id: LOAN, validation_data: validationRows(250, { seed: 31, from: T0 - 60 * DAY, to: T0 - 59 * DAY }), model_version: '2.2.0' }), 201);
    t.clock.now = T0 + 1000;
    const second = ok<Baseline>(await create(t, { model_id: LOAN, validation_data: validationRows(250, { seed: 32, from: T0 - 50 * DAY, to: T0 - 49 * DAY }), model_version: '2.3.0' }), 201);
    let all = await list();
    expect(all.map((b) => [b.snapshot_id, b.is_active])).toEqual([[second.snapshot_id, true], [first.snapshot_id, false]]);
    expect(all[1].archived_at).toBe(new Date(T0 + 1000).toISOString());
    t.clock.now = T0 + 2000;
    const activated = ok<Baseline>(await call(t, 'POST', `/api/v1/monitoring/baselines/${first.snapshot_id}/activate`));
    expect(activated).toMatchObject({ snapshot_id: first.snapshot_id, is_active: true, archived_at: null });
    all = await list();
    expect(all.map((b) => [b.snapshot_id, b.is_active, b.archived_at])).toEqual([[second.snapshot_id, false, new Date(T0 + 2000).toISOString()], [first.snapshot_id, true, null]]);
    const full = ok<Baseline & { integrity: string; summary: { features: object } }>(await call(t, 'GET', `/api/v1/monitoring/baselines/${second.snapshot_id}`, undefined, t.keys.read));
    expect(full.integrity).toBe('verified');
    expect(Object.keys(full.summary.features)).toHaveLength(10);
    const page = ok<{ items: Baseline[]; next_cursor: string }>(await call(t, 'GET', '/api/v1/monitoring/baselines?limit=1'));
    expect(page.items).toHaveLength(1);
    expect(ok<{ items: Baseline[] }>(await call(t, 'GET', `/api/v1/monitoring/baselines?limit=1&cursor=${page.next_cursor}`)).items[0].snapshot_id).toBe(first.snapshot_id);
    await call(t, 'POST', `/api/v1/monitoring/baselines/${second.snapshot_id}/activate`);
  });

  it('deploys a version: new baseline, old one archived, an immediate drift check, the version kept (Flow 7)', async () => {
    t.clock.now = T0 + DAY;
    await logTraffic(t, 2000, { seed: 33, from: T0, to: T0 + DAY, idPrefix: 'live-' });
    const before = (await list()).find((b) => b.is_active)!;
    const validation = validationRows(2000, { seed: 34, from: T0 - 5 * DAY, to: T0 - 4 * DAY });
    type Deployed = { status: string; model_version: string; previous_version: string | null; baseline_snapshot_id: string; archived_snapshot_id: string | null; drift_check: { record_id: string; status: string; severity: string; aggregated_score: number; message: string } };
    const d = ok<Deployed>(await call(t, 'POST', '/api/v1/models/deploy', { model_id: LOAN, version: '2.4.0', validation_set: validation, create_baseline: true }));
    expect(d).toMatchObject({ status: 'deployed', model_version: '2.4.0', previous_version: '2.3.0', archived_snapshot_id: before.snapshot_id });
    expect(d.baseline_snapshot_id).not.toBe(before.snapshot_id);
    expect(d.drift_check.status).toBe('completed');
    expect(d.drift_check.message).toBe(d.drift_check.severity === 'INFO' ? 'No significant drift detected after deployment' : expect.stringMatching(/^Drift detected after deployment/));
    const record = ok<{ trigger: string; baseline_id: string; sample_count: number; max_severity: string }>(await call(t, 'GET', `/api/v1/monitoring/records/${d.drift_check.record_id}`));
    expect(record).toMatchObject({ trigger: 'deploy', baseline_id: d.baseline_snapshot_id, sample_count: 2000, max_severity: d.drift_check.severity });
    const active = (await list()).filter((b) => b.is_active);
    expect(active.map((b) => [b.snapshot_id, b.model_version])).toEqual([[d.baseline_snapshot_id, '2.4.0']]);
    // without a new baseline: the version is recorded and the check runs against the active one
    t.clock.now += 60_000;
    const again = ok<Deployed>(await call(t, 'POST', '/api/v1/models/deploy', { model_id: LOAN, version: '2.4.1', create_baseline: false }));
    expect(again).toMatchObject({ previous_version: '2.4.0', baseline_snapshot_id: d.baseline_snapshot_id, archived_snapshot_id: null });
    const jobs = ok<{ items: { details: { version: string } }[] }>(await call(t, 'GET', `/api/v1/jobs?job=deploy&model_id=${LOAN}`));
    expect(jobs.items.map((j) => j.details.version)).toEqual(['2.4.1', '2.4.0']);
    expectErrorShape(await call(t, 'POST', '/api/v1/models/deploy', { model_id: LOAN, version: '2.5.0' }), 400, 'validation_failed');
    expectErrorShape(await call(t, 'POST', '/api/v1/models/deploy', { model_id: 'nope', version: '1', validation_set: validation }), 404, 'model_not_found');
  });
});

