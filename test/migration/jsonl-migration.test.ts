import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateFromJsonl } from '../../src/migration/jsonl-migration.js';
import { formatMigrationSummary, type FileSummary, type MigrationSummary } from '../../src/migration/migration-summary.js';
import type { Store } from '../../src/store/store.js';
import { STORE_FACTORIES } from '../store/store-fixtures.js';
import { type LegacyDir, writeLegacyDir } from './legacy-dir.js';

const file = (s: MigrationSummary, name: string): FileSummary => s.files.find((f) => f.file === name)!;
const linesOf = (f: FileSummary, reason: RegExp) => f.reasons.filter((r) => reason.test(r.reason)).flatMap((r) => r.lines);

/** Everything the migration could have written, in a comparable form. */
async function snapshot(store: Store, modelId: string) {
  const alerts = (await store.alerting.listAlerts({ limit: 1000, model_id: modelId })).items.map((a) => [a.alert_id, a.status, a.acknowledged, a.acknowledged_by, a.acknowledged_at]);
  return {
    predictions: await store.countPredictions(modelId, 0, 8.64e15),
    outcomes: (await store.scanOutcomes(modelId, 0, 8.64e15)).map((o) => [o.prediction_id, o.label, o.timestamp, o.received_at]).sort(),
    alerts: alerts.sort(),
    rules: (await store.alerting.listRules()).filter((r) => r.rule_id.startsWith('legacy-')).map((r) => [r.rule_id, r.metric, r.cooldown_ms, r.updated_at]),
    states: (await store.alerting.ruleStates(modelId)).map((s) => [s.rule_id, s.metric, s.last_fired_at]).sort(),
    snapshots: (await store.lifecycle.listSnapshots({ model_id: modelId, limit: 10_000 })).map((s) => [s.snapshot_id, s.kind, s.ts, s.imported_at]),
  };
}

