import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_FACTORIES } from '../store/store-fixtures.js';
import { expectErrorShape } from '../http/http-fixtures.js';
import { T0, type TestApp, json, req, startTestApp } from './http-fixtures.js';

const HOUR = 3_600_000;

/** Alertmanager's webhook body (version 4) for some alerts. */
const amPayload = (status: 'firing' | 'resolved', alerts: { fingerprint: string; labels: Record<string, string>; annotations?: Record<string, string>; status?: 'firing' | 'resolved' }[]) => ({
  version: '4',
  groupKey: '{}:{alertname="x"}',
  truncatedAlerts: 0,
  status,
  receiver: 'driftwatch',
  groupLabels: {},
  commonLabels: {},
  commonAnnotations: {},
  externalURL: 'http://alertmanager:9093',
  alerts: alerts.map((a) => ({ status, startsAt: new Date(T0).toISOString(), endsAt: '0001-01-01T00:00:00Z', generatorURL: 'http://prometheus/graph', annotations: {}, ...a })),
});

describe.each(STORE_FACTORIES.map((f) => [f.name, f] as const))('alerts and incidents over HTTP (%s)', (_name, factory) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(factory);
  });
  afterAll(async () => t.close());

  it('POST /alerts/trigger (Flow 4) records through the pipeline, opens an incident, and deduplicates a repeat', async () => {
    const body = { severity: 'CRITICAL', model_id: 'loan-approval-v2.3', component: 'fairness-job', metrics: [{ metric_name: 'demographic_parity_drift', value: 0.14, threshold: 0.1 }] };
    const first = json(await req(t, 'POST', '/api/v1/alerts/trigger', body, t.keys.ingest));
    expect(first.results).toHaveLength(1);
    expect(first.results[0]).toMatchObject({ metric_name: 'demographic_parity_drift', decision: 'recorded' });
    const incidentId = first.results[0].incident_id;
    expect(incidentId).toMatch(/^INC-2026-/);
    const again = json(await req(t, 'POST', '/api/v1/alerts/trigger', { ...body, incident_id: incidentId }, t.keys.ingest));
    expect(again.results[0]).toMatchObject({ decision: 'deduplicated', alert_id: null });

    const linked = json(await req(t, 'POST', '/api/v1/alerts/trigger', { ...body, incident_id: incidentId, severity: 'WARNING', metrics: [{ metric_name: 'equal_opportunity', value: 0.06 }] }, t.keys.ingest));
    expect(linked.results[0]).toMatchObject({ decision: 'recorded', incident_id: incidentId });
    expectErrorShape(await req(t, 'POST', '/api/v1/alerts/trigger', { ...body, incident_id: 'INC-2026-00000000000000000000000000' }, t.keys.ingest), 404, 'not_found');
    expectErrorShape(await req(t, 'POST', '/api/v1/alerts/trigger', body, t.keys.read), 403, 'forbidden');
    expectErrorShape(await req(t, 'POST', '/api/v1/alerts/trigger', { ...body, severity: 'LOUD' }, t.keys.ingest), 400, 'validation_failed');

    const incident = json(await req(t, 'GET', `/api/v1/incidents/${incidentId}`, undefined, t.keys.read));
    expect(incident).toMatchObject({ status: 'open', severity: 'CRITICAL', model_id: 'loan-approval-v2.3', component: 'fairness-job' });
    expect(incident.alerts.map((a: { metric_name: string }) => a.metric_name)).toEqual(['demographic_parity_drift', 'equal_opportunity']);
    expect(incident.deliveries.map((d: { kind: string; channel: string; sequence: number }) => `${d.sequence}:${d.kind}:${d.channel}`)).toEqual(['1:trigger:console', '2:trigger:console']);

    const decisions = json(await req(t, 'GET', '/api/v1/alerts/decisions?model_id=loan-approval-v2.3', undefined, t.keys.read));
    expect(decisions.items.map((d: { decision: string }) => d.decision)).toEqual(['recorded', 'deduplicated', 'recorded']);
  });

  it('lists alerts with filters, counts them, and acknowledges one (once)', async () => {
    const list = json(await req(t, 'GET', '/api/v1/alerts?model_id=loan-approval-v2.3&severity=CRITICAL', undefined, t.keys.read));
    expect(list.items).toHaveLength(1);
    const alertId = list.items[0].alert_id;
    t.clock.now = T0 + HOUR;
    const ack = json(await req(t, 'POST', `/api/v1/alerts/${alertId}/acknowledge`, { acknowledged_by: 'engineer_jane', notes: 'Investigating data pipeline change' }));
    expect(ack).toMatchObject({ already_acknowledged: false, alert: { acknowledged: true, status: 'acknowledged', acknowledged_at: new Date(T0 + HOUR).toISOString() }, incident: { status: 'investigating' } });
    expect(json(await req(t, 'POST', `/api/v1/alerts/${alertId}/acknowledge`, { acknowledged_by: 'x' })).already_acknowledged).toBe(true);
    expectErrorShape(await req(t, 'POST', `/api/v1/alerts/${alertId}/acknowledge`, { acknowledged_by: 'x' }, t.keys.read), 403);
    expectErrorShape(await req(t, 'POST', '/api/v1/alerts/ALT-2026-nope/acknowledge', { acknowledged_by: 'x' }), 404);
    expect(json(await req(t, 'GET', '/api/v1/alerts?acknowledged=true', undefined, t.keys.read)).items.map((a: { alert_id: string }) => a.alert_id)).toEqual([alertId]);
    const one = json(await req(t, 'GET', `/api/v1/alerts/${alertId}`, undefined, t.keys.read));
    expect(one.deliveries.map((d: { kind: string }) => d.kind)).toEqual(['trigger', 'acknowledge']);

    const stats = json(await req(t, 'GET', '/api/v1/alerts/statistics?model_id=loan-approval-v2.3', undefined, t.keys.read));
    expect(stats).toEqual({ total: 2, by_severity: { CRITICAL: 1, WARNING: 1, INFO: 0 }, by_status: { acknowledged: 1, pending: 1 }, by_component: { 'fairness-job': 2 }, acknowledged: 1, unacknowledged: 1 });
  });

  it('incidents: list with filters and paging, comment, resolve (once) with resolve notices', async () => {
    const list = json(await req(t, 'GET', '/api/v1/incidents?status=active&model_id=loan-approval-v2.3', undefined, t.keys.read));
    expect(list.items).toHaveLength(1);
    const id = list.items[0].incident_id;
    const commented = json(await req(t, 'POST', `/api/v1/incidents/${id}/comments`, { author: 'jane', text: 'upstream schema change in the income field' }), 201);
    expect(commented.response_actions.at(-1)).toMatchObject({ action: 'comment', taken_by: 'jane', notes: 'upstream schema change in the income field' });
    const r = json(await req(t, 'POST', `/api/v1/incidents/${id}/resolve`, { resolved_by: 'jane', notes: 'fixed the pipeline' }));
    expect(r).toMatchObject({ already_resolved: false, incident: { status: 'resolved', resolved_by: 'jane', resolution_notes: 'fixed the pipeline' } });
    expect(json(await req(t, 'POST', `/api/v1/incidents/${id}/resolve`, { resolved_by: 'bob' })).already_resolved).toBe(true);
    const full = json(await req(t, 'GET', `/api/v1/incidents/${id}`, undefined, t.keys.read));
    expect(full.deliveries.map((d: { kind: string }) => d.kind)).toEqual(['trigger', 'trigger', 'acknowledge', 'resolve']);
    expect(full.alerts.every((a: { status: string }) => a.status === 'resolved')).toBe(true);
    expect(json(await req(t, 'GET', '/api/v1/incidents?status=resolved', undefined, t.keys.read)).items.map((i: { incident_id: string }) => i.incident_id)).toContain(id);
    expectErrorShape(await req(t, 'GET', '/api/v1/incidents/INC-nope', undefined, t.keys.read), 404);
    const audit = json(await req(t, 'GET', `/api/v1/audit?target_id=${id}`));
    expect(audit.items.map((e: { action: string }) => e.action)).toEqual(['incident.resolve', 'incident.comment']);
  });

  it("Alertmanager's webhook: firing alerts join one incident per component, repeats dedup by fingerprint, resolved ones resolve it", async () => {
    const down = (instance: string) => ({ fingerprint: `fp-${instance}`, labels: { alertname: 'InstanceDown', job: 'model-server', instance, severity: 'critical' }, annotations: { summary: `${instance} is down`, description: 'no scrape for 5 minutes' } });
    const latency = { fingerprint: 'fp-lat', labels: { alertname: 'HighLatencyP99', model_id: 'loan-approval', component: 'serving', severity: 'warning' }, annotations: { summary: 'p99 latency 2.3 s', value: '2.3', threshold: '1' } };
    const fired = json(await req(t, 'POST', '/api/v1/integrations/alertmanager', amPayload('firing', [down('a:9100'), down('b:9100'), latency]), t.keys.ingest));
    expect(fired.firing.map((o: { decision: string }) => o.decision)).toEqual(['recorded', 'recorded', 'recorded']);
    const [a, b, lat] = fired.firing;
    expect(a.incident_id).toBe(b.incident_id);
    expect(lat.incident_id).toBeNull(); // WARNING: no incident of its own
    const alertA = json(await req(t, 'GET', `/api/v1/alerts/${a.alert_id}`, undefined, t.keys.read));
    expect(alertA).toMatchObject({ source: 'alertmanager', component: 'model-server', model_id: null, severity: 'CRITICAL', title: 'a:9100 is down', fingerprint: 'fp-a:9100', labels: { instance: 'a:9100' } });
    const latAlert = json(await req(t, 'GET', `/api/v1/alerts/${lat.alert_id}`, undefined, t.keys.read));
    expect(latAlert).toMatchObject({ metric_value: 2.3, threshold: 1, model_id: 'loan-approval', component: 'serving' });

    const repeat = json(await req(t, 'POST', '/api/v1/integrations/alertmanager', amPayload('firing', [down('a:9100')]), t.keys.ingest));
    expect(repeat.firing[0].decision).toBe('deduplicated');

    const partly = json(await req(t, 'POST', '/api/v1/integrations/alertmanager', amPayload('resolved', [down('a:9100')]), t.keys.ingest));
    expect(partly.resolved).toEqual([{ fingerprint: 'fp-a:9100', alert_ids: [a.alert_id], incidents_resolved: [] }]);
    expect(json(await req(t, 'GET', `/api/v1/incidents/${a.incident_id}`, undefined, t.keys.read)).status).toBe('open');
    const all = json(await req(t, 'POST', '/api/v1/integrations/alertmanager', amPayload('resolved', [down('b:9100'), latency]), t.keys.ingest));
    expect(all.resolved.map((r: { incidents_resolved: string[] }) => r.incidents_resolved)).toEqual([[a.incident_id], []]);
    const incident = json(await req(t, 'GET', `/api/v1/incidents/${a.incident_id}`, undefined, t.keys.read));
    expect(incident).toMatchObject({ status: 'resolved', resolved_by: 'alertmanager' });
    expect(incident.response_actions.map((x: { action: string }) => x.action)).toEqual(['opened', 'alert', 'cleared', 'resolved']);
    expect(incident.deliveries.map((d: { kind: string; sequence: number }) => `${d.sequence}:${d.kind}`)).toEqual(['1:trigger', '2:trigger', '3:resolve']);
    const latDeliveries = json(await req(t, 'GET', `/api/v1/alerts/${lat.alert_id}`, undefined, t.keys.read)).deliveries;
    expect(latDeliveries.map((d: { kind: string }) => d.kind)).toEqual(['trigger', 'resolve']);
    expectErrorShape(await req(t, 'POST', '/api/v1/integrations/alertmanager', { status: 'firing' }, t.keys.ingest), 400);
  });

  it('hostile text never reaches the store: NUL in filters is a 400, in ids a 404, in bodies a 400', async () => {
    for (const url of ['/api/v1/alerts?model_id=a%00b', '/api/v1/alerts?incident_id=%00', '/api/v1/alerts/statistics?model_id=%00', '/api/v1/incidents?model_id=%00', '/api/v1/alerts/decisions?rule_id=%00', '/api/v1/audit?actor=%00']) {
      expectErrorShape(await req(t, 'GET', url), 400, 'validation_failed');
    }
    for (const url of ['/api/v1/alerts/ALT%00', '/api/v1/incidents/INC%00', '/api/v1/rules/r%00', '/api/v1/silences/SIL%00']) {
      expectErrorShape(await req(t, 'GET', url), 404, 'not_found');
    }
    expectErrorShape(await req(t, 'POST', '/api/v1/alerts/trigger', { severity: 'INFO', model_id: 'm', metrics: [{ metric_name: 'x\u0000y' }] }, t.keys.ingest), 400, 'validation_failed');
    expectErrorShape(await req(t, 'POST', '/api/v1/alerts/trigger', { severity: 'INFO', model_id: 'm', metrics: [{ metric_name: 'x\ud800' }] }, t.keys.ingest), 400, 'validation_failed');
    expectErrorShape(await req(t, 'POST', '/api/v1/integrations/alertmanager', amPayload('firing', [{ fingerprint: 'f', labels: { alertname: 'a\u0000' } }]), t.keys.ingest), 400, 'validation_failed');
    expectErrorShape(await req(t, 'POST', '/api/v1/rules', { name: 'x', metric: 'a\u0000', severity: 'INFO' }), 400, 'validation_failed');
    expectErrorShape(await req(t, 'POST', '/api/v1/silences', { matchers: [{ label: 'metric', op: '=', value: '\u0000' }], ends_at: T0 + HOUR, created_by: 'x' }), 400, 'validation_failed');
  });
});
