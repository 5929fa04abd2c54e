import type { ModelSchema } from '../domain/model-schema.js';
import { DAY_MS } from '../domain/time.js';
import { classificationMetrics } from '../stats/classification.js';
import { regressionMetrics } from '../stats/regression.js';
import type { Severity } from '../stats/types.js';
import type { OutcomeSummary } from '../store/monitoring-store.js';
import type { Store } from '../store/store.js';
import type { Thresholds } from './thresholds.js';
import type { Finding } from './types.js';
import type { WindowData } from './window.js';

export type DegradationLevel = 'none' | 'minor' | 'moderate' | 'severe';

/** Headline metrics of a set of labelled predictions. */
export interface PerformanceMetrics {
  n: number;
  accuracy?: number | null;
  precision?: number | null;
  recall?: number | null;
  f1?: number | null;
  roc_auc?: number | null;
  pr_auc?: number | null;
  log_loss?: number | null;
  brier_score?: number | null;
  ece?: number | null;
  mae?: number | null;
  rmse?: number | null;
  mape?: number | null;
  r2?: number | null;
}

export interface PerformanceResult {
  primary_metric: string;
  /** metrics of the window's labelled predictions (null below the minimum) */
  window: PerformanceMetrics & { judged: boolean };
  /** confusion-matrix and sum-based metrics of all outcomes for predictions of the last 7/30/90 days */
  rolling: Record<'7d' | '30d' | '90d', PerformanceMetrics>;
  baseline: PerformanceMetrics | null;
  /** relative drop of the primary metric vs the baseline (positive = worse) */
  drop: { value: number | null; level: DegradationLevel; severity: Severity };
  rollback_recommended: boolean;
  calibration?: { bins: { lower: number; upper: number; count: number; confidence: number | null; accuracy: number | null }[]; ece: number | null };
}

/** Primary metric per task: higher is better except MAE. */
export function primaryMetric(schema: ModelSchema): { name: keyof PerformanceMetrics; higherIsBetter: boolean } {
  if (schema.task === 'binary_classification') return { name: 'f1', higherIsBetter: true };
  if (schema.task === 'multiclass_classification') return { name: 'accuracy', higherIsBetter: true };
  return { name: 'mae', higherIsBetter: false };
}

/** Metrics of the labelled rows of a window (or of validation data). */
export function windowPerformance(schema: ModelSchema, w: WindowData): (PerformanceMetrics & { calibration?: PerformanceResult['calibration'] }) | null {
  if (w.labelled === 0) return null;
  if (schema.task === 'regression') {
    const yt: number[] = [];
    const yp: number[] = [];
    for (let i = 0; i < w.rows; i++) {
      const a = w.actualValue![i];
      const p = w.value![i];
      if (!Number.isNaN(a) && !Number.isNaN(p)) {
        yt.push(a);
        yp.push(p);
      }
    }
    const m = regressionMetrics(Float64Array.from(yt), Float64Array.from(yp));
    return { n: m.n, mae: m.mae, rmse: m.rmse, mape: m.mape, r2: m.r2 };
  }
  const idx: number[] = [];
  for (let i = 0; i < w.rows; i++) if (w.actualLabel![i] >= 0 && w.label![i] >= 0) idx.push(i);
  if (idx.length === 0) return null;
  const k = schema.labels.length;
  const yTrue = Int32Array.from(idx, (i) => w.actualLabel![i]);
  const yPred = Int32Array.from(idx, (i) => w.label![i]);
  let probabilities: Float64Array | undefined;
  if (w.probabilities) {
    probabilities = new Float64Array(idx.length * k);
    let complete = true;
    idx.forEach((row, j) => {
      for (let l = 0; l < k; l++) {
        const p = w.probabilities![row * k + l];
        if (Number.isNaN(p)) complete = false;
        probabilities![j * k + l] = p;
      }
    });
    if (!complete) probabilities = undefined;
  }
  if (!probabilities && w.score && k === 2) {
    // binary models that log only a score: P(positive) gives both columns
    const pos = schema.positive_label !== undefined ? schema.labels.indexOf(schema.positive_label) : 1;
    probabilities = new Float64Array(idx.length * 2);
    let complete = true;
    idx.forEach((row, j) => {
      const s = w.score![row];
      if (Number.isNaN(s)) complete = false;
      probabilities![j * 2 + pos] = s;
      probabilities![j * 2 + (1 - pos)] = 1 - s;
    });
    if (!complete) probabilities = undefined;
  }
  const positive = schema.positive_label !== undefined ? schema.labels.indexOf(schema.positive_label) : undefined;
  const m = classificationMetrics({ yTrue, yPred, probabilities, labels: schema.labels, positiveLabel: positive });
  const prf = m.binary ?? m.macro;
  const out: PerformanceMetrics & { calibration?: PerformanceResult['calibration'] } = {
    n: m.n,
    accuracy: m.accuracy,
    precision: prf?.precision ?? null,
    recall: prf?.recall ?? null,
    f1: prf?.f1 ?? null,
    roc_auc: m.roc_auc,
    pr_auc: m.pr_auc,
    log_loss: m.log_loss,
    brier_score: m.brier_score,
    ece: m.calibration?.ece ?? null,
  };
  if (m.calibration) {
    out.calibration = {
      ece: m.calibration.ece,
      bins: m.calibration.bins.map((b) => ({ lower: b.lower, upper: b.upper, count: b.count, confidence: b.mean_confidence, accuracy: b.accuracy })),
    };
  }
  return out;
}