describe.each(STORE_FACTORIES)('migrate --from-jsonl ($name)', (factory) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let dir: string;
  let legacy: LegacyDir;
  let first: MigrationSummary;

  beforeAll(async () => {
    ({ store, cleanup } = await factory.create());
    dir = mkdtempSync(join(tmpdir(), 'dw-legacy-'));
    legacy = writeLegacyDir(join(dir, 'monitoring'));
    first = await migrateFromJsonl(store, { dir: legacy.dir, modelId: 'f1-predictor', batchSize: 128, clock: () => Date.UTC(2026, 0, 1) });
  });
  afterAll(async () => {
    await cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates the model from the predictions and imports every valid prediction once, converting timestamps', async () => {
    expect(first.model_created).toBe(true);
    const model = (await store.getModel('f1-predictor'))!;
    expect(model.schema.task).toBe('multiclass_classification');
    expect(model.schema.labels).toEqual(['dnf', 'podium', 'points', 'win']);
    expect(Object.fromEntries(model.schema.features.map((f) => [f.name, f.type]))).toEqual({ grid_position: 'numeric', team: 'categorical', wet: 'boolean', driver_age: 'numeric' });
    const p = file(first, 'predictions.jsonl');
    expect(p.imported).toBe(legacy.predictionIds.size);
    expect(await store.countPredictions('f1-predictor', 0, 8.64e15)).toBe(legacy.predictionIds.size);
    // isoformat() without a zone (microseconds), epoch seconds and ISO with Z all land on the same instants
    const t0 = Date.UTC(2024, 11, 1, 9);
    for (const i of [0, 1, 2, 300]) expect((await store.getPrediction('f1-predictor', `pred_${i}`))!.timestamp).toBe(t0 + i * 60_000);
    const dup = (await store.getPrediction('f1-predictor', 'pred_7'))!;
    expect(dup.prediction.confidence).not.toBe(0.01); // the first line with the id won
    expect(dup.metadata).toEqual({ latency_ms: 10, source: 'streamlit' });
    expect(first.outcomes).toBe(60);
    expect((await store.getOutcome('f1-predictor', 'pred_10'))?.label).toBe('dnf');
  });

  it('reports every bad line with its line number and accounts for every line', () => {
    const p = file(first, 'predictions.jsonl');
    expect(linesOf(p, /^not valid JSON$/)).toEqual(legacy.badLines.malformed);
    expect(linesOf(p, /^duplicate prediction_id/)).toEqual(legacy.badLines.duplicates);
    expect(linesOf(p, /^prediction_id is missing/)).toEqual(legacy.badLines.noId);
    expect(linesOf(p, /^prediction\.label: is required/)).toEqual(legacy.badLines.noLabel);
    const bad = Object.values(legacy.badLines).flat().length;
    expect(p).toMatchObject({ read: legacy.predictionIds.size + bad, skipped: bad, unchanged: 0 });
    for (const f of first.files) expect(f.imported + f.unchanged + f.updated + f.skipped).toBe(f.read);
    expect(file(first, 'metrics.jsonl')).toMatchObject({ read: 31, imported: 30, skipped: 1, reasons: [{ reason: 'duplicate of an earlier line', lines: [31] }] });
    expect(file(first, 'health_snapshots.jsonl')).toMatchObject({ read: 12, imported: 12, skipped: 0 });
    const text = formatMigrationSummary(first);
    expect(text).toContain(`predictions.jsonl: ${legacy.badLines.duplicates.length} skipped: duplicate prediction_id`);
    expect(text).toMatch(/every record accounted for/);
  });

  it('keeps acknowledgments and derives the rules’ cooldown state', async () => {
    const a = file(first, 'alerts.jsonl');
    expect(a).toMatchObject({ read: 41, imported: 40, skipped: 1, reasons: [{ reason: 'not valid JSON', lines: [legacy.alerts.malformedLine] }] });
    const alerts = (await store.alerting.listAlerts({ limit: 1000, model_id: 'f1-predictor' })).items;
    expect(alerts).toHaveLength(40);
    const acked = alerts.filter((x) => x.acknowledged);
    expect(acked).toHaveLength(legacy.alerts.acknowledged);
    expect(acked.every((x) => x.status === 'acknowledged' && /^ops-[01]$/.test(x.acknowledged_by!) && x.acknowledged_at === x.created_at + 600_000)).toBe(true);
    expect(alerts.every((x) => /^ALT-2024-[0-9A-Z]{26}$/.test(x.alert_id) && x.labels.legacy_alert_id?.startsWith('alert_'))).toBe(true);
    // nothing was sent again: imported alerts have no deliveries
    expect(await store.outbox.listDeliveries({ limit: 10 })).toEqual([]);

    const r = file(first, 'alert_rules.json');
    expect(r).toMatchObject({ read: 3, imported: 2, skipped: 1 });
    expect(r.reasons[0]).toMatchObject({ reason: 'threshold must be a number', lines: [legacy.badRuleLine] });
    const rule = (await store.alerting.getRule('legacy-rule-acc'))!;
    expect(rule).toMatchObject({ metric: 'performance.accuracy', comparison: '<', threshold: 0.7, severity: 'WARNING', cooldown_ms: 3_600_000, models: ['f1-predictor'], channels: ['console', 'slack'] });
    const states = Object.fromEntries((await store.alerting.ruleStates('f1-predictor')).map((s) => [s.rule_id, s.last_fired_at]));
    expect(states['legacy-rule-acc']).toBe(legacy.lastAccuracyAlert);
    expect(states['legacy-rule-ece']).toBe(Date.UTC(2024, 11, 1, 9) + 99 * 86_400_000);
  });

  it('is idempotent: a second run writes nothing and says so', async () => {
    const before = await snapshot(store, 'f1-predictor');
    const again = await migrateFromJsonl(store, { dir: legacy.dir, modelId: 'f1-predictor', clock: () => Date.UTC(2026, 0, 2) });
    expect(again.model_created).toBe(false);
    expect(again.files.map((f) => [f.file, f.imported, f.updated])).toEqual(JSONL_FILES.map((f) => [f, 0, 0]));
    expect(file(again, 'predictions.jsonl').unchanged).toBe(legacy.predictionIds.size);
    expect(file(again, 'predictions.jsonl').skipped).toBe(file(first, 'predictions.jsonl').skipped);
    expect(await snapshot(store, 'f1-predictor')).toEqual(before);
  });
});

const JSONL_FILES = ['predictions.jsonl', 'metrics.jsonl', 'health_snapshots.jsonl', 'alerts.jsonl', 'alert_rules.json'];
