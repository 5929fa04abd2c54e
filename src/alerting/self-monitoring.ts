import type { Model } from '../domain/model-schema.js';
import { DAY_MS, HOUR_MS } from '../domain/time.js';
import type { Store } from '../store/store.js';
import type { AlertingService, EvaluationResult } from './alerting-service.js';
import { SELF_METRICS } from './default-rules.js';
import type { ObservedFinding } from './types.js';

export const SELF_MONITORING_JOB = 'self-monitoring';

/** How far back "had predictions before" looks when logging seems to have stopped. */
const EARLIER_TRAFFIC_DAYS = 7;

/**
 * What the self-monitoring job measures for a model: hours since its newest monitoring record
 * (since registration when it has none), and predictions logged in the last 24 hours — the
 * latter only for a model that had predictions in the week before, so a model that never logged
 * anything is not "stopped". The measurements are INFO findings; the rules judge them.
 */
export async function measureModel(store: Store, model: Model, lastAnalysisAt: number | null, now: number): Promise<ObservedFinding[]> {
  const since = lastAnalysisAt ?? model.created_at;
  const hours = Math.max(0, (now - since) / HOUR_MS);
  const out: ObservedFinding[] = [
    {
      metric: SELF_METRICS.hoursSinceAnalysis,
      value: Math.round(hours * 100) / 100,
      threshold: null,
      severity: 'INFO',
      message: lastAnalysisAt === null ? 'no analysis since the model was registered' : `last analysis ${new Date(lastAnalysisAt).toISOString()}`,
    },
  ];
  const lastDay = await store.countPredictions(model.model_id, now - DAY_MS, now);
  const hadBefore = lastDay > 0 || (await store.countPredictions(model.model_id, now - (EARLIER_TRAFFIC_DAYS + 1) * DAY_MS, now - DAY_MS)) > 0;
  if (hadBefore) {
    out.push({
      metric: SELF_METRICS.predictionsLastDay,
      value: lastDay,
      threshold: null,
      severity: 'INFO',
      message: lastDay === 0 ? `no predictions in the last 24 h; there were some in the ${EARLIER_TRAFFIC_DAYS} days before` : undefined,
    });
  }
  return out;
}

async function allModels(store: Store): Promise<Model[]> {
  const out: Model[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listModels({ limit: 500, cursor });
    out.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor);
  return out;
}

/**
 * One run of the self-monitoring job: measure every registered model and evaluate the
 * measurements like a record's findings (the same rules, state, pipeline and incidents).
 * A model that fails is logged and the others still run.
 */
export async function runSelfMonitoring(
  store: Store,
  alerting: AlertingService,
  now: () => number,
  signal?: AbortSignal,
): Promise<{ status: 'succeeded' | 'failed'; models: number; recorded: number; failed: string[] }> {
  const latest = new Map((await store.latestRecords()).map((r) => [r.model_id, r.timestamp]));
  const summary = { status: 'succeeded' as 'succeeded' | 'failed', models: 0, recorded: 0, failed: [] as string[] };
  for (const model of await allModels(store)) {
    if (signal?.aborted) break;
    try {
      const at = now();
      const findings = await measureModel(store, model, latest.get(model.model_id) ?? null, at);
      const result: EvaluationResult = await alerting.evaluate(
        { model_id: model.model_id, kind: 'self', record_id: null, record_status: null, findings, period: null },
        await alerting.incidentSeverityOf(model.model_id, model),
      );
      summary.models++;
      summary.recorded += result.outcomes.filter((o) => o.decision === 'recorded').length;
    } catch {
      summary.failed.push(model.model_id);
      summary.status = 'failed';
    }
  }
  return summary;
}
