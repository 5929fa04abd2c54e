import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MonitoringService } from '../analysis/monitoring-service.js';
import { DEFAULT_SETTINGS, type Model, parseModelSchema } from '../domain/model-schema.js';
import { type FieldProblem } from '../errors/catalog.js';
import { PredictionBuilder } from '../ingest/prediction-builder.js';
import { AuditLog } from '../observability/audit.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { RegistryService } from './registry-service.js';

const T0 = Date.UTC(2026, 3, 1);
const ACTOR = { actor: 'key:test', request_id: 'req-1' };

const LOAN: Model = {
  model_id: 'loan',
  name: 'loan',
  description: '',
  schema_version: 1,
  schema: parseModelSchema({
    task: 'binary_classification',
    labels: ['approve', 'deny'],
    positive_label: 'approve',
    features: [
      { name: 'income', type: 'numeric', key: true },
      { name: 'gender', type: 'categorical', protected: true, privileged_group: 'm' },
    ],
    explanation_features: [],
  }),
  settings: { ...DEFAULT_SETTINGS },
  created_at: T0,
  updated_at: T0,
};

/** `n` predictions: group f approved at `fRate`, m at 0.5; latency `latencyMs`; optional actuals matching the prediction. */
function loanRows(n: number, o: { fRate?: number; latencyMs?: number; version?: string; from?: number; prefix?: string; actual?: boolean } = {}): Record<string, unknown>[] {
  return Array.from({ length: n }, (_, i) => {
    const gender = i % 2 ? 'f' : 'm';
    const rate = gender === 'f' ? (o.fRate ?? 0.5) : 0.5;
    const approve = (Math.floor(i / 2) % 100) / 100 < rate;
    const label = approve ? 'approve' : 'deny';
    return {
      prediction_id: `${o.prefix ?? 'r'}-${i}`,
      model_version: o.version ?? 'v1',
      timestamp: (o.from ?? T0 - 86_400_000) + i * 1000,
      features: { income: 1000 + i, gender },
      prediction: { label, probabilities: { approve: approve ? 0.7 : 0.3, deny: approve ? 0.3 : 0.7 } },
      metadata: { latency_ms: (o.latencyMs ?? 20) + (i % 10) },
      ...(o.actual ? { actual: i % 10 === 0 ? (approve ? 'deny' : 'approve') : label } : {}),
    };
  });
}

