import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newIncidentId } from '../alerting/ids.js';
import { openIncident, resolveIncident } from '../alerting/incident-lifecycle.js';
import type { AlertCandidate, Incident } from '../alerting/types.js';
import { DEFAULT_SETTINGS, type Model, parseModelSchema } from '../domain/model-schema.js';
import { DAY_MS, HOUR_MS } from '../domain/time.js';
import type { FieldProblem } from '../errors/catalog.js';
import { PredictionBuilder } from '../ingest/prediction-builder.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { LegalHolds, keptRange } from './legal-hold.js';
import { runRetention } from './retention.js';

const NOW = Date.UTC(2026, 4, 20, 12);
const AGES = [40, 30, 20, 15, 5]; // days before NOW, 50 predictions each
const DAY = (age: number) => NOW - age * DAY_MS;

describe('retention with legal holds', () => {
  let dir: string;
  let store: SqliteStore;
  const model: Model = {
    model_id: 'held',
    name: 'held',
    description: '',
    schema_version: 1,
    schema: parseModelSchema({ task: 'binary_classification', labels: ['no', 'yes'], features: [{ name: 'x', type: 'numeric' }] }),
    settings: { ...DEFAULT_SETTINGS, retention_days: 10 },
    created_at: 0,
    updated_at: 0,
  };

  const incident = (periodAgeDays: number, id = newIncidentId(NOW)): Incident => {
    const c: AlertCandidate = {
      source: 'rule',
      rule_id: 'r',
      model_id: 'held',
      metric: 'data_drift.psi.x',
      value: 0.4,
      threshold: 0.25,
      severity: 'CRITICAL',
      component: 'model',
      title: 'psi',
      message: '',
      affected_groups: [],
      labels: {},
      monitoring_record_id: 'MON-1',
      // a 24-hour analysis window ending at noon of that day: it touches two UTC days
      period: { start: DAY(periodAgeDays) - 24 * HOUR_MS, end: DAY(periodAgeDays) },
      channels: [],
    };
    return openIncident(id, c, 'ALT-1', NOW - periodAgeDays * DAY_MS);
  };
  const days = async () => (await store.countPredictionsByDay('held', 0, NOW + DAY_MS)).map((d) => [d.day, d.count]);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dw-hold-'));
    store = SqliteStore.open({ path: join(dir, 'h.db'), blockWriter: null });
    await store.migrate();
    await store.createModel(model);
    for (const age of AGES) {
      const b = new PredictionBuilder(model, 50, NOW);
      const problems: FieldProblem[] = [];
      // the day of DAY(age) and the afternoon of the day before
      for (let i = 0; i < 50; i++) b.add({ prediction_id: `${age}-${i}`, timestamp: DAY(age) - 11 * HOUR_MS + i * 60_000 - (i % 2) * 6 * HOUR_MS, features: { x: i }, prediction: { label: 'yes' } }, i, problems);
      expect(problems).toEqual([]);
      await store.writePredictions([{ model_id: 'held', schema_version: 1, columns: b.build() }]);
    }
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('an open incident keeps its analysis period; everything else past retention goes; the run is audited with counts', async () => {
    const open = incident(20);
    await store.alerting.insertIncident(open);
    // an exported incident and one without a period hold nothing
    const exported = incident(30);
    await store.alerting.insertIncident(exported);
    await store.lifecycle.markIncidentExported(exported.incident_id, NOW - DAY_MS);
    await store.alerting.insertIncident({ ...incident(40), period_start: null, period_end: null });

    const holds = new LegalHolds(store);
    const listed = await holds.list();
    expect(listed.map((h) => h.incident_id)).toEqual([open.incident_id]);
    expect(listed[0]).toMatchObject({ model_id: 'held', incident_status: 'open', kept_days: { first: '2026-04-29', last: '2026-04-30' }, exported_at: null, released_by: ['export', 'resolution'] });

    const before = await days();
    const result = await runRetention(store, { clock: () => NOW, batchSize: 20 });
    expect(result.status).toBe('succeeded');
    expect(result.held).toEqual({ held: [open.incident_id] });
    // ages 40, 30, 15 deleted; 20 (held) and 5 (recent) kept
    expect(result.deleted.held).toBe(150);
    const after = await days();
    const keptDays = new Set(after.map(([d]) => d));
    expect(keptDays).toEqual(new Set(['2026-04-29', '2026-04-30', '2026-05-14', '2026-05-15']));
    expect(after.reduce((s, [, n]) => s + (n as number), 0)).toBe(100);
    expect(before.reduce((s, [, n]) => s + (n as number), 0)).toBe(250);

    const audit = (await store.alerting.listAudit({ limit: 5, action: 'retention.run' })).items;
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor: 'system', target_id: result.run_id, details: { total_deleted: 150, deleted: { held: 150 }, held: { held: [open.incident_id] } } });
  });

  it('resolution releases the hold (and export does when resolution is not enough)', async () => {
    const [open] = (await new LegalHolds(store).list()).map((h) => h.incident_id);
    const inc = (await store.alerting.getIncident(open))!;
    await store.alerting.updateIncident(resolveIncident(inc, 'ann', null, NOW, false));
    // with release_on [export], a resolved incident still holds until exported
    const strict = new LegalHolds(store, ['export']);
    expect((await strict.list()).map((h) => h.incident_id)).toContain(open);
    expect(await new LegalHolds(store).list()).toEqual([]);
    const kept = await runRetention(store, { clock: () => NOW, holds: strict });
    expect(kept.total_deleted).toBe(0);
    const released = await runRetention(store, { clock: () => NOW });
    expect(released.deleted.held).toBe(50);
    expect((await days()).map(([d]) => d)).toEqual(['2026-05-14', '2026-05-15']);
  });

  it('keeps whole UTC days: a period ending at midnight does not hold the next day', () => {
    expect(keptRange(Date.UTC(2026, 0, 1, 12), Date.UTC(2026, 0, 3))).toEqual({ from: Date.UTC(2026, 0, 1), to: Date.UTC(2026, 0, 3) });
    expect(keptRange(Date.UTC(2026, 0, 1, 12), Date.UTC(2026, 0, 3, 0, 0, 1))).toEqual({ from: Date.UTC(2026, 0, 1), to: Date.UTC(2026, 0, 4) });
  });
});
