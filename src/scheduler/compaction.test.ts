import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type Config, ConfigError } from '../config/config.js';
import { DEFAULT_SETTINGS, type Model, parseModelSchema } from '../domain/model-schema.js';
import type { FieldProblem } from '../errors/catalog.js';
import { PredictionBuilder } from '../ingest/prediction-builder.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { createMetrics } from '../observability/metrics.js';
import { COMPACTION_JOB, runCompaction } from './compaction.js';
import { assertSchedulerConfig, createScheduler } from './scheduler.js';

const T0 = Date.UTC(2026, 2, 1);
let store: SqliteStore;

beforeEach(async () => {
  store = SqliteStore.open({ path: ':memory:', compaction: false });
  await store.migrate();
});
afterEach(async () => {
  await store.close();
});

/** `writes` one-row blocks of a fresh model. */
async function tinyBlocks(id: string, writes: number): Promise<Model> {
  const schema = parseModelSchema({ task: 'binary_classification', labels: ['no', 'yes'], features: [{ name: 'x', type: 'numeric' }] });
  const model: Model = { model_id: id, name: id, description: '', schema_version: 1, schema, settings: { ...DEFAULT_SETTINGS }, created_at: 1, updated_at: 1 };
  await store.createModel(model);
  for (let i = 0; i < writes; i++) {
    const b = new PredictionBuilder(model, 1, T0);
    const problems: FieldProblem[] = [];
    b.add({ prediction_id: `${id}-${i}`, timestamp: T0 + ((i * 7) % writes) * 1000, features: { x: i }, prediction: { label: 'yes' } }, 0, problems);
    expect(problems).toEqual([]);
    await store.writePredictions([{ model_id: id, schema_version: 1, columns: b.build() }]);
  }
  return model;
}

const blockCount = async (id: string) => {
  let n = 0;
  for await (const _ of store.scanPredictions({ model_id: id, from: 0, to: T0 + 86_400_000 })) n++;
  return n;
};

describe('the compaction job', () => {
  it('runs rounds until no small blocks are left and reports the totals', async () => {
    await tinyBlocks('a', 120);
    await tinyBlocks('b', 30);
    const r = await runCompaction(store, { pauseMs: 0, compaction: { minRows: 10, maxRowsPerBlock: 40, roundRows: 25 } });
    expect(r).toMatchObject({ done: true, blocksIn: expect.any(Number) });
    expect(r.blocksIn).toBeGreaterThanOrEqual(150);
    expect(r.rows).toBeGreaterThanOrEqual(150);
    // rounds of 25 rows: blocks of 25 rows, no longer small (and never compacted again)
    expect(await blockCount('a')).toBe(5);
    expect(await blockCount('b')).toBeLessThanOrEqual(2);
    expect(await store.countPredictions('a', 0, T0 + 86_400_000)).toBe(120);
    // and /metrics counts it (process-wide totals: at least this run's)
    const text = await createMetrics({ enabled: true, storeBackend: 'sqlite' }).render();
    const value = (name: string) => Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(text)?.[1] ?? NaN);
    expect(value('driftwatch_compaction_blocks_read_total')).toBeGreaterThanOrEqual(r.blocksIn);
    expect(value('driftwatch_compaction_blocks_written_total')).toBeGreaterThanOrEqual(r.blocksOut);
    expect(value('driftwatch_compaction_rows_total')).toBeGreaterThanOrEqual(r.rows);
    expect(value('driftwatch_compaction_rounds_total')).toBeGreaterThan(0);
  });

  it('stops between rounds when aborted', async () => {
    await tinyBlocks('c', 40);
    const abort = new AbortController();
    abort.abort();
    const r = await runCompaction(store, { signal: abort.signal });
    expect(r.blocksIn).toBe(0);
    expect(await blockCount('c')).toBe(40);
  });

  it('is scheduled on scheduler.compaction_cron, which must be a valid cron expression', () => {
    expect(createScheduler(DEFAULT_CONFIG, store).jobs()).toContain(COMPACTION_JOB);
    const bad: Config = { ...DEFAULT_CONFIG, scheduler: { ...DEFAULT_CONFIG.scheduler, compaction_cron: 'every minute' } };
    expect(() => assertSchedulerConfig(bad)).toThrow(ConfigError);
    try {
      assertSchedulerConfig(bad);
    } catch (e) {
      expect((e as ConfigError).problems.map((p) => p.key)).toEqual(['scheduler.compaction_cron']);
    }
  });
});
