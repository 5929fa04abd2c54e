import { classificationMetrics } from '../stats/classification.js';
import type { ClassificationMetrics } from '../stats/classification.js';
import { regressionMetrics } from '../stats/regression.js';
import type { Severity } from '../stats/types.js';
import type { CategoricalColumn, NumericColumn } from './csv/column-builders.js';
import type { ColumnTable } from './csv/merge-columns.js';
import type { ReportSchema } from './schema.js';
import type { MetricComparison, PerformanceSection } from './types.js';

/** Relative worsening of a metric that makes it a WARNING (5 %) or CRITICAL (10 %): the source designs' moderate and severe degradation. */
export const DEGRADATION = { warning: 0.05, critical: 0.1 } as const;

type Direction = 'higher_is_better' | 'lower_is_better';

/** Severity of the change from reference to current, by relative worsening. */
export function degradation(reference: number | null, current: number | null, direction: Direction): Severity | undefined {
  if (reference === null || current === null || reference === 0) return undefined;
  const worse = direction === 'higher_is_better' ? (reference - current) / Math.abs(reference) : (current - reference) / Math.abs(reference);
  return worse >= DEGRADATION.critical ? 'CRITICAL' : worse >= DEGRADATION.warning ? 'WARNING' : 'INFO';
}

export function compare(metric: string, reference: number | null, current: number | null, direction: Direction): MetricComparison {
  const fin = (v: number | null): number | null => (v === null || !Number.isFinite(v) ? null : v);
  const r = fin(reference);
  const c = fin(current);
  const severity = degradation(r, c, direction);
  return { metric, reference: r, current: c, change: r === null || c === null ? null : c - r, ...(severity ? { severity } : {}) };
}

/** The classification rows of one side where prediction and actual (and the score, if any) are known. */
interface Labelled {
  readonly yTrue: Int32Array;
  readonly yPred: Int32Array;
  readonly probabilities?: Float64Array;
}

/**
 * Performance of a classifier on both sides, with scikit-learn's numbers (src/stats/
 * classification.ts). `labels` are all predicted and actual values in the stable category
 * order (at least two); the score column is the probability of the positive label.
 */
export function classificationPerformance(
  schema: ReportSchema,
  reference: ColumnTable,
  current: ColumnTable,
  labels: readonly string[],
  positive: number,
): PerformanceSection {
  const sides = [reference, current].map((t) => ({
    prediction: t.columns.get(schema.prediction!) as CategoricalColumn,
    actual: t.columns.get(schema.actual!) as CategoricalColumn,
    score: schema.score !== undefined ? (t.columns.get(schema.score) as NumericColumn) : undefined,
  }));
  const binary = labels.length === 2;
  const [ref, cur] = sides.map((s) => labelled(s.prediction, s.actual, binary ? s.score : undefined, labels, positive));
  const metricsOf = (l: Labelled): ClassificationMetrics | null =>
    l.yTrue.length === 0 ? null : classificationMetrics({ ...l, labels, positiveLabel: positive });
  const r = metricsOf(ref);
  const c = metricsOf(cur);
  const pick = (f: (m: ClassificationMetrics) => number | null | undefined) => [r ? (f(r) ?? null) : null, c ? (f(c) ?? null) : null] as const;
  const up = (name: string, f: (m: ClassificationMetrics) => number | null | undefined) => compare(name, ...pick(f), 'higher_is_better');
  const down = (name: string, f: (m: ClassificationMetrics) => number | null | undefined) => compare(name, ...pick(f), 'lower_is_better');
  const metrics = [
    up('accuracy', (m) => m.accuracy),
    ...(binary
      ? [up('precision', (m) => m.binary?.precision), up('recall', (m) => m.binary?.recall), up('f1', (m) => m.binary?.f1)]
      : [up('macro_precision', (m) => m.macro?.precision), up('macro_recall', (m) => m.macro?.recall), up('macro_f1', (m) => m.macro?.f1), up('weighted_f1', (m) => m.weighted?.f1)]),
  ];
  if (binary && schema.score !== undefined) {
    metrics.push(
      up('roc_auc', (m) => m.roc_auc),
      up('pr_auc', (m) => m.pr_auc),
      down('log_loss', (m) => m.log_loss),
      down('brier_score', (m) => m.brier_score),
      down('ece', (m) => m.calibration?.ece),
    );
  }
  return {
    task: binary ? 'binary' : 'multiclass',
    metrics,
    labelled: { reference: ref.yTrue.length, current: cur.yTrue.length },
    confusion_matrix: { labels, reference: r?.confusion_matrix.counts ?? null, current: c?.confusion_matrix.counts ?? null },
  };
}

/** Performance of a regression model on both sides (src/stats/regression.ts: scikit-learn's MAE, RMSE, MAPE, R²). */
export function regressionPerformance(schema: ReportSchema, reference: ColumnTable, current: ColumnTable): PerformanceSection {
  const [r, c] = [reference, current].map((t) => {
    const predicted = (t.columns.get(schema.prediction!) as NumericColumn).values;
    const actual = (t.columns.get(schema.actual!) as NumericColumn).values;
    const rows: number[] = [];
    for (let i = 0; i < predicted.length; i++) if (Number.isFinite(predicted[i]) && Number.isFinite(actual[i])) rows.push(i);
    const yTrue = Float64Array.from(rows, (i) => actual[i]);
    const yPred = Float64Array.from(rows, (i) => predicted[i]);
    return regressionMetrics(yTrue, yPred);
  });
  return {
    task: 'regression',
    metrics: [
      compare('mae', r.mae, c.mae, 'lower_is_better'),
      compare('rmse', r.rmse, c.rmse, 'lower_is_better'),
      compare('mape', r.mape, c.mape, 'lower_is_better'),
      compare('r2', r.r2, c.r2, 'higher_is_better'),
    ],
    labelled: { reference: r.n, current: c.n },
  };
}

/** The schema's positive label, else `1` or `true` when present, else the second label. */
export function positiveIndex(labels: readonly string[], positive: string | undefined): number {
  for (const candidate of [positive, '1', 'true', 'True', '1.0']) {
    if (candidate === undefined) continue;
    const i = labels.indexOf(candidate);
    if (i >= 0) return i;
  }
  return Math.min(1, labels.length - 1);
}

function labelled(
  prediction: CategoricalColumn,
  actual: CategoricalColumn,
  score: NumericColumn | undefined,
  labels: readonly string[],
  positive: number,
): Labelled {
  const index = new Map(labels.map((l, i) => [l, i]));
  const predOf = prediction.dictionary.map((v) => index.get(v)!);
  const trueOf = actual.dictionary.map((v) => index.get(v)!);
  const n = prediction.codes.length;
  const keep: number[] = [];
  for (let i = 0; i < n; i++) {
    if (prediction.codes[i] < 0 || actual.codes[i] < 0) continue;
    if (score && !(score.values[i] >= 0 && score.values[i] <= 1)) continue;
    keep.push(i);
  }
  const yTrue = Int32Array.from(keep, (i) => trueOf[actual.codes[i]]);
  const yPred = Int32Array.from(keep, (i) => predOf[prediction.codes[i]]);
  if (!score) return { yTrue, yPred };
  const probabilities = new Float64Array(keep.length * 2);
  keep.forEach((i, r) => {
    probabilities[r * 2 + positive] = score.values[i];
    probabilities[r * 2 + (1 - positive)] = 1 - score.values[i];
  });
  return { yTrue, yPred, probabilities };
}
