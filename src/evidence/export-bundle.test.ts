import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newAlertId, newIncidentId } from '../alerting/ids.js';
import { openIncident } from '../alerting/incident-lifecycle.js';
import { outboxRows } from '../alerting/outbox.js';
import type { Alert, AlertCandidate } from '../alerting/types.js';
import { MonitoringService } from '../analysis/monitoring-service.js';
import { DEFAULT_SETTINGS, type Model, parseModelSchema } from '../domain/model-schema.js';
import { HOUR_MS } from '../domain/time.js';
import type { FieldProblem } from '../errors/catalog.js';
import { PredictionBuilder } from '../ingest/prediction-builder.js';
import { AuditLog } from '../observability/audit.js';
import { LegalHolds } from '../scheduler/legal-hold.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { exportEvidence } from './export-bundle.js';
import { readTar } from './tar.js';
import { verifyBundle } from './verify-bundle.js';

const NOW = Date.UTC(2026, 5, 2, 12);
const ROWS = 12_000;
const ACTOR = { actor: 'key:auditor', request_id: 'r-1' };

const model: Model = {
  model_id: 'loan',
  name: 'loan',
  description: '',
  schema_version: 1,
  schema: parseModelSchema({
    task: 'binary_classification',
    labels: ['approve', 'deny'],
    positive_label: 'approve',
    features: [
      { name: 'income', type: 'numeric' },
      { name: 'gender', type: 'categorical', protected: true },
    ],
    explanation_features: [],
  }),
  settings: { ...DEFAULT_SETTINGS, min_samples: 10 },
  created_at: 0,
  updated_at: 0,
};

const row = (i: number, ts: number, shift = 0) => ({
  prediction_id: `p-${ts}-${i}`,
  model_version: 'v1',
  timestamp: ts,
  features: { income: 1000 + (i % 500) + shift, gender: i % 2 ? 'f' : 'm' },
  prediction: { label: i % 3 ? 'approve' : 'deny', probabilities: { approve: i % 3 ? 0.7 : 0.3, deny: i % 3 ? 0.3 : 0.7 } },
  metadata: { latency_ms: 5 + (i % 7) },
});

async function unpack(path: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  await readTar(Readable.from([gunzipSync(readFileSync(path))]), (e) => {
    const parts: Buffer[] = [];
    return { data: (c) => parts.push(Buffer.from(c)), end: () => out.set(e.name.split('/').pop()!, Buffer.concat(parts)) };
  });
  return out;
}

