import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MonitoringService } from '../analysis/monitoring-service.js';
import { DEFAULT_SETTINGS, type Model, parseModelSchema } from '../domain/model-schema.js';
import { AuditLog } from '../observability/audit.js';
import type { MonitoringRecordRow } from '../store/monitoring-store.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { RegistryService } from './registry-service.js';
import { TriggerService } from './trigger-service.js';

const TICK = Date.UTC(2026, 6, 1);
const HOUR = 3_600_000;

const model = (id: string): Model => ({
  model_id: id,
  name: id,
  description: '',
  schema_version: 1,
  schema: parseModelSchema({ task: 'regression', features: [{ name: 'x', type: 'numeric', key: true }] }),
  settings: { ...DEFAULT_SETTINGS },
  created_at: TICK - 90 * 24 * HOUR,
  updated_at: 0,
});

const drifted = (id: string, at: number): MonitoringRecordRow => ({
  record_id: id, model_id: 'a', status: 'completed', timestamp: at, period_start: at - 24 * HOUR, period_end: at, sample_count: 1000, baseline_id: null,
  aggregated_score: 0.4, max_severity: 'CRITICAL', duration_ms: 1, trigger: 'schedule', error: null,
  body: { metrics: { data_drift: { psi: { x: { value: 0.5, severity: 'CRITICAL' } } }, performance: { primary_metric: 'mae', drop: { value: 0.3 } } } },
});

describe('trigger service', () => {
  let dir: string;
  let store: SqliteStore;
  let triggers: TriggerService;
  let rings = 0;
  const clock = { now: TICK + HOUR };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dw-triggers-'));
    store = SqliteStore.open({ path: join(dir, 't.db'), blockWriter: null });
    await store.migrate();
    for (const id of ['a', 'b', 'c']) await store.createModel(model(id));
    const audit = new AuditLog(store, () => clock.now);
    const registry = new RegistryService(store, new MonitoringService(store), audit, () => clock.now);
    await store.lifecycle.saveLifecycleConfig('b', { triggers: { schedule: { enabled: false } } }, 0);
    await store.lifecycle.saveLifecycleConfig('c', { triggers: { schedule: { cron: '0 0 * * 1' } } }, 0); // Mondays; 2026-07-01 is a Wednesday
    triggers = new TriggerService(store, registry, audit, { eventChannels: () => ['hook'], ring: () => rings++, clock: () => clock.now });
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the scheduled job recommends once per tick, for the models whose schedule is on and due', async () => {
    expect(await triggers.runScheduled()).toEqual({ fired: ['a'], checked: 3 });
    clock.now += HOUR;
    expect(await triggers.runScheduled()).toEqual({ fired: [], checked: 3 });
    const [t] = await store.lifecycle.listTriggers('a');
    expect(t).toMatchObject({ kind: 'schedule', dedup_key: 'schedule:2026-07-01T00:00:00.000Z', actor: 'system' });
    const rows = await store.outbox.listDeliveries({ limit: 10 });
    expect(rows.map((d) => [d.kind, d.channel, d.idempotency_key, d.alert_id, d.incident_id])).toEqual([['event', 'hook', `${t.trigger_id}:1:hook`, null, null]]);
    expect(rows[0].payload).toMatchObject({ event: 'retrain.recommended', model_id: 'a', data: { trigger: 'schedule' } });
    expect(rings).toBe(1);
  });

  it('drift and performance triggers cool down per kind; a manual one always fires', async () => {
    const first = await triggers.onRecord(drifted('MON-1', clock.now), model('a'));
    expect(first.map((o) => o.fired?.kind)).toEqual(['data_drift', 'performance_drop']);
    clock.now += 2 * HOUR;
    const second = await triggers.onRecord(drifted('MON-2', clock.now), model('a'));
    expect(second).toEqual([{ fired: null, reason: 'cooling_down' }, { fired: null, reason: 'cooling_down' }]);
    clock.now += 168 * HOUR;
    const later = await triggers.onRecord(drifted('MON-3', clock.now), model('a'));
    expect(later.map((o) => o.fired?.record_id)).toEqual(['MON-3', 'MON-3']);
    const manual = await triggers.manual('a', 'labels arrived', { actor: 'key:k', request_id: null });
    expect(manual).toMatchObject({ kind: 'manual', actor: 'key:k', reason: 'labels arrived' });
    expect((await store.lifecycle.listTriggers('a')).map((t) => t.kind)).toEqual(['manual', 'performance_drop', 'data_drift', 'performance_drop', 'data_drift', 'schedule']);
    await expect(triggers.manual('nope', 'x', { actor: 'key:k', request_id: null })).rejects.toMatchObject({ code: 'model_not_found' });
  });
});
