/**
 * The dashboard's overview of every model (Flow 5): per model its newest record, the score over
 * the last 7 days, predictions per day, open incidents, and whether its analyses went stale.
 * Built from indexed per-model queries (records by (model_id, timestamp) without their bodies,
 * prediction blocks by (model_id, day), incidents by (model_id, status)), one page of models at
 * a time, so its cost grows with the page, not with the history.
 */
import type { Model } from '../domain/model-schema.js';
import { DAY_MS, HOUR_MS, dayOf, dayString } from '../domain/time.js';
import type { MonitoringRecordRow } from '../store/monitoring-store.js';
import type { PageRequest, Store } from '../store/store.js';
import { presentRecordItem } from './present-monitoring.js';

/** A model whose newest analysis is older than this is stale (the default self-monitoring rule's 12 h). */
export const STALE_AFTER_MS = 12 * HOUR_MS;
/** Days of history the overview shows (score sparkline, predictions per day). */
export const OVERVIEW_DAYS = 7;
/** Most records per model the score series holds (7 days of analyses every 10 minutes). */
const SERIES_CAP = 1008;

/** One point of a model's score series (oldest first). */
export interface ScorePoint {
  timestamp: string;
  aggregated_score: number | null;
  max_severity: string | null;
  status: string;
}

/** One model as the overview shows it. */
export interface ModelOverview {
  model_id: string;
  name: string;
  task: string;
  latest: ReturnType<typeof presentRecordItem> | null;
  /** no analysis in STALE_AFTER_MS (or never analysed) */
  stale: boolean;
  score_series: ScorePoint[];
  /** the last OVERVIEW_DAYS UTC days, oldest first, days without predictions as 0 */
  predictions_per_day: { day: string; count: number }[];
  /** open or investigating incidents */
  open_incidents: number;
  /** records of the last OVERVIEW_DAYS days by worst severity (failed analyses counted apart) */
  counts: { critical: number; warning: number; info: number; failed: number; skipped: number };
}

/** Count records by severity the way Flow 5's summary does (failed apart here). */
function countsOf(records: MonitoringRecordRow[]): ModelOverview['counts'] {
  const c = { critical: 0, warning: 0, info: 0, failed: 0, skipped: 0 };
  for (const r of records) {
    if (r.status === 'failed') c.failed++;
    else if (r.status === 'skipped') c.skipped++;
    else if (r.max_severity === 'CRITICAL') c.critical++;
    else if (r.max_severity === 'WARNING') c.warning++;
    else c.info++;
  }
  return c;
}

async function overviewOf(store: Store, model: Model, now: number): Promise<ModelOverview> {
  const since = now - OVERVIEW_DAYS * DAY_MS;
  const firstDay = dayOf(now) - (OVERVIEW_DAYS - 1);
  const [recent, days, incidents] = await Promise.all([
    store.listRecords({ model_id: model.model_id, from: since, limit: SERIES_CAP, withoutBody: true }),
    store.countPredictionsByDay(model.model_id, firstDay * DAY_MS, now + 1),
    store.alerting.activeIncidentsOf(model.model_id),
  ]);
  let latest = recent.items[0];
  if (!latest) latest = (await store.listRecords({ model_id: model.model_id, limit: 1, withoutBody: true })).items[0];
  const perDay = new Map(days.map((d) => [d.day, d.count]));
  return {
    model_id: model.model_id,
    name: model.name,
    task: model.schema.task,
    latest: latest ? presentRecordItem(latest) : null,
    stale: !latest || now - latest.timestamp > STALE_AFTER_MS,
    score_series: recent.items
      .slice()
      .reverse()
      .map((r) => ({ timestamp: new Date(r.timestamp).toISOString(), aggregated_score: r.aggregated_score, max_severity: r.max_severity, status: r.status })),
    predictions_per_day: Array.from({ length: OVERVIEW_DAYS }, (_, i) => {
      const day = dayString(firstDay + i);
      return { day, count: perDay.get(day) ?? 0 };
    }),
    open_incidents: incidents.length,
    counts: countsOf(recent.items),
  };
}

/** A page of models (in the store's model order) with their overview. */
export async function modelOverviews(store: Store, page: PageRequest, now: number): Promise<{ items: ModelOverview[]; next_cursor?: string }> {
  const models = await store.listModels(page);
  const items: ModelOverview[] = [];
  // a few models at a time: PostgreSQL answers them in parallel, SQLite does not mind
  for (let i = 0; i < models.items.length; i += 8) {
    items.push(...(await Promise.all(models.items.slice(i, i + 8).map((m) => overviewOf(store, m, now)))));
  }
  return { items, next_cursor: models.next_cursor };
}
