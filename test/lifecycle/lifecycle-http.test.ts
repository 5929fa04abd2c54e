import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeliveryWorker } from '../../src/alerting/delivery/delivery-worker.js';
import { verifySignature } from '../../src/alerting/channels/webhook/webhook-signature.js';
import { newAlertId, newIncidentId } from '../../src/alerting/ids.js';
import { openIncident } from '../../src/alerting/incident-lifecycle.js';
import { verifyBundle } from '../../src/evidence/verify-bundle.js';
import type { MonitoringRecordRow } from '../../src/store/monitoring-store.js';
import { HttpReceiver } from '../delivery/http-receiver.js';
import { CREDIT_MODEL, T0, type TestApp, creditPrediction, expectErrorShape, registerModel, startTestApp } from '../http/http-fixtures.js';
import { STORE_FACTORIES } from '../store/store-fixtures.js';

const SECRET = 'hook-s3cret';
const MODEL = { ...CREDIT_MODEL, model_id: 'credit', features: CREDIT_MODEL.features.map((f) => (f.name === 'income' ? { ...f, key: true } : f)) };
/** Validation rows with equal deny rates for both genders (disparate impact 1) and latency 3 ms. */
const validation = (n: number) => Array.from({ length: n }, (_, i) => creditPrediction(i, { prediction: { label: i % 4 < 2 ? 'deny' : 'approve' } }));

