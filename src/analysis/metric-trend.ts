/**
 * A model's metrics over time, read from its completed monitoring records: the dashboard's
 * trend charts (a feature's PSI over 7/30/90 days, fairness parity metrics with their threshold
 * lines, performance with delayed outcomes).
 *
 * Two kinds of series: a finding (`data_drift.psi.income`: value, the threshold it was judged
 * by, severity) and a path to a number in the record (`metrics.performance.window.accuracy`,
 * `metrics.performance.rolling.7d.f1`, `labelled_count`). Findings also come with the warning/critical band of
 * the model's thresholds, so a chart can draw both lines even while the value is far from them.
 */
import type { Model } from '../domain/model-schema.js';
import { toIso } from '../domain/time.js';
import type { MonitoringRecordRow } from '../store/monitoring-store.js';
import type { Store } from '../store/store.js';
import { type Band, type Thresholds, mergeThresholds } from './thresholds.js';
import type { Finding } from './types.js';

/** Most records one trend reads (90 days of analyses every 90 minutes); beyond it, `truncated`. */
export const TREND_RECORD_CAP = 1440;

export interface TrendPoint {
  timestamp: string;
  record_id: string;
  value: number | null;
  threshold?: number | null;
  severity?: string;
}

export interface TrendSeries {
  key: string;
  kind: 'finding' | 'metric';
  /** warning and critical thresholds of a finding's metric under the model's settings */
  band: Band | null;
  /** oldest first; records where the series is absent are left out */
  points: TrendPoint[];
}

export interface TrendRequest {
  from: number;
  to?: number;
  /** finding metrics, e.g. `data_drift.psi.income` */
  findings: string[];
  /** paths to numbers in the record, e.g. `metrics.performance.window.accuracy`, `labelled_count` */
  paths: string[];
}

/** The threshold band of a finding's metric (`fairness.disparate_impact.gender` → disparate_impact). */
export function bandOf(metric: string, t: Thresholds): Band | null {
  const [category, name] = metric.split('.');
  if (category === 'performance') return metric.endsWith('.drop') ? t.performance_drop : null;
  if (category === 'explanation_drift') return name === 'rank_correlation' ? t.rank_correlation : name === 'divergence' ? t.attribution_divergence : null;
  if (category === 'data_quality' && name === 'out_of_range_share') return t.out_of_range;
  if (category === 'data_quality' && name === 'unseen_share') return t.unseen_categories;
  const band = (t as unknown as Record<string, unknown>)[name];
  return band && typeof band === 'object' && 'warning' in band ? (band as Band) : null;
}

/** Walk a dotted path through plain objects (own properties only). */
function valueAt(root: unknown, path: string): number | null {
  let at: unknown = root;
  for (const part of path.split('.')) {
    if (at === null || typeof at !== 'object' || !Object.hasOwn(at, part)) return null;
    at = (at as Record<string, unknown>)[part];
  }
  return typeof at === 'number' && Number.isFinite(at) ? at : null;
}

/** The requested series of a model's completed records in [from, to), oldest first. */
export async function metricTrend(store: Store, model: Model, req: TrendRequest): Promise<{ records: number; truncated: boolean; series: TrendSeries[] }> {
  const rows: MonitoringRecordRow[] = [];
  let cursor: string | undefined;
  let truncated = false;
  do {
    const page = await store.listRecords({ model_id: model.model_id, from: req.from, to: req.to, status: 'completed', limit: 200, cursor });
    rows.push(...page.items);
    cursor = page.next_cursor;
    if (rows.length >= TREND_RECORD_CAP && cursor) {
      truncated = true;
      break;
    }
  } while (cursor);
  rows.reverse();

  const thresholds = mergeThresholds(model.settings.thresholds);
  const findingSeries = req.findings.map((key): TrendSeries => ({ key, kind: 'finding', band: bandOf(key, thresholds), points: [] }));
  const pathSeries = req.paths.map((key): TrendSeries => ({ key, kind: 'metric', band: null, points: [] }));
  const wanted = new Map(findingSeries.map((s) => [s.key, s]));
  for (const r of rows) {
    const timestamp = toIso(r.timestamp);
    const findings = Array.isArray(r.body.findings) ? (r.body.findings as Finding[]) : [];
    for (const f of findings) {
      const s = wanted.get(f.metric);
      if (s) s.points.push({ timestamp, record_id: r.record_id, value: f.value, threshold: f.threshold, severity: f.severity });
    }
    for (const s of pathSeries) {
      const value = valueAt(r.body, s.key);
      if (value !== null) s.points.push({ timestamp, record_id: r.record_id, value });
    }
  }
  return { records: rows.length, truncated, series: [...findingSeries, ...pathSeries] };
}
