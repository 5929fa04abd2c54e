import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_FACTORIES } from '../store/store-fixtures.js';
import { DAY, HOUR, LOAN, T0, logTraffic, registerLoan, validationRows } from '../e2e/monitoring-fixtures.js';
import { type TestApp, json, req, startTestApp } from './http-fixtures.js';

/**
 * From analysis to outbox over HTTP: a clean window raises nothing; a planted income shift (one
 * CRITICAL finding, PSI of income) opens exactly one incident with one alert and one outbox row
 * per channel; the same drift again adds the now-persistent warnings to that incident and no
 * second PSI alert; three clean analyses resolve it with resolve rows.
 */
describe.each(STORE_FACTORIES.map((f) => [f.name, f] as const))('analysis to incident to outbox (%s)', (_name, factory) => {
  let t: TestApp;
  let dir: string;
  const analyze = async () => json(await req(t, 'POST', '/api/v1/monitoring/analyze-now', { model_id: LOAN }));
  const incidents = async () => json(await req(t, 'GET', `/api/v1/incidents?model_id=${LOAN}`, undefined, t.keys.read)).items;
  const alerts = async () => json(await req(t, 'GET', `/api/v1/alerts?model_id=${LOAN}`, undefined, t.keys.read)).items;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dw-alerting-e2e-'));
    const file = join(dir, 'config.yaml');
    writeFileSync(file, 'alerting:\n  default_channels: [slack, webhook]\n  auto_resolve_after: 3\n');
    t = await startTestApp(factory, { DRIFTWATCH_CONFIG: file });
    await registerLoan(t);
    const rows = validationRows(5000, { seed: 1, from: T0 - 40 * DAY, to: T0 - 39 * DAY });
    json(await req(t, 'POST', '/api/v1/monitoring/baselines', { model_id: LOAN, validation_data: rows }), 201);
  });
  afterAll(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a clean window raises no alert', async () => {
    await logTraffic(t, 5_000, { seed: 2, from: T0 - DAY, to: T0, idPrefix: 'clean-' });
    const r = await analyze();
    expect(r.status).toBe('completed');
    expect(await alerts()).toEqual([]);
    expect(await incidents()).toEqual([]);
  });

  it('a planted CRITICAL finding opens exactly one incident, one alert and its outbox rows', async () => {
    t.clock.now = T0 + 2 * DAY;
    await logTraffic(t, 5_000, { seed: 3, from: t.clock.now - DAY, to: t.clock.now, idPrefix: 'drift1-', incomeShift: 1.3 });
    const r = await analyze();
    const critical = r.findings.filter((f: { severity: string }) => f.severity === 'CRITICAL').map((f: { metric: string }) => f.metric);
    expect(critical).toEqual(['data_drift.psi.income']);
    const [incident, ...twins] = await incidents();
    expect(twins).toEqual([]);
    expect(incident).toMatchObject({ status: 'open', severity: 'CRITICAL', component: 'model', monitoring_record_id: r.record_id, analysis_period: r.analysis_period });
    expect(incident.metrics_triggered).toEqual([expect.objectContaining({ metric_name: 'data_drift.psi.income', threshold: 0.25, severity: 'CRITICAL' })]);
    expect(incident.metrics_triggered[0].value).toBeGreaterThan(0.25);
    const list = await alerts();
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ alert_id: incident.alert_ids[0], rule_id: 'builtin.critical-findings', status: 'pending', incident_id: incident.incident_id, monitoring_record_id: r.record_id });
    const full = json(await req(t, 'GET', `/api/v1/incidents/${incident.incident_id}`, undefined, t.keys.read));
    expect(full.deliveries.map((d: { kind: string; channel: string; sequence: number }) => `${d.sequence}:${d.kind}:${d.channel}`)).toEqual(['1:trigger:slack', '1:trigger:webhook']);
  });

  it('the same drift again: the PSI alert is a duplicate, the persistent warnings join the incident', async () => {
    t.clock.now += 5 * HOUR; // within the 6 h dedup window (at 6 h a reminder would be due)
    const r = await analyze();
    const warnings = r.findings.filter((f: { severity: string }) => f.severity === 'WARNING').map((f: { metric: string }) => f.metric).sort();
    expect(warnings.length).toBeGreaterThan(0);
    const [incident, ...twins] = await incidents();
    expect(twins).toEqual([]);
    const list = await alerts();
    expect(list.filter((a: { metric_name: string }) => a.metric_name === 'data_drift.psi.income')).toHaveLength(1);
    expect(list.filter((a: { severity: string }) => a.severity === 'WARNING').map((a: { metric_name: string }) => a.metric_name).sort()).toEqual(warnings);
    expect(list.every((a: { incident_id: string }) => a.incident_id === incident.incident_id)).toBe(true);
    const decisions = json(await req(t, 'GET', `/api/v1/alerts/decisions?model_id=${LOAN}&decision=deduplicated`, undefined, t.keys.read)).items;
    expect(decisions.map((d: { metric: string }) => d.metric)).toEqual(['data_drift.psi.income']);
  });

  it('three clean analyses resolve the incident and queue resolve rows for its channels', async () => {
    for (let i = 0; i < 3; i++) {
      t.clock.now += 2 * DAY;
      await logTraffic(t, 3_000, { seed: 10 + i, from: t.clock.now - DAY, to: t.clock.now, idPrefix: `clean${i}-` });
      expect((await analyze()).max_severity).toBe('INFO');
    }
    const [incident] = await incidents();
    expect(incident).toMatchObject({ status: 'resolved', resolved_by: 'driftwatch' });
    const full = json(await req(t, 'GET', `/api/v1/incidents/${incident.incident_id}`, undefined, t.keys.read));
    expect(full.deliveries.filter((d: { kind: string }) => d.kind === 'resolve').map((d: { channel: string }) => d.channel)).toEqual(['slack', 'webhook']);
  });
});
