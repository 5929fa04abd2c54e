import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_FACTORIES } from '../store/store-fixtures.js';
import { CREDIT_MODEL, T0, type TestApp, bearer, creditPrediction, expectErrorShape, registerModel, startTestApp } from './http-fixtures.js';

describe.each(STORE_FACTORIES)('HTTP models ($name)', (factory) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(factory);
  });
  afterAll(async () => t?.close());

  const post = (payload: unknown) => t.app.inject({ method: 'POST', url: '/api/v1/models', headers: bearer(t.keys.admin), payload: payload as object });
  const get = (url: string) => t.app.inject({ method: 'GET', url, headers: bearer(t.keys.read) });
  const patch = (id: string, payload: unknown) => t.app.inject({ method: 'PATCH', url: `/api/v1/models/${id}`, headers: bearer(t.keys.admin), payload: payload as object });

  it('registers, lists and gets models', async () => {
    const res = await post({ ...CREDIT_MODEL, model_id: 'm-a', settings: { retention_days: 30 } });
    expect(res.statusCode).toBe(201);
    const created = res.json();
    expect(created).toMatchObject({ model_id: 'm-a', name: 'Credit risk', schema_version: 1, task: 'binary_classification', labels: ['approve', 'deny'], positive_label: 'deny' });
    expect(created.settings.retention_days).toBe(30);
    expect(created.features.find((f: { name: string }) => f.name === 'gender')).toMatchObject({ protected: true, privileged_group: 'm', type: 'categorical' });
    expect(created.created_at).toBe(new Date(T0).toISOString());
    await post({ model_id: 'm-b', task: 'regression', features: [{ name: 'x', type: 'numeric' }] });

    const one = await get('/api/v1/models/m-a');
    expect(one.statusCode).toBe(200);
    expect(one.json()).toEqual(created);

    // page through the list one at a time: every model once, in id order
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: { model_id: string }[]; next_cursor: string | null } = (await get(`/api/v1/models?limit=1${cursor ? `&cursor=${cursor}` : ''}`)).json();
      seen.push(...page.items.map((m) => m.model_id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen.filter((id) => id.startsWith('m-'))).toEqual(['m-a', 'm-b']);
  });

  it('refuses duplicates (409) and invalid schemas (400 naming the field)', async () => {
    await post({ ...CREDIT_MODEL, model_id: 'm-dup' });
    expectErrorShape(await post({ ...CREDIT_MODEL, model_id: 'm-dup' }), 409, 'conflict');
    const bad = expectErrorShape(await post({ ...CREDIT_MODEL, model_id: 'm-bad', labels: ['only'] }), 400, 'validation_failed');
    expect(JSON.stringify(bad.details)).toContain('labels');
    const badId = expectErrorShape(await post({ ...CREDIT_MODEL, model_id: '../../etc/passwd' }), 400, 'validation_failed');
    expect(JSON.stringify(badId.details)).toContain('model_id');
    const missing = expectErrorShape(await post({ model_id: 'm-x', task: 'regression' }), 400, 'validation_failed');
    expect(JSON.stringify(missing.details)).toContain('features');
    const proto = expectErrorShape(await post({ model_id: 'm-p', task: 'regression', features: [{ name: '__proto__', type: 'numeric' }] }), 400);
    expect(proto.message).toContain('features[0].name');
  });

  it('registration races end in one 201 and 409s, never a 500', async () => {
    const results = await Promise.all([0, 1, 2, 3].map(() => post({ model_id: 'm-race', task: 'regression', features: [{ name: 'x', type: 'numeric' }] })));
    expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409, 409, 409]);
  });

  it('unknown model → 404 for get, schemas and update', async () => {
    expectErrorShape(await get('/api/v1/models/nope'), 404, 'model_not_found');
    expectErrorShape(await get('/api/v1/models/nope/schemas'), 404, 'model_not_found');
    expectErrorShape(await patch('nope', { name: 'x' }), 404, 'model_not_found');
    expectErrorShape(await get('/api/v1/models/a%00b'), 404, 'model_not_found');
  });

  it('a schema change creates version 2; rows written before keep version 1 and read back as written', async () => {
    await registerModel(t, { ...CREDIT_MODEL, model_id: 'm-ver' });
    const ingest = (rows: unknown[]) => t.app.inject({ method: 'POST', url: '/api/v1/predictions', headers: bearer(t.keys.ingest), payload: rows as object[] });
    const old = creditPrediction(1, { model_id: 'm-ver', prediction_id: 'old-1' });
    expect((await ingest([old])).json().accepted).toBe(1);

    // name/settings changes are in place: no new version
    const renamed = (await patch('m-ver', { name: 'Renamed', settings: { min_samples: 50 } })).json();
    expect(renamed).toMatchObject({ name: 'Renamed', schema_version: 1 });
    expect(renamed.settings.min_samples).toBe(50);
    // the same schema again is not a change either
    expect((await patch('m-ver', { features: CREDIT_MODEL.features })).json().schema_version).toBe(1);

    const features = [...CREDIT_MODEL.features.filter((f) => f.name !== 'owner'), { name: 'tenure', type: 'numeric' }];
    const v2 = await patch('m-ver', { features, labels: ['approve', 'deny', 'review'], task: 'multiclass_classification', positive_label: null });
    expect(v2.statusCode, v2.body).toBe(200);
    expect(v2.json()).toMatchObject({ schema_version: 2, labels: ['approve', 'deny', 'review'] });
    const schemas = (await get('/api/v1/models/m-ver/schemas')).json().items;
    expect(schemas.map((s: { version: number }) => s.version)).toEqual([1, 2]);
    expect(schemas[0].features.map((f: { name: string }) => f.name)).toContain('owner');

    // the old row is unchanged and says it was written under version 1
    const back = (await get('/api/v1/predictions/old-1?model_id=m-ver')).json();
    expect(back).toMatchObject({ schema_version: 1, features: old.features, prediction: { label: 'approve' } });
    expect(back.features).not.toHaveProperty('tenure');

    // new rows are validated against version 2: the old shape fails, the new one passes
    const rejected = expectErrorShape(await ingest([creditPrediction(2, { model_id: 'm-ver' })]), 400);
    expect(JSON.stringify(rejected.details)).toContain('features.owner');
    const fresh = creditPrediction(3, { model_id: 'm-ver', prediction_id: 'new-1', features: { income: 1, age: 2, region: 'x', gender: 'f', tenure: 7 }, prediction: { label: 'review', probabilities: { approve: 0.1, deny: 0.2, review: 0.7 } } });
    expect((await ingest([fresh])).json().accepted).toBe(1);
    const back2 = (await get('/api/v1/predictions/new-1?model_id=m-ver')).json();
    expect(back2).toMatchObject({ schema_version: 2, features: fresh.features, prediction: { label: 'review', probabilities: { review: 0.7 } } });
    // listing mixes both versions, each decoded with its own schema
    const list = (await get('/api/v1/predictions?model_id=m-ver')).json().items;
    expect(list.map((p: { prediction_id: string; schema_version: number }) => [p.prediction_id, p.schema_version])).toEqual([
      ['old-1', 1],
      ['new-1', 2],
    ]);
  });

  it('refuses text the store cannot hold', async () => {
    const nul = expectErrorShape(await post({ model_id: 'm-nul', description: 'a\u0000b', task: 'regression', features: [{ name: 'x', type: 'numeric' }] }), 400);
    expect(nul.message).toContain('description');
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/models',
      headers: { ...bearer(t.keys.admin), 'content-type': 'application/json' },
      payload: '{"model_id":"m-sur","task":"regression","features":[{"name":"\\ud800","type":"numeric"}]}',
    });
    expectErrorShape(res, 400, 'validation_failed');
    expectErrorShape(await get('/api/v1/models/m-sur'), 404);
  });
});
