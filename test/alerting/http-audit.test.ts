import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY, LOAN, T0, registerLoan, validationRows } from '../e2e/monitoring-fixtures.js';
import { sqliteFactory } from '../store/store-fixtures.js';
import { type TestApp, json, req, startTestApp } from './http-fixtures.js';

/** The audit trail of the existing admin routes: keys, baselines, deploys; filters and paging. */
describe('audit trail over HTTP', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(sqliteFactory);
    await registerLoan(t);
  });
  afterAll(async () => t.close());

  it('records key creation and revocation without the secret', async () => {
    const created = json(await req(t, 'POST', '/api/v1/keys', { name: 'ci pipeline', scopes: ['ingest'] }), 201);
    json(await req(t, 'DELETE', `/api/v1/keys/${created.id}`));
    const trail = json(await req(t, 'GET', `/api/v1/audit?target_type=key&target_id=${created.id}`)).items;
    expect(trail.map((e: { action: string }) => e.action)).toEqual(['key.revoke', 'key.create']);
    expect(trail[1].details).toEqual({ name: 'ci pipeline', scopes: ['ingest'] });
    expect(JSON.stringify(trail)).not.toContain(created.token);
    expect(trail[1]).toMatchObject({ actor: expect.stringMatching(/^key:[A-Za-z0-9]{12}$/), request_id: expect.any(String), at: new Date(T0).toISOString() });
  });

  it('records baselines (create, activate) and deploys', async () => {
    const rows = validationRows(400, { seed: 1, from: T0 - 40 * DAY, to: T0 - 39 * DAY });
    const first = json(await req(t, 'POST', '/api/v1/monitoring/baselines', { model_id: LOAN, validation_data: rows, model_version: '1.0' }), 201);
    json(await req(t, 'POST', '/api/v1/monitoring/baselines', { model_id: LOAN, validation_data: rows, model_version: '1.1' }), 201);
    json(await req(t, 'POST', `/api/v1/monitoring/baselines/${first.snapshot_id}/activate`));
    json(await req(t, 'POST', '/api/v1/models/deploy', { model_id: LOAN, version: '2.0', validation_set: rows }));
    const trail = json(await req(t, 'GET', '/api/v1/audit?target_type=baseline')).items;
    expect(trail.map((e: { action: string }) => e.action)).toEqual(['baseline.activate', 'baseline.create', 'baseline.create']);
    expect(trail[2].details).toMatchObject({ model_id: LOAN, model_version: '1.0', source: 'validation_data', sample_count: 400 });
    const deploy = json(await req(t, 'GET', '/api/v1/audit?action=model.deploy')).items;
    expect(deploy).toHaveLength(1);
    expect(deploy[0]).toMatchObject({ target_type: 'model', target_id: LOAN, details: { version: '2.0', previous_version: '1.0' } });
    expect(deploy[0].details.baseline_snapshot_id).toMatch(/^SNAP-/);
  });

  it('pages newest first and filters by time', async () => {
    const all = json(await req(t, 'GET', '/api/v1/audit')).items;
    expect(all.length).toBeGreaterThanOrEqual(6);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: { id: string }[]; next_cursor: string | null } = json(await req(t, 'GET', `/api/v1/audit?limit=2${cursor ? `&cursor=${cursor}` : ''}`));
      seen.push(...page.items.map((e) => e.id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen).toEqual(all.map((e: { id: string }) => e.id));
    expect(json(await req(t, 'GET', `/api/v1/audit?from=${T0 + 1}`)).items).toEqual([]);
    expect(json(await req(t, 'GET', `/api/v1/audit?to=${T0 + 1}`)).items).toHaveLength(all.length);
  });
});
