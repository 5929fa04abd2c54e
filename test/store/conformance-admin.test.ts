import { describe, expect, it } from 'vitest';
import type { ApiKeyRecord, JobRunRecord } from '../../src/store/store.js';
import { MIGRATION_NAMES } from '../../src/store/migrations/index.js';
import { T0, batchOf, createModel, freshId, makeModel, useStore, CONFORMANCE_FACTORIES } from './conformance-helpers.js';

const key = (id: string, created_at: number, scopes: ApiKeyRecord['scopes'] = ['ingest']): ApiKeyRecord => ({
  id,
  name: `key ${id}`,
  scopes,
  hash: 'ab'.repeat(32),
  created_at,
  revoked_at: null,
  last_used_at: null,
});

const run = (id: string, over: Partial<JobRunRecord> = {}): JobRunRecord => ({
  id,
  job: 'retention',
  model_id: null,
  status: 'running',
  started_at: T0,
  finished_at: null,
  details: {},
  error: null,
  ...over,
});

describe.each(CONFORMANCE_FACTORIES)('store conformance: keys, jobs, transactions, migrations ($label)', (factory) => {
  // API keys are global, so this suite keeps its own store
  const store = useStore(factory);

  it('stores API keys, lists them by creation, revokes once, counts the active ones', async () => {
    expect(await store().countActiveApiKeys()).toBe(0);
    await store().createApiKey(key('k2', 200, ['read', 'admin']));
    await store().createApiKey(key('k1', 100));
    await store().createApiKey(key('k3', 300));
    expect(await store().getApiKey('k2')).toEqual(key('k2', 200, ['read', 'admin']));
    expect(await store().getApiKey('nope')).toBeNull();
    expect((await store().listApiKeys()).map((k) => k.id)).toEqual(['k1', 'k2', 'k3']);
    expect(await store().countActiveApiKeys()).toBe(3);

    expect(await store().revokeApiKey('k1', 500)).toBe(true);
    expect(await store().revokeApiKey('k1', 600)).toBe(false);
    expect(await store().revokeApiKey('ghost', 600)).toBe(false);
    expect((await store().getApiKey('k1'))?.revoked_at).toBe(500);
    expect(await store().countActiveApiKeys()).toBe(2);

    await store().touchApiKey('k3', 777);
    expect((await store().getApiKey('k3'))?.last_used_at).toBe(777);
    await expect(store().createApiKey(key('k3', 900))).rejects.toThrow();
  });

  it('records job runs, updates them by id, filters and pages newest id first', async () => {
    const model = freshId();
    await store().recordJobRun(run('job_01', { model_id: model }));
    await store().recordJobRun(run('job_02', { job: 'analysis', model_id: model, status: 'failed', error: 'boom', finished_at: T0 + 5 }));
    await store().recordJobRun(run('job_03'));
    await store().recordJobRun(run('job_01', { model_id: model, status: 'succeeded', finished_at: T0 + 9, details: { deleted: 42 } }));

    const one = await store().listJobRuns({ limit: 10, job: 'retention', model_id: model });
    expect(one.items).toEqual([run('job_01', { model_id: model, status: 'succeeded', finished_at: T0 + 9, details: { deleted: 42 } })]);
    expect((await store().listJobRuns({ limit: 10, status: 'failed' })).items.map((r) => [r.id, r.error])).toEqual([['job_02', 'boom']]);

    const page1 = await store().listJobRuns({ limit: 2 });
    expect(page1.items.map((r) => r.id)).toEqual(['job_03', 'job_02']);
    const page2 = await store().listJobRuns({ limit: 2, cursor: page1.next_cursor });
    expect(page2.items.map((r) => r.id)).toEqual(['job_01']);
    expect(page2.next_cursor).toBeUndefined();
  });

  it('rolls a failed transaction back entirely (models and predictions)', async () => {
    const model = makeModel(freshId());
    const err = await store()
      .transaction(async (tx) => {
        await tx.createModel(model);
        await tx.writePredictions([batchOf(model, [{ id: 'p', ts: T0 }])]);
        expect(await tx.getModel(model.model_id)).not.toBeNull();
        throw new Error('abort');
      })
      .catch((e: unknown) => e);
    expect((err as Error).message).toBe('abort');
    expect(await store().getModel(model.model_id)).toBeNull();
    expect(await store().getPrediction(model.model_id, 'p')).toBeNull();
    expect(await store().countPredictions(model.model_id, 0, T0 + 1)).toBe(0);
  });

  it('commits a successful transaction and returns its value', async () => {
    const existing = await createModel(store());
    const model = makeModel(freshId());
    const out = await store().transaction(async (tx) => {
      await tx.createModel(model);
      const [r] = await tx.writePredictions([batchOf(existing, [{ id: 'in-tx', ts: T0 }])]);
      await tx.transaction(async (inner) => inner.updateModel(model.model_id, { name: 'nested' }, 5));
      return r.inserted;
    });
    expect(out).toBe(1);
    expect((await store().getModel(model.model_id))?.name).toBe('nested');
    expect((await store().getPrediction(existing.model_id, 'in-tx'))?.timestamp).toBe(T0);
  });

  it('migrates idempotently: running again changes nothing and keeps data', async () => {
    const model = await createModel(store());
    await store().migrate();
    await store().migrate();
    const status = await store().migrationStatus();
    expect(status.pending).toEqual([]);
    expect(status.applied).toEqual(MIGRATION_NAMES);
    expect(await store().getModel(model.model_id)).not.toBeNull();
    await store().ping();
  });
});

describe.each(CONFORMANCE_FACTORIES)('store conformance: a fresh store ($label)', (factory) => {
  it('starts with every migration applied by migrate() and nothing pending', async () => {
    const { store, cleanup } = await factory.create();
    try {
      expect(store.backend).toBe(factory.name);
      expect(await store.migrationStatus()).toEqual({ applied: MIGRATION_NAMES, pending: [] });
      expect((await store.listModels({ limit: 10 })).items).toEqual([]);
      expect(await store.listApiKeys()).toEqual([]);
    } finally {
      await cleanup();
    }
  });
});