function regressionFromSums(s: OutcomeSummary['regression']): PerformanceMetrics {
  if (s.n === 0) return { n: 0, mae: null, rmse: null, mape: null, r2: null };
  const ssTot = s.sum_y2 - (s.sum_y * s.sum_y) / s.n;
  return {
    n: s.n,
    mae: s.sum_abs_error / s.n,
    rmse: Math.sqrt(s.sum_sq_error / s.n),
    mape: s.sum_abs_pct_error / s.n,
    r2: ssTot > 0 ? 1 - s.sum_sq_error / ssTot : null,
  };
}

/** Accuracy, precision, recall and F1 from (predicted, actual) counts. */
export function metricsFromCells(schema: ModelSchema, summary: OutcomeSummary): PerformanceMetrics {
  if (schema.task === 'regression') return regressionFromSums(summary.regression);
  const cells = summary.cells.filter((c) => c.predicted !== null && c.actual !== null);
  const n = cells.reduce((s, c) => s + c.n, 0);
  if (n === 0) return { n: 0, accuracy: null, precision: null, recall: null, f1: null };
  const correct = cells.filter((c) => c.predicted === c.actual).reduce((s, c) => s + c.n, 0);
  const prf = (label: string) => {
    const tp = cells.filter((c) => c.predicted === label && c.actual === label).reduce((s, c) => s + c.n, 0);
    const pp = cells.filter((c) => c.predicted === label).reduce((s, c) => s + c.n, 0);
    const ap = cells.filter((c) => c.actual === label).reduce((s, c) => s + c.n, 0);
    const precision = pp ? tp / pp : 0;
    const recall = ap ? tp / ap : 0;
    return { precision, recall, f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0 };
  };
  let p: { precision: number; recall: number; f1: number };
  if (schema.task === 'binary_classification' && schema.positive_label !== undefined) p = prf(schema.positive_label);
  else {
    const all = schema.labels.map(prf);
    p = {
      precision: all.reduce((s, x) => s + x.precision, 0) / all.length,
      recall: all.reduce((s, x) => s + x.recall, 0) / all.length,
      f1: all.reduce((s, x) => s + x.f1, 0) / all.length,
    };
  }
  return { n, accuracy: correct / n, ...p };
}

export function degradation(drop: number | null, t: Thresholds['performance_drop']): { level: DegradationLevel; severity: Severity } {
  if (drop === null || drop < t.minor) return { level: 'none', severity: 'INFO' };
  if (drop < t.warning) return { level: 'minor', severity: 'INFO' };
  if (drop <= t.critical) return { level: 'moderate', severity: 'WARNING' };
  return { level: 'severe', severity: 'CRITICAL' };
}

/** Performance of the window and rolling windows against the baseline's. */
export async function performance(
  store: Store,
  modelId: string,
  schema: ModelSchema,
  w: WindowData,
  baseline: PerformanceMetrics | null,
  now: number,
  thresholds: Thresholds,
): Promise<PerformanceResult> {
  const primary = primaryMetric(schema);
  const win = windowPerformance(schema, w);
  const judged = win !== null && win.n >= thresholds.min_labelled;
  const rolling = {} as PerformanceResult['rolling'];
  for (const [key, days] of [['7d', 7], ['30d', 30], ['90d', 90]] as const) {
    rolling[key] = metricsFromCells(schema, await store.summarizeOutcomes(modelId, now - days * DAY_MS, now + 1));
  }
  let drop: number | null = null;
  const cur = win?.[primary.name];
  const ref = baseline?.[primary.name];
  if (judged && typeof cur === 'number' && typeof ref === 'number' && ref !== 0) {
    drop = primary.higherIsBetter ? (ref - cur) / Math.abs(ref) : (cur - ref) / Math.abs(ref);
  }
  const d = degradation(drop, thresholds.performance_drop);
  const { calibration, ...metrics } = win ?? { n: 0 };
  const out: PerformanceResult = {
    primary_metric: primary.name,
    window: { ...metrics, judged },
    rolling,
    baseline,
    drop: { value: drop, ...d },
    rollback_recommended: d.level === 'severe',
  };
  if (calibration) out.calibration = calibration;
  return out;
}

export function performanceFindings(p: PerformanceResult, thresholds: Thresholds): Finding[] {
  if (!p.window.judged) return [];
  const out: Finding[] = [];
  const value = p.window[p.primary_metric as keyof PerformanceMetrics];
  if (typeof value === 'number') out.push({ metric: `performance.${p.primary_metric}`, category: 'performance', value, threshold: null, severity: 'INFO' });
  if (p.drop.value !== null) {
    out.push({
      metric: `performance.${p.primary_metric}.drop`,
      category: 'performance',
      value: p.drop.value,
      threshold: p.drop.severity === 'CRITICAL' ? thresholds.performance_drop.critical : thresholds.performance_drop.warning,
      severity: p.drop.severity,
      message: `${p.drop.level} degradation${p.rollback_recommended ? ': rollback recommended' : ''}`,
    });
  }
  return out;
}

