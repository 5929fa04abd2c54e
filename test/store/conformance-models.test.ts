import { describe, expect, it } from 'vitest';
import { parseModelSchema } from '../../src/domain/model-schema.js';
import { AppError } from '../../src/errors/catalog.js';
import { T0, batchOf, collect, createModel, freshId, makeModel, useStore, CONFORMANCE_FACTORIES } from './conformance-helpers.js';

describe.each(CONFORMANCE_FACTORIES)('store conformance: models ($label)', (factory) => {
  const store = useStore(factory);

  it('creates a model at schema version 1 and reads it back', async () => {
    const model = makeModel(freshId(), 1234);
    await store().createModel({ ...model, schema_version: 7 });
    const got = await store().getModel(model.model_id);
    expect(got).toEqual({ ...model, schema_version: 1 });
    expect(await store().getModelSchema(model.model_id, 1)).toEqual(model.schema);
    expect(await store().getModel('no-such-model')).toBeNull();
    expect(await store().getModelSchema(model.model_id, 2)).toBeNull();
  });

  it('refuses a second model with the same id (conflict) and keeps the first', async () => {
    const model = await createModel(store());
    const err = await store()
      .createModel({ ...model, name: 'other' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('conflict');
    expect((await store().getModel(model.model_id))?.name).toBe(model.name);
  });

  it('lists models by id, cursor-paged, with no cursor on the last page', async () => {
    const prefix = freshId('list');
    const ids = ['c', 'a', 'e', 'b', 'd'].map((s) => `${prefix}-${s}`);
    for (const id of ids) await store().createModel(makeModel(id));
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await store().listModels({ limit: 2, cursor });
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((m) => m.model_id));
      cursor = page.next_cursor;
      pages++;
    } while (cursor && pages < 1000);
    const mine = seen.filter((id) => id.startsWith(prefix));
    expect(mine).toEqual([...ids].sort());
    expect(seen).toEqual([...seen].sort());
    expect(new Set(seen).size).toBe(seen.length);
    const all = await store().listModels({ limit: 1000 });
    expect(all.next_cursor).toBeUndefined();
    expect(all.items.map((m) => m.model_id)).toEqual(seen);
  });

  it('rejects a cursor it did not issue', async () => {
    const err = await store()
      .listModels({ limit: 2, cursor: 'bm90IGEgY3Vyc29y' })
      .catch((e: unknown) => e);
    expect((err as AppError).code).toBe('bad_request');
  });

  it('updates name and settings without a new schema version', async () => {
    const model = await createModel(store());
    const updated = await store().updateModel(model.model_id, { name: 'renamed', settings: { ...model.settings, retention_days: 7 } }, 5000);
    expect(updated).toMatchObject({ name: 'renamed', schema_version: 1, updated_at: 5000, created_at: model.created_at });
    expect(updated.settings.retention_days).toBe(7);
    // the same schema again is not a change
    const same = await store().updateModel(model.model_id, { schema: model.schema }, 6000);
    expect(same.schema_version).toBe(1);
    expect(await store().listModelSchemas(model.model_id)).toHaveLength(1);
  });

  it('versions a schema change; rows keep the version they were written with', async () => {
    const model = await createModel(store());
    await store().writePredictions([batchOf(model, [{ id: 'old', ts: T0 }])]);
    const schema2 = parseModelSchema({ task: 'binary_classification', labels: ['n', 'y'], features: [{ name: 'z', type: 'numeric' }] });
    const v2 = await store().updateModel(model.model_id, { schema: schema2 }, 7000);
    expect(v2.schema_version).toBe(2);
    expect(v2.schema).toEqual(schema2);
    expect(v2.name).toBe(model.name);
    expect(await store().getModelSchema(model.model_id, 1)).toEqual(model.schema);
    expect(await store().getModelSchema(model.model_id, 2)).toEqual(schema2);
    const versions = await store().listModelSchemas(model.model_id);
    expect(versions.map((v) => [v.version, v.created_at])).toEqual([
      [1, model.created_at],
      [2, 7000],
    ]);
    const blocks = await collect(store().scanPredictions({ model_id: model.model_id, from: 0, to: T0 + 1 }));
    expect(blocks.map((b) => b.schema_version)).toEqual([1]);
    const old = await store().getPrediction(model.model_id, 'old');
    expect(old?.schema_version).toBe(1);
    expect(old?.features.city).toBe('paris');
  });

  it('updating an unknown model is model_not_found', async () => {
    const err = await store()
      .updateModel('ghost-model', { name: 'x' }, 1)
      .catch((e: unknown) => e);
    expect((err as AppError).code).toBe('model_not_found');
  });
});
