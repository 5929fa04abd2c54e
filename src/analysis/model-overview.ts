/**
 * The dashboard's overview of every model (Flow 5): per model its newest record, the score over
 * the last 7 days, predictions per day, open incidents, and whether its analyses went stale.
 * Built from batched indexed reads (store.overview: records by (model_id, timestamp) without
 * their bodies, prediction blocks by (model_id, day), incidents by (model_id, status)), one page
 * of models at a time, so its cost grows with the page, not with the history.
 */
import { DAY_MS, HOUR_MS, dayOf, dayString, toIso } from '../domain/time.js';
import type { MonitoringRecordRow } from '../store/monitoring-store.js';
import type { PageRequest, Store } from '../store/store.js';
import { presentRecordItem } from './present-monitoring.js';

/** A model whose newest analysis is older than this is stale (the default self-monitoring rule's 12 h). */
export const STALE_AFTER_MS = 12 * HOUR_MS;
/** Days of history the overview shows (score sparkline, predictions per day). */
export const OVERVIEW_DAYS = 7;
/** Most records per model the score series holds (the newest; 7 days of analyses every 10 minutes). */
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

const groupBy = <T extends { model_id: string }>(rows: T[]): Map<string, T[]> => {
  const out = new Map<string, T[]>();
  for (const r of rows) {
    const list = out.get(r.model_id);
    if (list) list.push(r);
    else out.set(r.model_id, [r]);
  }
  return out;
};

/**
 * A page of models (in the store's model order) with their overview: three statements for the
 * whole page (records of the last days, predictions per day, active incidents), plus one
 * indexed lookup per model that has no record in those days (its newest, however old).
 */
export async function modelOverviews(store: Store, page: PageRequest, now: number): Promise<{ items: ModelOverview[]; next_cursor?: string }> {
  const models = await store.listModels(page);
  const ids = models.items.map((m) => m.model_id);
  const firstDay = dayOf(now) - (OVERVIEW_DAYS - 1);
  const [records, days, incidents] = await Promise.all([
    store.overview.recordsSince(ids, now - OVERVIEW_DAYS * DAY_MS),
    store.overview.predictionsPerDay(ids, firstDay, dayOf(now)),
    store.overview.activeIncidentCounts(ids),
  ]);
  const recordsOf = groupBy(records);
  const daysOf = groupBy(days);
  const items: ModelOverview[] = [];
  for (const model of models.items) {
    const recent = (recordsOf.get(model.model_id) ?? []).slice(-SERIES_CAP);
    const latest = recent[recent.length - 1] ?? (await store.listRecords({ model_id: model.model_id, limit: 1, withoutBody: true })).items[0];
    const perDay = new Map((daysOf.get(model.model_id) ?? []).map((d) => [d.day, d.count]));
    items.push({
      model_id: model.model_id,
      name: model.name,
      task: model.schema.task,
      latest: latest ? presentRecordItem(latest) : null,
      stale: !latest || now - latest.timestamp > STALE_AFTER_MS,
      score_series: recent.map((r) => ({ timestamp: toIso(r.timestamp), aggregated_score: r.aggregated_score, max_severity: r.max_severity, status: r.status })),
      predictions_per_day: Array.from({ length: OVERVIEW_DAYS }, (_, i) => {
        const day = dayString(firstDay + i);
        return { day, count: perDay.get(day) ?? 0 };
      }),
      open_incidents: incidents.get(model.model_id) ?? 0,
      counts: countsOf(recent),
    });
  }
  return { items, next_cursor: models.next_cursor };
}
