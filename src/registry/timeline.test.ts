import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newAlertId, newIncidentId } from '../alerting/ids.js';
import { openIncident, resolveIncident } from '../alerting/incident-lifecycle.js';
import { MonitoringService } from '../analysis/monitoring-service.js';
import { DEFAULT_SETTINGS, type Model, parseModelSchema } from '../domain/model-schema.js';
import { AuditLog } from '../observability/audit.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { RegistryService } from './registry-service.js';
import { modelTimeline } from './timeline.js';

const T0 = Date.UTC(2026, 7, 1);
const MIN = 60_000;

describe('model timeline', () => {
  let dir: string;
  let store: SqliteStore;
  const clock = { now: T0 };
  const model: Model = {
    model_id: 'm',
    name: 'm',
    description: '',
    schema_version: 1,
    schema: parseModelSchema({ task: 'regression', features: [{ name: 'x', type: 'numeric' }] }),
    settings: { ...DEFAULT_SETTINGS },
    created_at: 0,
    updated_at: 0,
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dw-timeline-'));
    store = SqliteStore.open({ path: join(dir, 't.db'), blockWriter: null });
    await store.migrate();
    await store.createModel(model);
    const monitoring = new MonitoringService(store, () => clock.now);
    const registry = new RegistryService(store, monitoring, new AuditLog(store, () => clock.now), () => clock.now);
    const actor = { actor: 'key:k', request_id: null };
    await registry.register('m', { version: '1', stage: 'staging', metrics: { mae: 2 } }, actor);
    clock.now += MIN;
    const rows = Array.from({ length: 50 }, (_, i) => ({ timestamp: T0, features: { x: i }, prediction: { value: i }, metadata: { latency_ms: 5 } }));
    await monitoring.createBaselineFromRows('m', rows, { model_version: '1' });
    clock.now += MIN;
    await registry.recordDeployment('m', '1', undefined, actor, { via: 'test' });
    clock.now += MIN;
    const inc = openIncident(newIncidentId(clock.now), { source: 'rule', rule_id: 'r', model_id: 'm', metric: 'performance.mae.drop', value: 0.3, threshold: 0.1, severity: 'CRITICAL', component: 'model', title: 'CRITICAL drift incident: m', message: '', affected_groups: [], labels: {}, monitoring_record_id: 'MON-1', period: null, channels: [] }, newAlertId(clock.now), clock.now);
    await store.alerting.insertIncident(inc);
    clock.now += MIN;
    await store.alerting.updateIncident(resolveIncident(inc, 'ann', 'fixed', clock.now, false));
    clock.now += MIN;
    await store.lifecycle.insertTrigger({ trigger_id: 'RT-1', model_id: 'm', kind: 'manual', fired_at: clock.now, dedup_key: 'manual:1', reason: 'asked', record_id: null, model_version: '1', actor: 'key:k', details: {} });
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists versions, deployments, baselines, incidents and triggers, newest first', async () => {
    const items = await modelTimeline(store, 'm');
    expect(items.map((e) => `${e.type}:${e.event}`)).toEqual(['trigger:retrain.recommended', 'incident:resolved', 'incident:opened', 'deploy:deployed', 'baseline:created', 'version:registered']);
    expect(items[0]).toMatchObject({ at: new Date(T0 + 5 * MIN).toISOString(), refs: { trigger_id: 'RT-1', version: '1' } });
    expect(items[3]).toMatchObject({ title: '1: deployed (staging → production)', details: { via: 'test', gates_passed: false } });
    expect(items[4].refs).toMatchObject({ version: '1' });
    // a range and a limit
    expect((await modelTimeline(store, 'm', { from: T0 + 2 * MIN, to: T0 + 4 * MIN })).map((e) => e.event)).toEqual(['opened', 'deployed']);
    expect(await modelTimeline(store, 'm', { limit: 2 })).toHaveLength(2);
  });
});
