import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqliteFactory } from '../store/store-fixtures.js';
import { DEFAULT_SETTINGS, parseModelSchema, type Model } from '../../src/domain/model-schema.js';
import { GroupCommitWriter } from '../../src/ingest/group-commit.js';
import { IngestService } from '../../src/ingest/ingest-service.js';
import { LOAN_MODEL, loanTraffic } from '../../src/demo/loan-model.js';
import type { Store } from '../../src/store/store.js';
import { MonitoringService } from '../../src/analysis/monitoring-service.js';
import type { Finding } from '../../src/analysis/types.js';

const NOW = Date.UTC(2026, 10, 20, 12);
const HOUR = 3_600_000;

describe('monitoring service: baseline and analysis', () => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let ingest: IngestService;
  let monitoring: MonitoringService;

  beforeAll(async () => {
    ({ store, cleanup } = await sqliteFactory.create());
    const schema = parseModelSchema(LOAN_MODEL as unknown as Record<string, unknown>);
    const model: Model = { model_id: LOAN_MODEL.model_id, name: 'loan', description: '', schema_version: 1, schema, settings: DEFAULT_SETTINGS, created_at: NOW, updated_at: NOW };
    await store.createModel(model);
    ingest = new IngestService(store, new GroupCommitWriter(store), () => NOW);
    monitoring = new MonitoringService(store, () => NOW);
    const validation = loanTraffic(5000, { seed: 1, from: NOW - 30 * 24 * HOUR, to: NOW - 29 * 24 * HOUR });
    const rows = validation.predictions.map((p, i) => ({ ...p, actual: validation.outcomes[i].actual }));
    const b = await monitoring.createBaselineFromRows(LOAN_MODEL.model_id, rows, { model_version: '2.3.0' });
    expect(b.is_active).toBe(true);
  });
  afterAll(async () => cleanup());

  const flagged = (findings: Finding[]) => findings.filter((f) => f.severity !== 'INFO').map((f) => f.metric);

  it('skips a window with too few predictions, saying why', async () => {
    const r = await monitoring.analyze(LOAN_MODEL.model_id, 'manual');
    expect(r.status).toBe('skipped');
    expect(String(r.body.skipped_reason)).toMatch(/at least 200/);
  });

  it('finds nothing in clean traffic', async () => {
    const clean = loanTraffic(10_000, { seed: 2, from: NOW - 24 * HOUR, to: NOW, idPrefix: 'clean-' });
    await ingest.ingestPredictions(clean.predictions.map((p) => ({ ...p, model_id: LOAN_MODEL.model_id })), { partial: false });
    await ingest.ingestOutcomes(clean.outcomes, { partial: false });
    const r = await monitoring.analyze(LOAN_MODEL.model_id, 'manual');
    expect(r.status).toBe('completed');
    expect(flagged(r.body.findings as Finding[])).toEqual([]);
    expect(r.max_severity).toBe('INFO');
  });

  it('flags the planted income shift and the fairness regression for female applicants', async () => {
    const later = NOW + 48 * HOUR;
    const drifted = loanTraffic(10_000, { seed: 3, from: later - 24 * HOUR, to: later, idPrefix: 'drift-', incomeShift: 1.6, femaleApprovalFactor: 0.55 });
    await ingest.ingestPredictions(drifted.predictions.map((p) => ({ ...p, model_id: LOAN_MODEL.model_id })), { partial: false });
    const r = await monitoring.analyze(LOAN_MODEL.model_id, 'manual', { now: later });
    expect(r.status).toBe('completed');
    const findings = r.body.findings as Finding[];
    const bad = flagged(findings);
    expect(bad).toContain('data_drift.psi.income');
    expect(bad.filter((m) => m.startsWith('data_drift.psi.'))).toEqual(['data_drift.psi.income']);
    const di = findings.find((f) => f.metric === 'fairness.disparate_impact.gender')!;
    expect(di.severity).toBe('CRITICAL');
    expect(di.affected_groups).toEqual(['female']);
    expect(r.max_severity).toBe('CRITICAL');
  });
});
