import { afterEach, describe, expect, it } from 'vitest';
import type { AlertRule } from '../../src/alerting/types.js';
import type { Store } from '../../src/store/store.js';
import { BACKENDS, type Backend, HOUR, T0, finding, record, services, testModel } from './alerting-fixtures.js';

const SYSTEM = { actor: 'test', request_id: null };

/**
 * `for`, cooldown, dedup and silences live in the store: a new process (new store connection and
 * new services over the same database) carries on where the old one stopped.
 */
describe.each(BACKENDS.map((b) => [b().name, b] as const))('state across a restart (%s)', (_name, makeBackend) => {
  let backend: Backend;
  const open: Store[] = [];
  const clock = { now: T0 };

  async function start(config = {}) {
    const store = await backend.open();
    open.push(store);
    return services(store, clock, config);
  }
  async function restart(s: { store: Store }, config = {}) {
    await s.store.close();
    open.splice(open.indexOf(s.store), 1);
    return start(config);
  }
  const fresh = async () => {
    backend = makeBackend();
    clock.now = T0;
    return start();
  };

  afterEach(async () => {
    for (const s of open.splice(0)) await s.close();
    await backend.cleanup();
  });

  const rule = (over: Partial<AlertRule>): AlertRule => ({
    rule_id: 'psi-income',
    name: 'PSI of income',
    description: '',
    metric: 'data_drift.psi.income',
    comparison: '>=',
    threshold: 0.25,
    severity_at_least: null,
    severity: 'WARNING',
    models: ['m1'],
    for_count: 1,
    cooldown_ms: 0,
    channels: ['slack'],
    enabled: true,
    builtin: false,
    created_at: T0,
    updated_at: T0,
    ...over,
  });
  const psi = (value: number) => [finding('data_drift.psi.income', 'INFO', value)];
  const decisionsOf = async (store: Store) => (await store.alerting.listDecisions({ limit: 100, rule_id: 'psi-income' })).items.map((d) => d.decision).reverse();

  it('`for`: consecutive breaches are counted across a restart', async () => {
    let s = await fresh();
    await s.store.alerting.insertRule(rule({ for_count: 3 }));
    const model = testModel('m1');
    await s.alerting.onRecord(record('m1', psi(0.3), clock.now), model);
    clock.now += HOUR;
    await s.alerting.onRecord(record('m1', psi(0.31), clock.now), model);
    expect((await s.store.alerting.listAlerts({ limit: 10 })).items).toEqual([]);
    s = await restart(s);
    const told: string[] = [];
    s.alerting.onAlert((a) => told.push(a.alert_id));
    clock.now += HOUR;
    const third = await s.alerting.onRecord(record('m1', psi(0.32), clock.now), model);
    expect(third.outcomes.map((o) => o.decision)).toEqual(['recorded']);
    expect(told).toEqual([third.outcomes[0].alert!.alert_id]);
    const [state] = (await s.store.alerting.ruleStates('m1')).filter((x) => x.rule_id === 'psi-income');
    expect(state).toMatchObject({ consecutive: 3, firing: true, last_fired_at: clock.now, last_value: 0.32 });
  });

  it('cooldown: a rule that fired stays quiet for its cooldown, also after a restart', async () => {
    const noDedup = { dedup_window_ms: 0 };
    let s = await fresh();
    s = await restart(s, noDedup);
    await s.store.alerting.insertRule(rule({ cooldown_ms: 2 * HOUR }));
    const model = testModel('m1');
    await s.alerting.onRecord(record('m1', psi(0.3), clock.now), model);
    s = await restart(s, noDedup);
    clock.now += HOUR;
    const cooling = await s.alerting.onRecord(record('m1', psi(0.3), clock.now), model);
    expect(cooling.outcomes[0]).toMatchObject({ decision: 'cooling_down' });
    expect(cooling.outcomes[0].reason).toMatch(/cooling down for 60 more min/);
    s = await restart(s, noDedup);
    clock.now += HOUR;
    const again = await s.alerting.onRecord(record('m1', psi(0.3), clock.now), model);
    expect(again.outcomes[0].decision).toBe('recorded');
    expect(await decisionsOf(s.store)).toEqual(['recorded', 'cooling_down', 'recorded']);
    expect((await s.store.alerting.listAlerts({ limit: 10 })).items).toHaveLength(2);
  });

  it('dedup: same model, metric and severity within 6 h is one alert, also after a restart', async () => {
    let s = await fresh();
    await s.store.alerting.insertRule(rule({}));
    const model = testModel('m1');
    const first = await s.alerting.onRecord(record('m1', psi(0.3), clock.now), model);
    const alertId = first.outcomes[0].alert!.alert_id;
    s = await restart(s);
    clock.now += 5 * HOUR;
    const dup = await s.alerting.onRecord(record('m1', psi(0.4), clock.now), model);
    expect(dup.outcomes[0].decision).toBe('deduplicated');
    expect(dup.outcomes[0].reason).toContain(alertId);
    s = await restart(s);
    clock.now += HOUR;
    const later = await s.alerting.onRecord(record('m1', psi(0.4), clock.now), model);
    expect(later.outcomes[0].decision).toBe('recorded');
    expect(await decisionsOf(s.store)).toEqual(['recorded', 'deduplicated', 'recorded']);
  });

  it('silences: a silence created before a restart still suppresses after it, and expiring it lets alerts through', async () => {
    let s = await fresh();
    await s.store.alerting.insertRule(rule({}));
    const sil = await s.silences.create({ matchers: [{ label: 'model_id', op: '=', value: 'm1' }, { label: 'metric', op: '=~', value: 'data_drift\\..*' }], ends_at: T0 + 4 * HOUR, created_by: 'ops', comment: 'retraining' }, SYSTEM);
    s = await restart(s);
    clock.now += HOUR;
    const model = testModel('m1');
    const quiet = await s.alerting.onRecord(record('m1', psi(0.3), clock.now), model);
    expect(quiet.outcomes[0]).toMatchObject({ decision: 'suppressed' });
    expect(quiet.outcomes[0].reason).toContain(sil.silence_id);
    s = await restart(s);
    clock.now += 1000;
    await s.silences.expire(sil.silence_id, SYSTEM);
    const loud = await s.alerting.onRecord(record('m1', psi(0.3), clock.now), model);
    expect(loud.outcomes[0].decision).toBe('recorded');
    expect(await decisionsOf(s.store)).toEqual(['suppressed', 'recorded']);
    expect((await s.audit.list({ limit: 10, target_id: sil.silence_id })).items.map((e) => e.action)).toEqual(['silence.expire', 'silence.create']);
  });
});