describe.each(STORE_FACTORIES)('lifecycle over HTTP ($name)', (factory) => {
  let t: TestApp;
  let receiver: HttpReceiver;
  let dir: string;

  const call = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown, key?: string) =>
    t.app.inject({ method, url, headers: { authorization: `Bearer ${key ?? t.keys.admin}` }, ...(payload === undefined ? {} : { payload: payload as object }) });
  const ok = async <T = any>(p: ReturnType<typeof call>, status = 200): Promise<T> => {
    const res = await p;
    expect(res.statusCode, res.body.slice(0, 600)).toBe(status);
    return res.json() as T;
  };

  beforeAll(async () => {
    receiver = await HttpReceiver.start();
    dir = mkdtempSync(join(tmpdir(), 'dw-lifecycle-'));
    const config = join(dir, 'config.yaml');
    writeFileSync(
      config,
      [
        'channels:',
        '  mlops:',
        '    type: webhook',
        `    url: ${receiver.url('/retrain')}`,
        `    secret: ${SECRET}`,
        'lifecycle:',
        '  event_channels: [mlops]',
        '  evidence:',
        `    dir: ${join(dir, 'evidence')}`,
      ].join('\n'),
    );
    t = await startTestApp(factory, { DRIFTWATCH_CONFIG: config });
    await registerModel(t, MODEL);
  });
  afterAll(async () => {
    await t?.close();
    await receiver?.down();
    rmSync(dir, { recursive: true, force: true });
  });

  it('registers versions, refuses a promotion gate by gate (409), promotes, rolls back, and shows the history', async () => {
    const base = '/api/v1/models/credit/versions';
    const v1 = await ok(call('POST', base, { version: '1.0', stage: 'staging', artifact_uri: 's3://models/credit/1.0', metrics: { f1: 0.8 }, tags: ['xgboost'], validation_set: validation(200) }), 201);
    expect(v1).toMatchObject({ version: '1.0', stage: 'staging', validation: { rows: 200, latency_p95_ms: 3, disparate_impact: { gender: 1 } } });
    expectErrorShape(await call('POST', base, { version: '2.0' }, t.keys.read), 403, 'forbidden');

    const refused = await call('POST', `${base}/1.0/promote`, { stage: 'production' });
    const err = expectErrorShape(refused, 409, 'conflict') as { details: { failed_gates: string[]; gates: { gates: { gate: string; passed: boolean; value: unknown; threshold: unknown }[] } } };
    expect(err.details.failed_gates).toEqual(['sign_off']);
    expect(err.details.gates.gates.map((g) => [g.gate, g.passed])).toEqual([['primary_metric', true], ['disparate_impact', true], ['latency_p95', true], ['sign_off', false]]);
    expect(err.details.gates.gates[2]).toMatchObject({ value: 3, threshold: { max_ms: 100 } });

    await ok(call('POST', `${base}/1.0/sign-off`, { by: 'risk-committee', notes: 'approved' }));
    const up = await ok(call('POST', `${base}/1.0/promote`, { stage: 'production' }));
    expect(up).toMatchObject({ version: { stage: 'production', sign_off: { by: 'risk-committee' } }, replaced: null, gates: { passed: true } });

    await ok(call('POST', base, { version: '1.1', stage: 'staging', metrics: { f1: 0.75 }, validation_set: validation(200) }), 201);
    await ok(call('POST', `${base}/1.1/sign-off`, {}));
    const worse = expectErrorShape(await call('POST', `${base}/1.1/promote`, { stage: 'production' }), 409) as { message: string; details: { failed_gates: string[] } };
    expect(worse.details.failed_gates).toEqual(['primary_metric']);
    expect(worse.message).toMatch(/f1 0\.75 is worse than production 1\.0's 0\.8/);

    await ok(call('PUT', '/api/v1/models/credit/lifecycle', { gates: { primary_metric: { tolerance: 0.1 } } }));
    const v11 = await ok(call('POST', `${base}/1.1/promote`, { stage: 'production' }));
    expect(v11.replaced).toMatchObject({ version: '1.0', stage: 'archived' });
    const gates = await ok(call('GET', `${base}/1.1/gates`, undefined, t.keys.read));
    expect(gates.passed).toBe(true);

    const back = await ok(call('POST', `${base}/rollback`, { reason: 'complaints' }));
    expect([back.version.version, back.version.stage, back.replaced.version]).toEqual(['1.0', 'production', '1.1']);
    const list = await ok(call('GET', base, undefined, t.keys.read));
    expect(list.items.map((v: { version: string; stage: string }) => [v.version, v.stage])).toEqual([['1.1', 'archived'], ['1.0', 'production']]);
    const history = await ok(call('GET', `${base}/history`, undefined, t.keys.read));
    expect(history.items.map((e: { version: string; kind: string }) => `${e.version}:${e.kind}`)).toEqual([
      '1.0:registered', '1.0:promotion_refused', '1.0:signed_off', '1.0:stage_changed',
      '1.1:registered', '1.1:signed_off', '1.1:promotion_refused', '1.0:stage_changed', '1.1:stage_changed',
      '1.1:stage_changed', '1.0:rolled_back',
    ]);
  });

  it('a firing trigger delivers one signed retrain.recommended event to the webhook, and shows on the timeline', async () => {
    const worker = new DeliveryWorker({ outbox: t.store.outbox, channels: t.app.ctx.delivery.channels, settings: t.app.ctx.delivery.settings, publicUrl: 'http://dw.test' });
    const manual = await ok(call('POST', '/api/v1/models/credit/retrain-triggers', { reason: 'new labelled data arrived' }), 201);
    expect(manual).toMatchObject({ kind: 'manual', model_id: 'credit', model_version: '1.0' });
    // the same drifted analysis judged twice (a retry, a second instance): one trigger
    const record: MonitoringRecordRow = {
      record_id: 'MON-2026-DRIFT', model_id: 'credit', status: 'completed', timestamp: T0, period_start: T0 - 86_400_000, period_end: T0, sample_count: 5000, baseline_id: null,
      aggregated_score: 0.5, max_severity: 'CRITICAL', duration_ms: 1, trigger: 'schedule', error: null,
      body: { metrics: { data_drift: { psi: { income: { value: 0.41, severity: 'CRITICAL' }, age: { value: 0.9, severity: 'CRITICAL' } } }, performance: { drop: { value: null } } } },
    };
    const model = (await t.store.getModel('credit'))!;
    const first = await t.app.ctx.lifecycle.triggers.onRecord(record, model);
    const second = await t.app.ctx.lifecycle.triggers.onRecord(record, model);
    expect(first.map((f) => f.fired?.kind)).toEqual(['data_drift']);
    expect(second).toEqual([{ fired: null, reason: 'already_fired' }]);
    for (let i = 0; i < 4; i++) await worker.runOnce();

    const events = receiver.received.filter((r) => r.path === '/retrain');
    expect(events).toHaveLength(2);
    expect(receiver.keys()).toHaveLength(2);
    for (const e of events) {
      expect(verifySignature(e.body, SECRET, e.headers['x-driftwatch-signature'] as string)).toBe(true);
      expect(e.json).toMatchObject({ version: '1', event: 'retrain.recommended', model_id: 'credit', data: { model_id: 'credit', timeline: '/api/v1/models/credit/timeline' } });
    }
    expect(events.map((e) => e.json.data.trigger).sort()).toEqual(['data_drift', 'manual']);
    const drift = events.find((e) => e.json.data.trigger === 'data_drift')!.json;
    expect(drift).toMatchObject({ severity: 'WARNING', data: { record_id: 'MON-2026-DRIFT', details: { psi: { income: 0.41 } } } });
    expect(drift.data.details.psi.age).toBeUndefined(); // age is not a key feature

    const timeline = await ok(call('GET', '/api/v1/models/credit/timeline', undefined, t.keys.read));
    const types = new Set(timeline.items.map((e: { type: string }) => e.type));
    expect(types).toEqual(new Set(['version', 'trigger']));
    expect(timeline.items.filter((e: { type: string }) => e.type === 'trigger')).toHaveLength(2);
    const audit = await ok(call('GET', '/api/v1/audit?action=model.retrain_recommended'));
    expect(audit.items).toHaveLength(2);
  });

  it('holds an open incident’s period, exports its evidence (verifiable download), and releases the hold', async () => {
    await t.app.inject({ method: 'POST', url: '/api/v1/predictions/bulk?partial=true', headers: { authorization: `Bearer ${t.keys.ingest}`, 'content-type': 'application/x-ndjson' }, payload: Array.from({ length: 300 }, (_, i) => JSON.stringify(creditPrediction(1000 + i))).join('\n') });
    const incidentId = newIncidentId(T0);
    const incident = openIncident(incidentId, {
      source: 'rule', rule_id: 'r', model_id: 'credit', metric: 'data_drift.psi.income', value: 0.41, threshold: 0.25, severity: 'CRITICAL', component: 'model', title: 'psi', message: '',
      affected_groups: [], labels: {}, monitoring_record_id: null, period: { start: T0 - 4 * 86_400_000, end: T0 }, channels: [],
    }, newAlertId(T0), T0);
    await t.store.alerting.insertIncident(incident);

    const holds = await ok(call('GET', '/api/v1/holds', undefined, t.keys.read));
    expect(holds.items.map((h: { incident_id: string }) => h.incident_id)).toEqual([incidentId]);
    expect((await ok(call('GET', `/api/v1/incidents/${incidentId}`, undefined, t.keys.read))).legal_hold).toMatchObject({ incident_id: incidentId, incident_status: 'open' });

    expectErrorShape(await call('POST', '/api/v1/evidence/export', { incident_id: 'INC-2026-NOPE' }), 404, 'not_found');
    const exported = await ok(call('POST', '/api/v1/evidence/export', { incident_id: incidentId }), 201);
    expect(exported.manifest.files.find((f: { path: string }) => f.path === 'predictions.ndjson').rows).toBe(300);
    const download = await t.app.inject({ method: 'GET', url: exported.download_url, headers: { authorization: `Bearer ${t.keys.read}` } });
    expect(download.statusCode).toBe(200);
    expect(download.headers['content-type']).toBe('application/gzip');
    const file = join(dir, 'downloaded.tar.gz');
    writeFileSync(file, download.rawPayload);
    expect((await verifyBundle(file, { expectedSha256: exported.sha256 })).ok).toBe(true);

    expect((await ok(call('GET', '/api/v1/holds', undefined, t.keys.read))).items).toEqual([]);
    const after = await ok(call('GET', `/api/v1/incidents/${incidentId}`, undefined, t.keys.read));
    expect(after.legal_hold).toBeNull();
    expect(after.exported_at).toBe(new Date(T0).toISOString());
    const evidence = await ok(call('GET', `/api/v1/incidents/${incidentId}/evidence`, undefined, t.keys.read));
    expect(evidence.bundles.map((b: { bundle_id: string }) => b.bundle_id)).toEqual([exported.bundle_id]);
  });
});
