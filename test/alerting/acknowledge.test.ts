import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/store.js';
import { BACKENDS, HOUR, T0, type Backend, type Services, finding, record, services, testModel } from './alerting-fixtures.js';

const ACTOR = { actor: 'key:test', request_id: 'req-1' };

/** SQL that makes every insert of an `acknowledge` outbox row fail, and SQL that undoes it. */
function outboxFault(b: Backend): { install: string; remove: string } {
  if (b.name === 'sqlite') {
    return {
      install: `CREATE TRIGGER fail_ack BEFORE INSERT ON deliveries WHEN NEW.kind = 'acknowledge' BEGIN SELECT RAISE(ABORT, 'outbox unavailable'); END;`,
      remove: 'DROP TRIGGER fail_ack;',
    };
  }
  return {
    install: `CREATE FUNCTION fail_ack() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'outbox unavailable'; END $$ LANGUAGE plpgsql;
      CREATE TRIGGER fail_ack BEFORE INSERT ON deliveries FOR EACH ROW WHEN (NEW.kind = 'acknowledge') EXECUTE FUNCTION fail_ack();`,
    remove: 'DROP TRIGGER fail_ack ON deliveries; DROP FUNCTION fail_ack();',
  };
}

describe.each(BACKENDS.map((b) => [b().name, b] as const))('acknowledgment (%s)', (_name, makeBackend) => {
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

  async function raise(modelId: string) {
    const r = await s.alerting.onRecord(record(modelId, [finding('fairness.disparate_impact.gender', 'CRITICAL', 0.7, { affected_groups: ['female'] })], clock.now), testModel(modelId));
    return r.outcomes[0].alert!;
  }
  const snapshot = async (alertId: string, incidentId: string) => ({
    alert: await store.alerting.getAlert(alertId),
    incident: await store.alerting.getIncident(incidentId),
    deliveries: await store.alerting.deliveriesOf({ incident_id: incidentId }),
    audit: (await store.alerting.listAudit({ limit: 100, target_id: alertId })).items,
  });

  it('is atomic: when the outbox insert fails, neither the alert nor the incident changes', async () => {
    const alert = await raise('atomic');
    const before = await snapshot(alert.alert_id, alert.incident_id!);
    const fault = outboxFault(backend);
    await backend.exec(fault.install);
    clock.now += HOUR;
    await expect(s.incidents.acknowledge(alert.alert_id, 'jane', 'looking', ACTOR)).rejects.toThrow(/outbox unavailable/);
    expect(await snapshot(alert.alert_id, alert.incident_id!)).toEqual(before);
    expect(before.alert).toMatchObject({ acknowledged: false, status: 'pending' });
    expect(before.incident!.status).toBe('open');

    await backend.exec(fault.remove);
    const done = await s.incidents.acknowledge(alert.alert_id, 'jane', 'looking', ACTOR);
    expect(done.already).toBe(false);
    const after = await snapshot(alert.alert_id, alert.incident_id!);
    expect(after.alert).toMatchObject({ acknowledged: true, acknowledged_by: 'jane', acknowledged_at: clock.now, acknowledgment_notes: 'looking', status: 'acknowledged' });
    expect(after.incident).toMatchObject({ status: 'investigating', acknowledged_at: clock.now });
    expect(after.incident!.response_actions.at(-1)).toEqual({ action: 'acknowledged', taken_by: 'jane', taken_at: clock.now, alert_id: alert.alert_id, notes: 'looking' });
    expect(after.deliveries.map((d) => `${d.sequence}:${d.kind}:${d.channel}`)).toEqual(['1:trigger:pagerduty', '1:trigger:slack', '2:acknowledge:pagerduty', '2:acknowledge:slack']);
    const ack = after.deliveries.find((d) => d.kind === 'acknowledge')!;
    expect(ack.payload).toMatchObject({ kind: 'acknowledge', actor: 'jane', notes: 'looking', dedup_key: alert.incident_id, incident: { status: 'investigating' } });
    expect(after.audit.map((e) => [e.action, e.actor, e.request_id])).toEqual([['alert.acknowledge', 'key:test', 'req-1']]);
  });

  it('is idempotent: acknowledging again (or many times at once) writes nothing more', async () => {
    const alert = await raise('idempotent');
    const results = await Promise.all(Array.from({ length: 5 }, () => s.incidents.acknowledge(alert.alert_id, 'sam', null, ACTOR)));
    expect(results.filter((r) => !r.already)).toHaveLength(1);
    const again = await s.incidents.acknowledge(alert.alert_id, 'someone else', 'late', ACTOR);
    expect(again.already).toBe(true);
    expect(again.alert.acknowledged_by).toBe('sam');
    const after = await snapshot(alert.alert_id, alert.incident_id!);
    expect(after.deliveries.filter((d) => d.kind === 'acknowledge')).toHaveLength(2);
    expect(after.incident!.response_actions.filter((a) => a.action === 'acknowledged')).toHaveLength(1);
    expect(after.audit).toHaveLength(1);
  });

  it('tells only the channels that took the alert', async () => {
    const alert = await raise('channels');
    await backend.exec(`UPDATE deliveries SET status = 'failed' WHERE alert_id = '${alert.alert_id}' AND channel = 'pagerduty'`);
    await s.incidents.acknowledge(alert.alert_id, 'jane', null, ACTOR);
    const rows = await store.alerting.deliveriesOf({ alert_id: alert.alert_id });
    expect(rows.filter((d) => d.kind === 'acknowledge').map((d) => d.channel)).toEqual(['slack']);
  });
});
