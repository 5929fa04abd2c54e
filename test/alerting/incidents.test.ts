import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/store.js';
import { BACKENDS, HOUR, T0, type Backend, type Services, finding, record, services, testModel } from './alerting-fixtures.js';

const SYSTEM = { actor: 'test', request_id: null };

describe.each(BACKENDS.map((b) => [b().name, b] as const))('incidents (%s)', (_name, makeBackend) => {
  let backend: Backend;
  let store: Store;
  let s: Services;
  const clock = { now: T0 };
  beforeAll(async () => {
    backend = makeBackend();
    store = await backend.open();
    s = await services(store, clock);
  });
  afterAll(async () => {
    await store.close();
    await backend.cleanup();
  });

  let seq = 0;
  const fresh = () => {
    const id = `m${seq++}`;
    return { id, model: testModel(id) };
  };
  const incidentsOf = async (modelId: string) => (await store.alerting.listIncidents({ limit: 50, model_id: modelId })).items;
  const deliveriesOf = async (incidentId: string) => (await store.alerting.deliveriesOf({ incident_id: incidentId })).map((d) => `${d.sequence}:${d.kind}:${d.channel}`);

  it('a later breach of another metric links to the open incident: one incident, two alerts, metrics_triggered with groups', async () => {
    const { id, model } = fresh();
    clock.now = T0;
    const first = await s.alerting.onRecord(record(id, [finding('data_drift.psi.income', 'CRITICAL', 0.41)], clock.now), model);
    clock.now += HOUR;
    const second = await s.alerting.onRecord(record(id, [finding('fairness.disparate_impact.gender', 'CRITICAL', 0.74, { threshold: 0.8, affected_groups: ['female'] })], clock.now), model);
    const [incident] = await incidentsOf(id);
    expect(await incidentsOf(id)).toHaveLength(1);
    expect(incident).toMatchObject({ status: 'open', severity: 'CRITICAL', component: 'model', monitoring_record_id: second.outcomes[0].candidate.monitoring_record_id });
    expect(incident.alert_ids).toEqual([first.outcomes[0].alert!.alert_id, second.outcomes[0].alert!.alert_id]);
    expect(incident.metrics_triggered.map((m) => [m.metric_name, m.value, m.threshold, m.affected_groups])).toEqual([
      ['data_drift.psi.income', 0.41, 0.25, []],
      ['fairness.disparate_impact.gender', 0.74, 0.8, ['female']],
    ]);
    expect(incident.response_actions.map((a) => a.action)).toEqual(['opened', 'alert']);
    expect(incident.period_end).toBe(T0);
    // one event per alert, one row per channel, sequenced per incident
    expect(await deliveriesOf(incident.incident_id)).toEqual(['1:trigger:pagerduty', '1:trigger:slack', '2:trigger:pagerduty', '2:trigger:slack']);
  });

  it('resolves itself after 3 clear analyses, and tells the channels that took its alerts', async () => {
    const { id, model } = fresh();
    clock.now = T0;
    await s.alerting.onRecord(record(id, [finding('data_drift.psi.income', 'CRITICAL')], clock.now), model);
    const [opened] = await incidentsOf(id);
    for (let i = 1; i <= 2; i++) {
      clock.now += HOUR;
      const r = await s.alerting.onRecord(record(id, [finding('data_drift.psi.income', 'INFO', 0.05)], clock.now), model);
      expect(r.resolved).toEqual([]);
    }
    expect((await store.alerting.getIncident(opened.incident_id))!.clear_count).toBe(2);
    // a skipped analysis says nothing about drift: it neither clears nor breaches
    clock.now += HOUR;
    await s.alerting.onRecord(record(id, [], clock.now, 'skipped'), model);
    expect((await store.alerting.getIncident(opened.incident_id))!.clear_count).toBe(2);
    clock.now += HOUR;
    const third = await s.alerting.onRecord(record(id, [finding('data_drift.psi.income', 'INFO', 0.05)], clock.now), model);
    expect(third.resolved.map((i) => i.incident_id)).toEqual([opened.incident_id]);
    const resolved = (await store.alerting.getIncident(opened.incident_id))!;
    expect(resolved).toMatchObject({ status: 'resolved', resolved_at: clock.now, resolved_by: 'driftwatch' });
    expect(resolved.response_actions.at(-1)).toMatchObject({ action: 'resolved', automatic: true });
    expect(await deliveriesOf(opened.incident_id)).toEqual(['1:trigger:pagerduty', '1:trigger:slack', '2:resolve:pagerduty', '2:resolve:slack']);
    expect((await store.alerting.alertsOfIncident(opened.incident_id)).map((a) => a.status)).toEqual(['resolved']);
  });

  it('a breach in between starts the clear count over', async () => {
    const { id, model } = fresh();
    clock.now = T0;
    const psi = (sev: 'CRITICAL' | 'INFO') => record(id, [finding('data_drift.psi.income', sev, sev === 'INFO' ? 0.01 : 0.4)], (clock.now += HOUR));
    await s.alerting.onRecord(psi('CRITICAL'), model);
    await s.alerting.onRecord(psi('INFO'), model);
    await s.alerting.onRecord(psi('INFO'), model);
    await s.alerting.onRecord(psi('CRITICAL'), model); // deduplicated, but still a breach
    await s.alerting.onRecord(psi('INFO'), model);
    await s.alerting.onRecord(psi('INFO'), model);
    const [incident] = await incidentsOf(id);
    expect(incident).toMatchObject({ status: 'open', clear_count: 2 });
    expect(incident.alert_ids).toHaveLength(1);
  });

  it('a breach soon after resolution reopens the incident (no twin); much later it opens a new one', async () => {
    const { id, model } = fresh();
    clock.now = T0;
    await s.alerting.onRecord(record(id, [finding('data_drift.psi.income', 'CRITICAL')], clock.now), model);
    const [first] = await incidentsOf(id);
    clock.now += HOUR;
    await s.incidents.resolve(first.incident_id, 'jane', 'rolled back the pipeline change', SYSTEM);
    clock.now += HOUR;
    const again = await s.alerting.onRecord(record(id, [finding('data_drift.psi.income', 'CRITICAL')], clock.now), model);
    expect(again.outcomes[0].decision).toBe('recorded'); // the earlier alert was resolved: not a duplicate
    const all = await incidentsOf(id);
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ incident_id: first.incident_id, status: 'open', resolved_at: null, resolved_by: null });
    expect(all[0].response_actions.map((a) => a.action)).toEqual(['opened', 'resolved', 'reopened', 'alert']);
    clock.now += HOUR;
    await s.incidents.resolve(first.incident_id, 'jane', null, SYSTEM);
    clock.now += 7 * HOUR;
    await s.alerting.onRecord(record(id, [finding('data_drift.psi.income', 'CRITICAL')], clock.now), model);
    const later = await incidentsOf(id);
    expect(later.map((i) => i.status)).toEqual(['open', 'resolved']);
  });

  it('warnings do not open incidents but join an open one; a broken analyzer is its own incident, cleared by a completed analysis', async () => {
    const { id, model } = fresh();
    clock.now = T0;
    const warn = () => record(id, [finding('prediction_drift.prediction_shift', 'WARNING', 0.15)], (clock.now += HOUR));
    await s.alerting.onRecord(warn(), model);
    const w = await s.alerting.onRecord(warn(), model); // for = 2
    expect(w.outcomes[0].alert).toMatchObject({ severity: 'WARNING', incident_id: null });
    expect(await incidentsOf(id)).toEqual([]);

    const failed = record(id, [{ metric: 'analysis.failed', category: 'analysis', value: 1, threshold: null, severity: 'CRITICAL', message: 'window too large' } as never], (clock.now += HOUR), 'failed');
    await s.alerting.onRecord(failed, model);
    await s.alerting.onRecord(record(id, [finding('data_drift.psi.age', 'CRITICAL')], (clock.now += HOUR)), model);
    const incidents = await incidentsOf(id);
    expect(incidents.map((i) => [i.component, i.metrics_triggered.map((m) => m.metric_name)])).toEqual([
      ['model', ['data_drift.psi.age']],
      ['analyzer', ['analysis.failed']],
    ]);
    const analyzer = incidents[1];
    expect(analyzer.metrics_triggered[0].clear_count).toBe(1); // that completed analysis counted as clear for it
    const warn2 = await s.alerting.onRecord(record(id, [finding('prediction_drift.prediction_shift', 'WARNING', 0.16), finding('data_drift.psi.age', 'CRITICAL')], (clock.now += 7 * HOUR)), model);
    const linked = warn2.outcomes.find((o) => o.candidate.severity === 'WARNING')!;
    expect(linked.alert!.incident_id).toBe(incidents[0].incident_id);
    await s.alerting.onRecord(record(id, [], (clock.now += HOUR)), model);
    expect((await store.alerting.getIncident(analyzer.incident_id))!.status).toBe('resolved');
  });

  it('concurrent analyses of one model make one alert and one incident (the model lock)', async () => {
    const { id, model } = fresh();
    clock.now = T0;
    const results = await Promise.all(
      Array.from({ length: 4 }, (_, i) => s.alerting.onRecord(record(id, [finding('data_drift.psi.income', 'CRITICAL', 0.3 + i / 100), finding('data_drift.psi.age', 'CRITICAL')], clock.now), model)),
    );
    const decisions = results.flatMap((r) => r.outcomes.map((o) => o.decision));
    expect(decisions.filter((d) => d === 'recorded')).toHaveLength(2); // one per metric
    expect(decisions.filter((d) => d === 'deduplicated')).toHaveLength(6);
    const incidents = await incidentsOf(id);
    expect(incidents).toHaveLength(1);
    expect(incidents[0].alert_ids).toHaveLength(2);
    expect(await deliveriesOf(incidents[0].incident_id)).toEqual(['1:trigger:pagerduty', '1:trigger:slack', '2:trigger:pagerduty', '2:trigger:slack']);
  });

  it('resolution notices go out even when a silence matches the incident now', async () => {
    const { id, model } = fresh();
    clock.now = T0;
    await s.alerting.onRecord(record(id, [finding('data_drift.psi.income', 'CRITICAL')], clock.now), model);
    const [incident] = await incidentsOf(id);
    await s.silences.create({ matchers: [{ label: 'model_id', op: '=', value: id }], ends_at: clock.now + 24 * HOUR, created_by: 'ops' }, SYSTEM);
    for (let i = 0; i < 3; i++) {
      clock.now += HOUR;
      const r = await s.alerting.onRecord(record(id, [finding('data_drift.psi.income', 'INFO', 0.01), finding('data_drift.psi.age', 'CRITICAL')], clock.now), model);
      expect(r.outcomes.map((o) => o.decision)).toEqual(['suppressed']);
    }
    // the age breach was silenced, so it never joined the incident; income cleared three times
    const resolved = (await store.alerting.getIncident(incident.incident_id))!;
    expect(resolved.status).toBe('resolved');
    expect(resolved.metrics_triggered.map((m) => [m.metric_name, m.cleared])).toEqual([['data_drift.psi.income', true]]);
    expect(await deliveriesOf(incident.incident_id)).toEqual(['1:trigger:pagerduty', '1:trigger:slack', '2:resolve:pagerduty', '2:resolve:slack']);
  });
});
