import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ALERTING } from '../../src/alerting/alerting-config.js';
import { AlertingService } from '../../src/alerting/alerting-service.js';
import type { Store } from '../../src/store/store.js';
import { HOUR, T0, type Backend, finding, record, sqliteBackend, testModel } from './alerting-fixtures.js';

/** Every decision is both written to alert_decisions and logged, with the same reason. */
describe('the decision log', () => {
  let backend: Backend;
  let store: Store;
  const lines: { level: string; msg: string; extra: Record<string, unknown> }[] = [];
  let service: AlertingService;
  const clock = { now: T0 };
  beforeAll(async () => {
    backend = sqliteBackend();
    store = await backend.open();
    service = new AlertingService(store, DEFAULT_ALERTING, () => clock.now, (level, msg, extra) => lines.push({ level, msg, extra: extra ?? {} }));
    await service.init();
  });
  afterAll(async () => {
    await store.close();
    await backend.cleanup();
  });

  it('logs recorded, deduplicated and inhibited decisions with the reasons stored', async () => {
    const model = testModel('m');
    const findings = [finding('data_drift.psi.income', 'CRITICAL')];
    await service.onRecord(record('m', findings, clock.now), model);
    clock.now += HOUR;
    await service.onRecord(record('m', findings, clock.now), model);
    const stored = (await store.alerting.listDecisions({ limit: 10, model_id: 'm' })).items.reverse();
    expect(stored.map((d) => `${d.decision} ${d.rule_id}`)).toEqual([
      'recorded builtin.critical-findings',
      'inhibited builtin.warning-findings',
      'deduplicated builtin.critical-findings',
    ]);
    const logged = lines.filter((l) => /^alert /.test(l.msg));
    expect(logged.map((l) => l.msg).sort()).toEqual(['alert deduplicated', 'alert inhibited', 'alert recorded']);
    for (const d of stored) expect(logged.find((l) => l.extra.decision === d.decision)!.extra).toMatchObject({ reason: d.reason, model_id: 'm', metric: 'data_drift.psi.income', rule_id: d.rule_id });
  });
});