describe('registry service: stages, gates, rollback', () => {
  let dir: string;
  let store: SqliteStore;
  let registry: RegistryService;
  const clock = { now: T0 };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dw-registry-'));
    store = SqliteStore.open({ path: join(dir, 'r.db'), blockWriter: null });
    await store.migrate();
    await store.createModel(LOAN);
    const monitoring = new MonitoringService(store, () => clock.now);
    registry = new RegistryService(store, monitoring, new AuditLog(store, () => clock.now), () => clock.now);
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('registers, signs off and promotes a first version through the gates', async () => {
    const v1 = await registry.register('loan', { version: 'v1', stage: 'staging', artifact_uri: 's3://m/v1', metrics: { f1: 0.8 }, tags: ['xgboost', 'xgboost'], validation_set: loanRows(400) }, ACTOR);
    expect(v1).toMatchObject({ stage: 'staging', tags: ['xgboost'], created_by: 'key:test' });
    expect(v1.validation).toMatchObject({ rows: 400, latency_samples: 400 });
    expect(v1.validation!.latency_p95_ms).toBeCloseTo(29, 0);
    expect(v1.validation!.disparate_impact.gender).toBeCloseTo(1, 5);
    await expect(registry.promote('loan', 'v1', 'production', ACTOR)).rejects.toMatchObject({ status: 409, details: { failed_gates: ['sign_off'] } });
    clock.now += 1000;
    await registry.signOff('loan', 'v1', 'ann', 'reviewed', ACTOR);
    const done = await registry.promote('loan', 'v1', 'production', ACTOR);
    expect(done.version.stage).toBe('production');
    expect(done.replaced).toBeNull();
    expect(done.gates?.passed).toBe(true);
  });

  it('refuses a candidate that fails every gate, naming each with its value', async () => {
    clock.now += 1000;
    await registry.register('loan', { version: 'v2', stage: 'staging', metrics: { f1: 0.7 }, validation_set: loanRows(400, { fRate: 0.2, latencyMs: 150 }) }, ACTOR);
    let err: { status?: number; message?: string; details?: any } = {};
    try {
      await registry.promote('loan', 'v2', 'production', ACTOR);
    } catch (e) {
      err = e as typeof err;
    }
    expect(err.status).toBe(409);
    expect(err.details.failed_gates).toEqual(['primary_metric', 'disparate_impact', 'latency_p95', 'sign_off']);
    const byGate = Object.fromEntries(err.details.gates.gates.map((g: { gate: string }) => [g.gate, g]));
    expect(byGate.primary_metric).toMatchObject({ value: 0.7, threshold: { min: 0.8, production_version: 'v1' } });
    expect(byGate.disparate_impact.value.gender).toBeCloseTo(0.4, 5);
    expect(byGate.latency_p95.value).toBeGreaterThan(150);
    expect(err.message).toMatch(/^promotion of "v2" to production refused: primary_metric/);
    expect((await store.lifecycle.productionVersion('loan'))?.version).toBe('v1');
    const refused = (await registry.history('loan', 'v2')).filter((e) => e.kind === 'promotion_refused');
    expect(refused).toHaveLength(1);
    const audits = (await store.alerting.listAudit({ limit: 10, action: 'model_version.promotion_refused' })).items;
    expect(audits.map((a) => a.target_id)).toEqual(['loan@v2', 'loan@v1']);
    expect(audits[0].details.failed).toHaveLength(4);
  });

  it('promotes a better version (archiving the previous) and rolls back to it', async () => {
    clock.now += 1000;
    await registry.register('loan', { version: 'v3', stage: 'staging', metrics: { f1: 0.85 }, validation_set: loanRows(300, { fRate: 0.45 }) }, ACTOR);
    await registry.signOff('loan', 'v3', 'bob', null, ACTOR);
    const up = await registry.promote('loan', 'v3', 'production', ACTOR);
    expect(up.replaced?.version).toBe('v1');
    expect((await registry.list('loan')).map((v) => [v.version, v.stage])).toEqual([['v3', 'production'], ['v2', 'staging'], ['v1', 'archived']]);

    clock.now += 1000;
    const back = await registry.rollback('loan', ACTOR, 'v3 misbehaves');
    expect([back.version.version, back.replaced?.version]).toEqual(['v1', 'v3']);
    expect((await store.lifecycle.listVersions('loan', 'production')).map((v) => v.version)).toEqual(['v1']);
    expect((await store.lifecycle.getVersion('loan', 'v3'))?.stage).toBe('archived');
    const events = await registry.history('loan');
    expect(events.filter((e) => e.kind === 'rolled_back').map((e) => [e.version, e.from_stage, e.to_stage, e.details.rolled_back_from])).toEqual([['v1', 'archived', 'production', 'v3']]);
    // a second rollback goes back to the version rolled away from
    expect((await registry.rollback('loan', ACTOR)).version.version).toBe('v3');
  });

  it('refuses moves the stage rules forbid and a model without earlier production', async () => {
    await expect(registry.promote('loan', 'v2', 'staging', ACTOR)).rejects.toMatchObject({ status: 409 });
    await expect(registry.promote('loan', 'v3', 'archived', ACTOR)).rejects.toThrow(/leaves production when another version/);
    await expect(registry.register('loan', { version: 'v9', stage: 'production' }, ACTOR)).rejects.toMatchObject({ status: 400 });
    await expect(registry.register('loan', { version: 'v1' }, ACTOR)).rejects.toMatchObject({ code: 'conflict' });
    await store.createModel({ ...LOAN, model_id: 'fresh' });
    await expect(registry.rollback('fresh', ACTOR)).rejects.toThrow(/no production version/);
  });

  it('judges latency by the candidate’s own logged predictions when there are enough of them', async () => {
    clock.now = T0 + 3600_000;
    await registry.register('loan', { version: 'v4', stage: 'staging', metrics: { f1: 0.9 }, validation_set: loanRows(200) }, ACTOR);
    await registry.signOff('loan', 'v4', 'ann', null, ACTOR);
    expect((await registry.evaluate('loan', 'v4')).passed).toBe(true);
    const rows = loanRows(300, { version: 'v4', latencyMs: 180, from: T0, prefix: 'live' });
    const b = new PredictionBuilder(LOAN, rows.length, T0);
    const problems: FieldProblem[] = [];
    rows.forEach((r, i) => b.add(r, i, problems));
    expect(problems).toEqual([]);
    await store.writePredictions([{ model_id: 'loan', schema_version: 1, columns: b.build() }]);
    const report = await registry.evaluate('loan', 'v4');
    const latency = report.gates.find((g) => g.gate === 'latency_p95')!;
    expect(latency).toMatchObject({ passed: false, source: 'logged predictions of v4' });
    expect(latency.value).toBeGreaterThan(180);
    expect(report.gates.find((g) => g.gate === 'disparate_impact')!.source).toBe('logged predictions of v4 (300)');
  });
});