describe('evidence export', () => {
  let dir: string;
  let store: SqliteStore;
  let incidentId: string;
  const clock = { now: NOW };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dw-evidence-'));
    store = SqliteStore.open({ path: join(dir, 'e.db'), blockWriter: null });
    await store.migrate();
    await store.createModel(model);
    const monitoring = new MonitoringService(store, () => clock.now);
    await monitoring.createBaselineFromRows('loan', Array.from({ length: 400 }, (_, i) => row(i, NOW - 40 * 86_400_000 + i)));
    // the window: 12 000 predictions over the last 24 hours (in many blocks), a few outside it
    for (let part = 0; part < 6; part++) {
      const b = new PredictionBuilder(model, ROWS / 6, NOW);
      const problems: FieldProblem[] = [];
      for (let i = 0; i < ROWS / 6; i++) b.add(row(part * 10_000 + i, NOW - 24 * HOUR_MS + (part * (ROWS / 6) + i) * 7000, 3000), i, problems);
      expect(problems).toEqual([]);
      await store.writePredictions([{ model_id: 'loan', schema_version: 1, columns: b.build() }]);
    }
    const outside = new PredictionBuilder(model, 5, NOW);
    for (let i = 0; i < 5; i++) outside.add(row(i, NOW - 30 * HOUR_MS), i, []);
    await store.writePredictions([{ model_id: 'loan', schema_version: 1, columns: outside.build() }]);
    await store.writeOutcomes(Array.from({ length: 300 }, (_, i) => ({ model_id: 'loan', prediction_id: `p-${NOW - 24 * HOUR_MS + i * 7000}-${i}`, label: 'deny', value: null, timestamp: NOW, received_at: NOW, prediction_ts: null })));
    const record = await monitoring.analyze('loan', 'manual');
    expect(record.status).toBe('completed');

    const alertId = newAlertId(NOW);
    incidentId = newIncidentId(NOW);
    const c: AlertCandidate = {
      source: 'rule', rule_id: 'data-drift-critical', model_id: 'loan', metric: 'data_drift.psi.income', value: 3.2, threshold: 0.25, severity: 'CRITICAL', component: 'model',
      title: 'PSI of income', message: 'drift', affected_groups: [], labels: {}, monitoring_record_id: record.record_id, period: { start: record.period_start, end: record.period_end }, channels: [],
    };
    const incident = openIncident(incidentId, c, alertId, NOW);
    const alert: Alert = {
      alert_id: alertId, incident_id: incidentId, model_id: 'loan', rule_id: c.rule_id, metric_name: c.metric, metric_value: c.value, threshold: c.threshold, severity: 'CRITICAL', status: 'sent', source: 'rule',
      component: 'model', title: c.title, message: c.message, created_at: NOW, acknowledged: true, acknowledged_by: 'ann', acknowledged_at: NOW + 1, acknowledgment_notes: 'looking', resolved_at: null,
      fingerprint: null, channels_notified: ['ops'], labels: {}, affected_groups: [], monitoring_record_id: record.record_id,
    };
    await store.alerting.insertIncident(incident);
    await store.alerting.insertAlert(alert);
    await store.alerting.insertDeliveries(outboxRows({ kind: 'trigger', alert, incident }, ['ops'], 1, NOW));
    await new AuditLog(store).record(ACTOR, { action: 'alert.acknowledge', target_type: 'alert', target_id: alertId, details: { notes: 'looking' } });
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('bundles everything with a manifest of hashes, sets exported_at, audits, releases the hold, and verifies', async () => {
    const holds = new LegalHolds(store);
    expect((await holds.list()).map((h) => h.incident_id)).toEqual([incidentId]);
    clock.now = NOW + HOUR_MS;
    const result = await exportEvidence(store, incidentId, { dir: join(dir, 'bundles'), actor: ACTOR, audit: new AuditLog(store, () => clock.now), holds, clock: () => clock.now });
    expect(existsSync(result.path)).toBe(true);
    expect(result.manifest.files.map((f) => f.path)).toEqual([
      'incident.json', 'alerts.json', 'deliveries.json', 'monitoring-record.json', 'report.json', 'report.html', 'baseline.json', 'baseline-data.bin', 'model.json', 'audit.json', 'predictions.ndjson', 'outcomes.ndjson',
    ]);
    const rows = Object.fromEntries(result.manifest.files.map((f) => [f.path, f.rows]));
    expect(rows['predictions.ndjson']).toBe(ROWS);
    expect(rows['outcomes.ndjson']).toBe(300);
    expect(rows['alerts.json']).toBe(1);
    expect(rows['deliveries.json']).toBe(1);

    const files = await unpack(result.path);
    const preds = files.get('predictions.ndjson')!.toString('utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(new Set(preds.map((p) => p.prediction_id)).size).toBe(ROWS);
    expect(preds[0]).toMatchObject({ model_id: 'loan', model_version: 'v1', metadata: { latency_ms: expect.any(Number) }, prediction: { label: expect.any(String) } });
    expect(preds.every((p) => Date.parse(p.timestamp) >= NOW - 24 * HOUR_MS && Date.parse(p.timestamp) < NOW)).toBe(true);
    expect(JSON.parse(files.get('alerts.json')!.toString())[0]).toMatchObject({ acknowledged: true, acknowledged_by: 'ann' });
    expect(JSON.parse(files.get('incident.json')!.toString())).toMatchObject({ incident_id: incidentId, exported_at: null, legal_hold: { incident_id: incidentId } });
    expect(files.get('report.html')!.toString()).toMatch(/^<!DOCTYPE html>/i);
    expect(JSON.parse(files.get('audit.json')!.toString()).map((a: { action: string }) => a.action)).toContain('alert.acknowledge');

    expect(await store.lifecycle.incidentExportedAt(incidentId)).toBe(NOW + HOUR_MS);
    expect(await holds.list()).toEqual([]);
    const audit = (await store.alerting.listAudit({ limit: 5, action: 'incident.export' })).items[0];
    expect(audit).toMatchObject({ actor: 'key:auditor', target_id: incidentId, details: { bundle_id: result.bundle_id, sha256: result.sha256, first_export: true } });
    expect((await store.lifecycle.getBundle(result.bundle_id))?.sha256).toBe(result.sha256);

    const verdict = await verifyBundle(result.path, { expectedSha256: result.sha256 });
    expect(verdict.problems).toEqual([]);
    expect(verdict).toMatchObject({ ok: true, bundle_id: result.bundle_id, incident_id: incidentId, archive_sha256: result.sha256 });
    expect(verdict.files).toHaveLength(12);
  });

  it('a tampered or truncated bundle, or one that is not the recorded archive, fails verification naming the file', async () => {
    const [bundle] = await store.lifecycle.bundlesOf(incidentId);
    const tar = gunzipSync(readFileSync(bundle.path));
    const at = tar.indexOf('"prediction_id":"p-');
    expect(at).toBeGreaterThan(0);
    const tampered = Buffer.from(tar);
    tampered[at + 20] = tampered[at + 20] === 0x31 ? 0x32 : 0x31; // one digit of one prediction id
    const bad = join(dir, 'tampered.tar.gz');
    writeFileSync(bad, gzipSync(tampered));
    const v = await verifyBundle(bad);
    expect(v.ok).toBe(false);
    expect(v.problems).toHaveLength(1);
    expect(v.problems[0]).toMatch(/^predictions\.ndjson: SHA-256 [0-9a-f]{64} differs from the manifest's/);
    expect(v.files.find((f) => !f.ok)?.path).toBe('predictions.ndjson');

    const cut = join(dir, 'cut.tar.gz');
    writeFileSync(cut, gzipSync(tar.subarray(0, Math.floor(tar.length / 2))));
    const c = await verifyBundle(cut);
    expect(c.ok).toBe(false);
    expect(c.problems.join('\n')).toMatch(/damaged|missing/);

    const original = await verifyBundle(bundle.path, { expectedSha256: '0'.repeat(64) });
    expect(original.ok).toBe(false);
    expect(original.problems[0]).toMatch(/archive's SHA-256/);
  });
});
