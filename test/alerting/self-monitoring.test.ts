import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSelfMonitoring, measureModel } from '../../src/alerting/self-monitoring.js';
import { LOAN_MODEL, loanTraffic } from '../../src/demo/loan-model.js';
import { DEFAULT_SETTINGS, type Model, parseModelSchema } from '../../src/domain/model-schema.js';
import { GroupCommitWriter } from '../../src/ingest/group-commit.js';
import { IngestService } from '../../src/ingest/ingest-service.js';
import type { Store } from '../../src/store/store.js';
import { HOUR, T0, type Backend, type Services, record, services, sqliteBackend } from './alerting-fixtures.js';

const DAY = 24 * HOUR;
const MIN = 60_000;

/** The self-monitoring job: no analysis for 12 hours, prediction logging stopped; through the same rules, pipeline and incidents. */
describe('self-monitoring', () => {
  let backend: Backend;
  let store: Store;
  let s: Services;
  const clock = { now: T0 };
  const loan: Model = { model_id: LOAN_MODEL.model_id, name: 'loan', description: '', schema_version: 1, schema: parseModelSchema(LOAN_MODEL as unknown as Record<string, unknown>), settings: { ...DEFAULT_SETTINGS }, created_at: T0, updated_at: T0 };
  const quiet: Model = { ...loan, model_id: 'never-logged' };

  beforeAll(async () => {
    backend = sqliteBackend();
    store = await backend.open();
    s = await services(store, clock);
    await store.createModel(loan);
    await store.createModel(quiet);
    const traffic = loanTraffic(300, { seed: 5, from: T0, to: T0 + 6 * HOUR });
    const ingest = new IngestService(store, new GroupCommitWriter(store), () => T0 + 6 * HOUR);
    await ingest.ingestPredictions(traffic.predictions.map((p) => ({ ...p, model_id: loan.model_id })), { partial: false });
  });
  afterAll(async () => {
    await store.close();
    await backend.cleanup();
  });

  const run = () => runSelfMonitoring(store, s.alerting, () => clock.now);
  const alertsOf = async (modelId: string) => (await store.alerting.listAlerts({ limit: 50, model_id: modelId })).items.map((a) => `${a.rule_id} ${a.severity} ${a.component}`).reverse();

  it('measures hours since the last analysis, and predictions only for models that logged some', async () => {
    const m = await measureModel(store, loan, null, T0 + 6 * HOUR);
    expect(m.map((f) => [f.metric, f.value])).toEqual([
      ['self.hours_since_analysis', 6],
      ['self.predictions_last_day', 300],
    ]);
    const q = await measureModel(store, quiet, T0 + HOUR, T0 + 6 * HOUR);
    expect(q.map((f) => [f.metric, f.value])).toEqual([['self.hours_since_analysis', 5]]);
  });

  it('raises nothing while all is well', async () => {
    clock.now = T0 + 6 * HOUR;
    expect(await run()).toMatchObject({ status: 'succeeded', models: 2, recorded: 0, failed: [] });
  });

  it('no analysis for 12 hours: a CRITICAL alert and an analyzer incident for each model; an analysis clears it in 3 runs', async () => {
    clock.now = T0 + 12 * HOUR;
    expect(await run()).toMatchObject({ recorded: 2 });
    expect(await alertsOf(loan.model_id)).toEqual(['builtin.no-analysis CRITICAL analyzer']);
    const [incident] = (await store.alerting.listIncidents({ limit: 5, model_id: loan.model_id })).items;
    expect(incident).toMatchObject({ component: 'analyzer', status: 'open' });

    clock.now += 5 * MIN;
    expect(await run()).toMatchObject({ recorded: 0 }); // deduplicated
    const analysed = record(loan.model_id, [], clock.now, 'skipped');
    await store.insertRecord(analysed);
    for (let i = 0; i < 3; i++) {
      clock.now += 5 * MIN;
      await run();
    }
    expect((await store.alerting.getIncident(incident.incident_id))!.status).toBe('resolved');
    const other = (await store.alerting.listIncidents({ limit: 5, model_id: quiet.model_id })).items;
    expect(other.map((i) => i.status)).toEqual(['open']);
  });

  it('prediction logging stopped: a WARNING alert for the model that had traffic, none for the one that never had', async () => {
    clock.now = T0 + 3 * DAY;
    await store.insertRecord(record(loan.model_id, [], clock.now - HOUR, 'skipped'));
    await run();
    expect(await alertsOf(loan.model_id)).toEqual(['builtin.no-analysis CRITICAL analyzer', 'builtin.predictions-stopped WARNING ingest']);
    expect((await alertsOf(quiet.model_id)).every((a) => a.startsWith('builtin.no-analysis'))).toBe(true);
    const decisions = (await store.alerting.listDecisions({ limit: 5, model_id: loan.model_id, rule_id: 'builtin.predictions-stopped' })).items;
    expect(decisions[0].reason).toMatch(/no incident/);
  });
});
