import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_FACTORIES } from '../store/store-fixtures.js';
import { expectErrorShape } from '../http/http-fixtures.js';
import { T0, type TestApp, json, req, startTestApp } from './http-fixtures.js';

describe.each(STORE_FACTORIES.map((f) => [f.name, f] as const))('rules and silences over HTTP (%s)', (_name, factory) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(factory);
  });
  afterAll(async () => t.close());

  it('ships the builtin rules; custom rules are created, changed and deleted, builtins only disabled; all audited', async () => {
    const list = json(await req(t, 'GET', '/api/v1/rules'));
    expect(list.items.map((r: { rule_id: string }) => r.rule_id)).toEqual(['builtin.analysis-failed', 'builtin.critical-findings', 'builtin.no-analysis', 'builtin.predictions-stopped', 'builtin.warning-findings']);
    expect(list.items.every((r: { builtin: boolean; enabled: boolean }) => r.builtin && r.enabled)).toBe(true);

    const created = json(await req(t, 'POST', '/api/v1/rules', { rule_id: 'psi-income', name: 'PSI income', metric: 'data_drift.psi.income', comparison: '>=', threshold: 0.2, severity: 'CRITICAL', models: ['loan-approval'], for: 2, cooldown: '30m', channels: ['slack'] }), 201);
    expect(created).toMatchObject({ rule_id: 'psi-income', for: 2, cooldown_ms: 1_800_000, builtin: false, enabled: true, created_at: new Date(T0).toISOString() });
    expectErrorShape(await req(t, 'POST', '/api/v1/rules', { rule_id: 'psi-income', name: 'x', metric: 'a', severity: 'INFO' }), 409, 'conflict');

    const changed = json(await req(t, 'PATCH', '/api/v1/rules/psi-income', { threshold: 0.3, enabled: false }));
    expect(changed).toMatchObject({ threshold: 0.3, enabled: false, comparison: '>=' });
    json(await req(t, 'DELETE', '/api/v1/rules/psi-income'));
    expectErrorShape(await req(t, 'GET', '/api/v1/rules/psi-income'), 404, 'not_found');

    expectErrorShape(await req(t, 'DELETE', '/api/v1/rules/builtin.warning-findings'), 409, 'conflict');
    expect(json(await req(t, 'PATCH', '/api/v1/rules/builtin.warning-findings', { enabled: false }))).toMatchObject({ enabled: false, builtin: true });

    const audit = json(await req(t, 'GET', '/api/v1/audit?target_type=rule'));
    expect(audit.items.map((e: { action: string; target_id: string }) => `${e.action} ${e.target_id}`)).toEqual([
      'rule.update builtin.warning-findings',
      'rule.delete psi-income',
      'rule.update psi-income',
      'rule.create psi-income',
    ]);
    const update = audit.items.find((e: { action: string; target_id: string }) => e.action === 'rule.update' && e.target_id === 'psi-income');
    expect(update.details.before.threshold).toBe(0.2);
    expect(update.details.after.threshold).toBe(0.3);
    expect(update.actor).toMatch(/^key:/);
    expect(typeof update.request_id).toBe('string');
  });

  it('rejects invalid rules, naming every field', async () => {
    const e = expectErrorShape(await req(t, 'POST', '/api/v1/rules', { name: 'bad', metric: 'data_drift..psi', comparison: '>', severity: 'CRITICAL', models: [], for: 0 }), 400, 'validation_failed');
    const fields = (e.details as { problems: { field: string }[] }).problems.map((p) => p.field);
    expect(fields).toEqual(expect.arrayContaining(['models']));
    const e2 = expectErrorShape(await req(t, 'POST', '/api/v1/rules', { name: 'bad', metric: 'data_drift..psi', comparison: '>', severity: 'CRITICAL' }), 400, 'validation_failed');
    expect((e2.details as { problems: { field: string }[] }).problems.map((p) => p.field)).toEqual(['metric', 'threshold']);
    expectErrorShape(await req(t, 'POST', '/api/v1/rules', { rule_id: 'builtin.mine', name: 'x', metric: '*', severity: 'INFO' }), 400);
    expectErrorShape(await req(t, 'POST', '/api/v1/rules', { name: 'x', metric: '*', severity: 'INFO', cooldown: 'soon' }), 400);
  });

  it('rules need the admin scope, reads included', async () => {
    expectErrorShape(await req(t, 'GET', '/api/v1/rules', undefined, t.keys.read), 403, 'forbidden');
    expectErrorShape(await req(t, 'GET', '/api/v1/audit', undefined, t.keys.read), 403, 'forbidden');
  });

  it('silences: create, list by state, expire; bad matchers are 400', async () => {
    const body = { matchers: [{ label: 'model_id', op: '=', value: 'loan-approval' }], ends_at: new Date(T0 + 3_600_000).toISOString(), created_by: 'ops', comment: 'retraining' };
    const s = json(await req(t, 'POST', '/api/v1/silences', body), 201);
    expect(s).toMatchObject({ state: 'active', starts_at: new Date(T0).toISOString(), created_by: 'ops' });
    const later = json(await req(t, 'POST', '/api/v1/silences', { ...body, starts_at: T0 + 7_200_000, ends_at: T0 + 10_800_000 }), 201);
    expect(later.state).toBe('pending');
    expect(json(await req(t, 'GET', '/api/v1/silences?state=active', undefined, t.keys.read)).items.map((x: { silence_id: string }) => x.silence_id)).toEqual([s.silence_id]);
    expect(json(await req(t, 'DELETE', `/api/v1/silences/${s.silence_id}`)).state).toBe('expired');
    expect(json(await req(t, 'GET', `/api/v1/silences/${s.silence_id}`)).state).toBe('expired');
    expect(json(await req(t, 'GET', '/api/v1/silences?state=expired')).items).toHaveLength(1);
    expectErrorShape(await req(t, 'POST', '/api/v1/silences', { ...body, matchers: [{ label: 'metric', op: '=~', value: '(' }] }), 400, 'validation_failed');
    expectErrorShape(await req(t, 'POST', '/api/v1/silences', { ...body, matchers: [{ label: 'metric', op: '=~', value: '.*' }] }), 400, 'validation_failed');
    expectErrorShape(await req(t, 'POST', '/api/v1/silences', { ...body, ends_at: T0 - 1 }), 400, 'validation_failed');
    expectErrorShape(await req(t, 'DELETE', '/api/v1/silences/SIL-nope'), 404, 'not_found');
  });
});
