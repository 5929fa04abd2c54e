import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, type Model, parseModelSchema } from '../domain/model-schema.js';
import { DAY_MS } from '../domain/time.js';
import type { FieldProblem } from '../errors/catalog.js';
import { PredictionBuilder } from '../ingest/prediction-builder.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import type { Store } from '../store/store.js';
import { runRetention } from './retention.js';

const NOW = Date.UTC(2026, 2, 1, 12);
const AGES = [40, 20, 5]; // days before NOW
const PER_DAY = 100;

let dir: string;
let store: SqliteStore;

async function addModel(id: string, retentionDays: number): Promise<Model> {
  const schema = parseModelSchema({ task: 'binary_classification', labels: ['no', 'yes'], features: [{ name: 'x', type: 'numeric' }] });
  const model: Model = { model_id: id, name: id, description: '', schema_version: 1, schema, settings: { ...DEFAULT_SETTINGS, retention_days: retentionDays }, created_at: 1, updated_at: 1 };
  await store.createModel(model);
  for (const age of AGES) {
    const b = new PredictionBuilder(model, PER_DAY, NOW);
    const problems: FieldProblem[] = [];
    for (let i = 0; i < PER_DAY; i++) {
      b.add({ prediction_id: `${id}-${age}-${i}`, timestamp: NOW - age * DAY_MS + i * 1000, features: { x: i }, prediction: { label: 'yes' } }, i, problems);
    }
    expect(problems).toEqual([]);
    await store.writePredictions([{ model_id: id, schema_version: 1, columns: b.build() }]);
  }
  return model;
}

const count = (s: Store, id: string) => s.countPredictions(id, 0, NOW + DAY_MS);

/** The store with deletePredictionsBefore wrapped: logs calls and can fail for one model. */
function spyStore(inner: Store, events: string[], failFor?: string): Store {
  return new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop === 'deletePredictionsBefore') {
        return async (modelId: string, before: number, limit: number) => {
          events.push(`delete ${modelId}`);
          if (modelId === failFor) throw new Error('disk on fire');
          return target.deletePredictionsBefore(modelId, before, limit);
        };
      }
      const v = Reflect.get(target, prop, receiver) as unknown;
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dw-retention-'));
  store = SqliteStore.open({ path: join(dir, 'r.db') });
  await store.migrate();
  await addModel('short', 10);
  await addModel('long', 30);
});

afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('runRetention', () => {
  it("deletes each model's predictions older than its retention, in batches, and records the run", async () => {
    const events: string[] = [];
    const result = await runRetention(spyStore(store, events), { clock: () => NOW, batchSize: 30 });
    expect(result.status).toBe('succeeded');
    expect(result.deleted).toEqual({ short: 200, long: 100 });
    expect(result.total_deleted).toBe(300);
    expect(await count(store, 'short')).toBe(100);
    expect(await count(store, 'long')).toBe(200);
    expect(await store.getPrediction('short', 'short-5-0')).not.toBeNull();
    expect(await store.getPrediction('short', 'short-20-0')).toBeNull();
    expect(await store.getPrediction('long', 'long-20-0')).not.toBeNull();
    // more than one call per model: the work is split into short transactions
    expect(events.filter((e) => e === 'delete short').length).toBeGreaterThan(1);

    const runs = await store.listJobRuns({ job: 'retention', limit: 10 });
    expect(runs.items).toHaveLength(1);
    expect(runs.items[0]).toMatchObject({ id: result.run_id, status: 'succeeded', started_at: NOW, finished_at: NOW, error: null });
    expect(runs.items[0].details).toMatchObject({ deleted: { short: 200, long: 100 }, total_deleted: 300 });

    const again = await runRetention(store, { clock: () => NOW });
    expect(again.total_deleted).toBe(0);
    expect((await store.listJobRuns({ job: 'retention', limit: 10 })).items).toHaveLength(2);
  });

  it('yields to the event loop between batches', async () => {
    const events: string[] = [];
    let ticking = true;
    const tick = () => {
      events.push('tick');
      if (ticking) setImmediate(tick);
    };
    setImmediate(tick);
    await runRetention(spyStore(store, events), { clock: () => NOW, batchSize: 10 });
    ticking = false;
    const deletes = events.map((e, i) => (e.startsWith('delete') ? i : -1)).filter((i) => i >= 0);
    // whole blocks go per call, so 400 rows in 100-row blocks take several calls
    expect(deletes.length).toBeGreaterThanOrEqual(4);
    // between any two consecutive deletes other work got a turn
    for (let k = 1; k < deletes.length; k++) expect(events.slice(deletes[k - 1] + 1, deletes[k])).toContain('tick');
  });

  it('records a failed run naming the model, and still processes the other models', async () => {
    const result = await runRetention(spyStore(store, [], 'long'), { clock: () => NOW });
    expect(result.status).toBe('failed');
    expect(result.deleted).toEqual({ short: 200 });
    expect(result.errors.long).toContain('disk on fire');
    const run = (await store.listJobRuns({ job: 'retention', status: 'failed', limit: 1 })).items[0];
    expect(run.error).toContain('long: disk on fire');
    expect(await count(store, 'short')).toBe(100);
    expect(await count(store, 'long')).toBe(300);
  });

  it('lets a hold move a cutoff earlier but never later', async () => {
    const result = await runRetention(store, {
      clock: () => NOW,
      cutoffFor: (model, cutoff) => (model.model_id === 'short' ? NOW - 30 * DAY_MS : cutoff + 100 * DAY_MS),
    });
    expect(result.deleted).toEqual({ short: 100, long: 100 });
    expect(await store.getPrediction('short', 'short-20-0')).not.toBeNull();
  });

  it('stops between batches when aborted and records the interruption', async () => {
    const controller = new AbortController();
    const events: string[] = [];
    const spy = spyStore(store, events);
    const wrapped = new Proxy(spy, {
      get(target, prop, receiver) {
        if (prop === 'deletePredictionsBefore') {
          return async (...args: Parameters<Store['deletePredictionsBefore']>) => {
            const r = await target.deletePredictionsBefore(...args);
            controller.abort();
            return r;
          };
        }
        return Reflect.get(target, prop, receiver) as unknown;
      },
    });
    const result = await runRetention(wrapped, { clock: () => NOW, batchSize: 10, signal: controller.signal });
    expect(result.status).toBe('failed');
    expect(events).toEqual(['delete long']); // models go in id order; the first batch was the last
    const run = (await store.listJobRuns({ job: 'retention', limit: 1 })).items[0];
    expect(run.status).toBe('failed');
    expect(run.error).toContain('interrupted');
    const left = await count(store, 'long');
    expect(left).toBeLessThan(300); // one batch ran (a batch removes whole stored blocks)
    expect(left).toBeGreaterThan(100); // but not all that were due
    expect(await count(store, 'short')).toBe(300);
  });
});
