import type { AlertingServices } from '../../src/alerting/alerting-services.js';
import { triggerCandidates } from '../../src/alerting/external-alerts.js';
import { SYSTEM_ACTOR } from '../../src/observability/audit.js';
import type { Store } from '../../src/store/store.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Incidents that keep coming, through the real alerting pipeline: a new incident (a CRITICAL
 * external alert on a new model), a second alert joining it, an acknowledgment, a resolution,
 * round and round every `everyMs`. Its state is the store's, so a producer restarted after a
 * crash carries on where the dead one was.
 */
export async function produceIncidents(store: Store, alerting: AlertingServices, opts: { everyMs: number; until: () => boolean; prefix: string }): Promise<number> {
  let events = 0;
  for (let i = 0; !opts.until(); i++) {
    const active = (await store.alerting.listIncidents({ limit: 200, status: 'active' })).items.sort((a, b) => a.created_at - b.created_at);
    const step = i % 4;
    if (step === 0 || active.length === 0) {
      await alerting.service.submit(triggerCandidates({ severity: 'CRITICAL', model_id: `${opts.prefix}-${Date.now().toString(36)}-${i}`, metrics: [{ metric_name: 'fairness.demographic_parity', value: 0.2, threshold: 0.1 }] }));
    } else if (step === 1) {
      const newest = active[active.length - 1];
      await alerting.service.submit(triggerCandidates({ severity: 'CRITICAL', model_id: newest.model_id, metrics: [{ metric_name: 'data_drift.psi.income', value: 0.4, threshold: 0.2 }] }));
    } else if (step === 2) {
      const target = active.find((x) => x.status === 'open');
      if (target) await alerting.incidents.acknowledge(target.alert_ids[0], 'jane', 'looking', SYSTEM_ACTOR);
    } else {
      const target = active.find((x) => x.status === 'investigating');
      if (target) await alerting.incidents.resolve(target.incident_id, 'jane', 'fixed', SYSTEM_ACTOR);
    }
    events++;
    await sleep(opts.everyMs);
  }
  return events;
}
