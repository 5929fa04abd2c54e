import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MonitoringService } from '../analysis/monitoring-service.js';
import { LOAN_MODEL, loanTraffic } from '../demo/loan-model.js';
import { DEFAULT_SETTINGS, type Model, parseModelSchema } from '../domain/model-schema.js';
import { GroupCommitWriter } from '../ingest/group-commit.js';
import { IngestService } from '../ingest/ingest-service.js';
import type { DB } from '../store/db-types.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import type { Store } from '../store/store.js';
import { AnalysisScheduling, analysisJobName } from './analysis-jobs.js';
import { Scheduler, type TickInfo } from './scheduler.js';
import type { TickLease } from './tick-gate.js';

const NOW = Date.UTC(2026, 4, 10, 12);
const HOUR = 3_600_000;
const EVERY_SECOND = '* * * * * *';

const modelOf = (id: string, schedule: string): Model => ({
  model_id: id,
  name: id,
  description: '',
  schema_version: 1,
  schema: parseModelSchema(LOAN_MODEL as unknown as Record<string, unknown>),
  settings: { ...DEFAULT_SETTINGS, schedule, min_samples: 50 },
  created_at: NOW,
  updated_at: NOW,
});

async function until(check: () => Promise<boolean>, ms = 6000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('scheduled analyses', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dw-analysis-jobs-'));
  let store: Store;
  let monitoring: MonitoringService;

  beforeAll(async () => {
    store = SqliteStore.open({ path: join(dir, 'jobs.db') });
    await store.migrate();
    // the injected clock: every analysis judges the window ending at NOW, whatever the wall time
    monitoring = new MonitoringService(store, () => NOW);
    await store.createModel(modelOf('fast', EVERY_SECOND));
    const validation = loanTraffic(400, { seed: 5, from: NOW - 40 * 24 * HOUR, to: NOW - 39 * 24 * HOUR });
    await monitoring.createBaselineFromRows('fast', validation.predictions.map((p, i) => ({ ...p, actual: validation.outcomes[i].actual })));
    const ingest = new IngestService(store, new GroupCommitWriter(store), () => NOW);
    const traffic = loanTraffic(300, { seed: 6, from: NOW - 20 * HOUR, to: NOW });
    await ingest.ingestPredictions(traffic.predictions.map((p) => ({ ...p, model_id: 'fast' })), { partial: false });
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const records = async (status?: 'completed' | 'failed') => (await store.listRecords({ model_id: 'fast', limit: 1000, status })).items.filter((r) => r.trigger === 'schedule');

  it('runs each model on its cron with the injected clock, keeps going after failed analyses, and picks up new models and schedule changes', async () => {
    const scheduler = new Scheduler();
    // windows end at the injected clock, not at the ticks' wall-clock slots
    const scheduling = new AnalysisScheduling(scheduler, store, monitoring, { refreshMs: 60_000, windowEnd: 'clock' });
    scheduler.start();
    const first = await scheduling.start();
    try {
      expect(first.added).toEqual(['fast']);
      await until(async () => (await records('completed')).length >= 2);
      const done = await records('completed');
      expect(done.every((r) => r.timestamp === NOW && r.period_end === NOW && r.period_start === NOW - 24 * HOUR)).toBe(true);

      // corrupt the active baseline's samples: every later analysis fails, and the ticks go on
      const db = (store as unknown as { db: Kysely<DB> }).db;
      await db.updateTable('baselines').set({ data: Buffer.from('not the frozen samples') }).where('model_id', '=', 'fast').execute();
      await until(async () => (await records('failed')).length >= 2);
      const failed = await records('failed');
      expect(failed[0].error).toMatch(/integrity check/);
      const runs = await store.listJobRuns({ job: 'analysis', model_id: 'fast', status: 'failed', limit: 10 });
      expect(runs.items.length).toBeGreaterThanOrEqual(2);
      expect(scheduler.has(analysisJobName('fast'))).toBe(true);

      // a model registered later, then its schedule changed
      await store.createModel(modelOf('later', '0 0 1 1 *'));
      expect((await scheduling.refresh()).added).toEqual(['later']);
      expect(scheduler.nextRun(analysisJobName('later'))!.toISOString()).toMatch(/-01-01T00:00:00/);
      await store.updateModel('later', { settings: { ...DEFAULT_SETTINGS, schedule: '30 */2 * * *' } }, NOW);
      const changed = await scheduling.refresh();
      expect(changed).toMatchObject({ added: [], changed: ['later'], removed: [] });
      expect(scheduling.scheduleOf('later')).toBe('30 */2 * * *');
      expect(scheduler.nextRun(analysisJobName('later'))!.getUTCMinutes()).toBe(30);
      expect(await scheduling.refresh()).toEqual({ added: [], changed: [], removed: [], invalid: [] });
    } finally {
      scheduling.stop();
      await scheduler.stop();
    }
  });

  it('runs a tick only when the gate grants it, tells the gate when it is done, and skips it when the gate fails', async () => {
    const claims: [string, number][] = [];
    const done: string[] = [];
    const lease: TickLease = { takeover: false, lost: new AbortController().signal, done: async (outcome) => void done.push(outcome) };
    let answer: TickLease | null | Error = null;
    const scheduler = new Scheduler(undefined, {
      gate: {
        claim: async (job, at) => {
          claims.push([job, at]);
          if (answer instanceof Error) throw answer;
          return answer;
        },
      },
    });
    const ticks: (TickInfo | undefined)[] = [];
    scheduler.add({ name: 'j', cron: '0 0 1 1 *', run: async (_signal, tick) => void ticks.push(tick) });
    expect(await scheduler.tick('j', NOW)).toBe('skipped');
    answer = new Error('lease store down');
    expect(await scheduler.tick('j', NOW + 1)).toBe('skipped');
    answer = lease;
    expect(await scheduler.tick('j', NOW + 2)).toBe('succeeded');
    expect(ticks).toEqual([{ at: NOW + 2, takeover: false, lost: lease.lost }]);
    expect(done).toEqual(['succeeded']);
    expect(claims).toEqual([['j', NOW], ['j', NOW + 1], ['j', NOW + 2]]);
    await scheduler.stop();
  });

  it('analyses a tick’s window ending at its slot; a taken-over tick whose record exists is told again, not analysed again', async () => {
    const heard: string[] = [];
    monitoring.onRecord((r) => void heard.push(r.record_id));
    const scheduler = new Scheduler();
    const scheduling = new AnalysisScheduling(scheduler, store, monitoring);
    await scheduling.refresh();
    const job = analysisJobName('fast');
    const tick = (at: number, takeover: boolean): TickInfo => ({ at, takeover, lost: new AbortController().signal });
    const at = async (t: number) => (await store.listRecords({ model_id: 'fast', from: t, to: t + 1, limit: 10 })).items;
    const T1 = NOW - 7 * 60_000;
    // (the first test corrupted the baseline: these records are failed analyses, records all the same)
    await scheduler.trigger(job, tick(T1, false));
    const [first] = await at(T1);
    expect(first).toMatchObject({ trigger: 'schedule', timestamp: T1, period_end: T1 });
    // the holder stored its record and died; the instance taking over finds it
    await scheduler.trigger(job, tick(T1, true));
    expect(await at(T1)).toHaveLength(1);
    expect(heard.slice(-2)).toEqual([first.record_id, first.record_id]);
    // a taken-over tick without a record is analysed
    const T2 = T1 + 60_000;
    await scheduler.trigger(job, tick(T2, true));
    expect(await at(T2)).toHaveLength(1);
    await scheduler.stop();
  });

  it('runs at most `concurrency` analyses at once', async () => {
    let active = 0;
    let peak = 0;
    const fake = {
      analyze: async () => {
        peak = Math.max(peak, ++active);
        await new Promise((r) => setTimeout(r, 30));
        active--;
        return { status: 'completed' };
      },
    } as unknown as MonitoringService;
    await store.createModel(modelOf('third', '0 0 1 1 *'));
    const scheduler = new Scheduler();
    const scheduling = new AnalysisScheduling(scheduler, store, fake, { concurrency: 1 });
    await scheduling.refresh();
    const outcomes = await Promise.all(['fast', 'later', 'third'].map((id) => scheduler.trigger(analysisJobName(id))));
    expect(outcomes).toEqual(['succeeded', 'succeeded', 'succeeded']);
    expect(peak).toBe(1);
    await scheduler.stop();
  });
});
