import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MonitoringService } from '../../src/analysis/monitoring-service.js';
import { LOAN_MODEL, loanTraffic } from '../../src/demo/loan-model.js';
import { DEFAULT_SETTINGS, parseModelSchema } from '../../src/domain/model-schema.js';
import { GroupCommitWriter } from '../../src/ingest/group-commit.js';
import { IngestService } from '../../src/ingest/ingest-service.js';
import { AnalysisScheduling, analysisJobName } from '../../src/scheduler/analysis-jobs.js';
import { Scheduler, type TickInfo } from '../../src/scheduler/scheduler.js';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { TEST_PG_URL } from '../store/store-fixtures.js';
import { dropSchema } from './cluster-fixtures.js';

const HOUR = 3_600_000;
const TICK = Date.UTC(2026, 4, 10, 12);

/**
 * Two instances analysing the same tick at once (what a holder stalled past its lease and the
 * instance that took the tick over would do): the store keeps one record for the tick, and the
 * instance whose record was refused reports the stored one instead of failing.
 */
describe('one scheduled record per model and tick on PostgreSQL', () => {
  const schema = `dwtickrec_${process.pid}_${Date.now().toString(36)}`;
  const stores: PostgresStore[] = [];
  beforeAll(async () => {
    for (let i = 0; i < 2; i++) stores.push(await PostgresStore.open({ url: TEST_PG_URL, schema, poolSize: 3 }));
    await stores[0].migrate();
    const store = stores[0];
    await store.createModel({
      model_id: 'm',
      name: 'm',
      description: '',
      schema_version: 1,
      schema: parseModelSchema(LOAN_MODEL as unknown as Record<string, unknown>),
      settings: { ...DEFAULT_SETTINGS, min_samples: 50 },
      created_at: TICK,
      updated_at: TICK,
    });
    const monitoring = new MonitoringService(store, () => TICK);
    const validation = loanTraffic(400, { seed: 5, from: TICK - 40 * 24 * HOUR, to: TICK - 39 * 24 * HOUR });
    await monitoring.createBaselineFromRows('m', validation.predictions.map((p, i) => ({ ...p, actual: validation.outcomes[i].actual })));
    const traffic = loanTraffic(300, { seed: 6, from: TICK - 20 * HOUR, to: TICK });
    await new IngestService(store, new GroupCommitWriter(store), () => TICK).ingestPredictions(traffic.predictions.map((p) => ({ ...p, model_id: 'm' })), { partial: false });
  });
  afterAll(async () => {
    for (const s of stores) await s.close();
    await dropSchema(schema);
  });

  it('keeps the first record of a tick two instances analysed at once; the other reports it', async () => {
    const heard: string[][] = [[], []];
    const instances = stores.map((store, i) => {
      const monitoring = new MonitoringService(store);
      monitoring.onRecord((r) => void heard[i].push(r.record_id));
      const scheduler = new Scheduler();
      return { scheduler, scheduling: new AnalysisScheduling(scheduler, store, monitoring) };
    });
    for (const x of instances) await x.scheduling.refresh();
    const tick: TickInfo = { at: TICK, takeover: false, lost: new AbortController().signal };
    const outcomes = await Promise.all(instances.map((x) => x.scheduler.trigger(analysisJobName('m'), tick)));
    expect(outcomes).toEqual(['succeeded', 'succeeded']);
    const records = (await stores[0].listRecords({ model_id: 'm', from: TICK, to: TICK + 1, limit: 10 })).items;
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ status: 'completed', trigger: 'schedule', period_end: TICK });
    // only the instance whose record was stored told its listeners
    expect([...heard[0], ...heard[1]]).toEqual([records[0].record_id]);
    for (const x of instances) await x.scheduler.stop();
  });
});
