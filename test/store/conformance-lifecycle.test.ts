import { describe, expect, it } from 'vitest';
import type { ModelVersion } from '../../src/registry/types.js';
import { CONFORMANCE_FACTORIES, DAY, T0, batchOf, createModel, rowsAt, useStore } from './conformance-helpers.js';

const HOUR = 3_600_000;

const version = (model_id: string, v: string, stage: ModelVersion['stage'], at: number): ModelVersion => ({
  model_id,
  version: v,
  stage,
  artifact_uri: `s3://models/${v}`,
  metrics: { f1: 0.8 },
  tags: ['xgboost'],
  description: '',
  validation: null,
  sign_off: null,
  created_by: 'key:k',
  created_at: at,
  updated_at: at,
  stage_changed_at: at,
});

describe.each(CONFORMANCE_FACTORIES)('store conformance: lifecycle ($label)', (factory) => {
  const store = useStore(factory);

  it('retention keeps the days of held periods (and their outcomes) and deletes the days around them', async () => {
    const model = await createModel(store());
    // days 0..5, 20 rows a day
    await store().writePredictions([0, 1, 2, 3, 4, 5].map((d) => batchOf(model, rowsAt(`d${d}`, 20, T0 + d * DAY + HOUR, 60_000))));
    await store().writeOutcomes(['d1-0', 'd2-3', 'd4-7'].map((id) => ({ model_id: model.model_id, prediction_id: id, label: 'a', value: null, timestamp: T0 + 9 * DAY, received_at: T0 + 9 * DAY, prediction_ts: null })));
    // held: mid-day 2 to mid-day 3 (days 2 and 3 kept whole); cutoff: day 5
    const keep = [{ from: T0 + 2 * DAY + 12 * HOUR, to: T0 + 3 * DAY + 6 * HOUR }];
    let deleted = 0;
    for (let i = 0; i < 20; i++) {
      const r = await store().deletePredictionsBefore(model.model_id, T0 + 5 * DAY, 30, keep);
      deleted += r.deleted;
      if (r.done) break;
    }
    expect(deleted).toBe(3 * 20);
    expect((await store().countPredictionsByDay(model.model_id, 0, T0 + 10 * DAY)).map((d) => d.day)).toEqual(['2026-01-03', '2026-01-04', '2026-01-06']);
    expect(await store().getOutcome(model.model_id, 'd1-0')).toBeNull();
    expect(await store().getOutcome(model.model_id, 'd2-3')).not.toBeNull();
    expect(await store().getOutcome(model.model_id, 'd4-7')).toBeNull();
    // a period ending exactly at midnight does not hold the next day
    const r = await store().deletePredictionsBefore(model.model_id, T0 + 5 * DAY, 1000, [{ from: T0 + 2 * DAY, to: T0 + 3 * DAY }]);
    expect(r.deleted).toBe(20);
  });

  it('stores versions with one production version per model, events in order, triggers once per key', async () => {
    const model = await createModel(store(), 'reg');
    const l = store().lifecycle;
    await l.insertVersion(version(model.model_id, '1', 'production', T0));
    await l.insertVersion(version(model.model_id, '2', 'staging', T0 + 1));
    await expect(l.insertVersion(version(model.model_id, '2', 'staging', T0 + 2))).rejects.toMatchObject({ code: 'conflict' });
    // the database itself refuses a second production version
    await expect(l.updateVersion({ ...version(model.model_id, '2', 'production', T0 + 1) })).rejects.toThrow();
    expect((await l.productionVersion(model.model_id))?.version).toBe('1');
    await store().transaction(async (tx) => {
      await tx.lifecycle.lock(model.model_id);
      await tx.lifecycle.updateVersion({ ...version(model.model_id, '1', 'archived', T0), stage_changed_at: T0 + 5 });
      await tx.lifecycle.updateVersion({ ...version(model.model_id, '2', 'production', T0 + 1), sign_off: { by: 'ann', at: T0 + 4, notes: null } });
    });
    expect((await l.productionVersion(model.model_id))?.sign_off).toEqual({ by: 'ann', at: T0 + 4, notes: null });
    expect((await l.listVersions(model.model_id)).map((v) => [v.version, v.stage])).toEqual([['2', 'production'], ['1', 'archived']]);

    const ev = { model_id: model.model_id, version: '2', from_stage: 'staging' as const, to_stage: 'production' as const, actor: 'cli', details: { gates: 4 } };
    await l.insertVersionEvent({ ...ev, event_id: 'e2', kind: 'stage_changed', at: T0 + 2 });
    await l.insertVersionEvent({ ...ev, event_id: 'e1', kind: 'registered', at: T0 + 1, from_stage: null });
    expect((await l.versionEvents(model.model_id)).map((e) => [e.event_id, e.kind, e.details])).toEqual([['e1', 'registered', { gates: 4 }], ['e2', 'stage_changed', { gates: 4 }]]);

    const trig = { trigger_id: 'RT-1', model_id: model.model_id, kind: 'data_drift' as const, fired_at: T0, dedup_key: 'data_drift:MON-1', reason: 'psi', record_id: 'MON-1', model_version: '2', actor: 'system', details: {} };
    expect(await l.insertTrigger(trig)).toBe(true);
    expect(await l.insertTrigger({ ...trig, trigger_id: 'RT-2' })).toBe(false);
    expect((await l.listTriggers(model.model_id)).map((t) => t.trigger_id)).toEqual(['RT-1']);

    expect(await l.getLifecycleConfig(model.model_id)).toBeNull();
    await l.saveLifecycleConfig(model.model_id, { gates: { sign_off: { enabled: false } } }, T0);
    await l.saveLifecycleConfig(model.model_id, { gates: { sign_off: { enabled: true } } }, T0 + 1);
    expect(await l.getLifecycleConfig(model.model_id)).toEqual({ gates: { sign_off: { enabled: true } } });
  });

  it('pages outcomes of a period in (prediction time, id) order and inserts snapshots once', async () => {
    const model = await createModel(store(), 'out');
    await store().writePredictions([batchOf(model, rowsAt('p', 7, T0, 1000).map((r, i) => ({ ...r, ts: T0 + Math.floor(i / 2) * 1000 })))]);
    await store().writeOutcomes(rowsAt('p', 7, 0, 0).map((r) => ({ model_id: model.model_id, prediction_id: r.id, label: 'a', value: null, timestamp: T0 + DAY, received_at: T0 + DAY, prediction_ts: null })));
    const seen: string[] = [];
    let after: [number, string] | null = null;
    for (;;) {
      const page = await store().lifecycle.outcomePage(model.model_id, T0, T0 + 3000, after, 2);
      if (page.length === 0) break;
      seen.push(...page.map((o) => o.prediction_id));
      const last = page[page.length - 1];
      after = [last.prediction_ts!, last.prediction_id];
    }
    expect(seen).toEqual(['p-0', 'p-1', 'p-2', 'p-3', 'p-4', 'p-5']);

    const snap = { snapshot_id: 'h1', model_id: model.model_id, kind: 'health' as const, ts: T0, model_version: 'v1', name: null, value: null, body: { accuracy: 0.9 }, source: 'health_snapshots.jsonl:1', imported_at: T0 };
    expect(await store().lifecycle.insertSnapshots([snap, { ...snap, snapshot_id: 'h2', ts: T0 - 1 }])).toHaveLength(2);
    expect(await store().lifecycle.insertSnapshots([snap])).toEqual([]);
    expect((await store().lifecycle.listSnapshots({ model_id: model.model_id, kind: 'health', limit: 10 })).map((s) => s.snapshot_id)).toEqual(['h2', 'h1']);
  });
});
