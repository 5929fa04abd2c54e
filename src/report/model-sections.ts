import { compareCategories } from '../stats/categorical.js';
import { labelFreeChange, labelFreeSummary } from '../stats/label-free.js';
import type { LabelFreeSummary } from '../stats/label-free.js';
import { prepareNumeric } from '../stats/sort.js';
import type { CategoricalSample } from '../stats/types.js';
import type { CategoricalColumn, Column, NumericColumn } from './csv/column-builders.js';
import type { ColumnTable } from './csv/merge-columns.js';
import { fairnessSection } from './fairness-section.js';
import type { Outcomes } from './fairness-section.js';
import { categoricalFeatureDrift, numericFeatureDrift } from './feature-drift.js';
import type { FeatureDriftOptions } from './feature-drift.js';
import { classificationPerformance, positiveIndex, regressionPerformance } from './performance-section.js';
import type { ReportSchema } from './schema.js';
import type { DriftReport, FeatureDrift, MetricComparison } from './types.js';

/** The model sections of a report: present when the schema names the model's columns. */
export type ModelSections = Pick<DriftReport, 'prediction' | 'fairness' | 'performance'>;

/**
 * The model sections from the row-aligned columns of both sides: prediction drift (the
 * prediction and score columns tested like features, plus the label-free proxy metrics of a
 * classifier), fairness per protected attribute, and performance when the actual values are known.
 */
export function buildModelSections(
  schema: ReportSchema,
  reference: ColumnTable,
  current: ColumnTable,
  options: FeatureDriftOptions,
): ModelSections {
  if (schema.prediction === undefined && schema.score === undefined) return {};
  const sections: { -readonly [K in keyof ModelSections]: ModelSections[K] } = {};
  const columns: FeatureDrift[] = [];
  for (const name of [schema.prediction, schema.score]) {
    if (name !== undefined) columns.push(columnDrift(name, reference.columns.get(name)!, current.columns.get(name)!, options));
  }
  let metrics: MetricComparison[] = [];
  if (schema.task === 'classification' && schema.prediction !== undefined) {
    const labels = classLabels(schema, [reference, current]);
    if (labels.length >= 2) {
      const positive = positiveIndex(labels, schema.positive_label);
      metrics = labelFreeMetrics(schema, [reference, current], labels, positive);
      if (schema.protected_attributes.length > 0) {
        const outcomes = [reference, current].map((t) => outcomesOf(schema, t, labels, positive)) as [Outcomes, Outcomes];
        sections.fairness = fairnessSection(schema, reference, current, outcomes);
      }
      if (schema.actual !== undefined) sections.performance = classificationPerformance(schema, reference, current, labels, positive);
    }
  }
  if (schema.task === 'regression' && schema.prediction !== undefined && schema.actual !== undefined) {
    sections.performance = regressionPerformance(schema, reference, current);
  }
  sections.prediction = { columns, metrics };
  return sections;
}

/** Labels of a classifier: every predicted and actual value on both sides, in the stable category order. */
export function classLabels(schema: ReportSchema, tables: readonly ColumnTable[]): string[] {
  const names = [schema.prediction, schema.actual].filter((n): n is string => n !== undefined);
  const values = tables.flatMap((t) => names.flatMap((n) => (t.columns.get(n) as CategoricalColumn).dictionary));
  return [...new Set(values)].sort(compareCategories);
}

/** A categorical column's codes as indices into `labels` (-1 where missing). */
export function labelIndices(column: CategoricalColumn, labels: readonly string[]): Int32Array {
  const index = new Map(labels.map((l, i) => [l, i]));
  const remap = column.dictionary.map((v) => index.get(v) ?? -1);
  return Int32Array.from(column.codes, (c) => (c < 0 ? -1 : remap[c]));
}

function outcomesOf(schema: ReportSchema, table: ColumnTable, labels: readonly string[], positive: number): Outcomes {
  const predicted = labelIndices(table.columns.get(schema.prediction!) as CategoricalColumn, labels);
  const predictedPositive = Uint8Array.from(predicted, (c) => (c === positive ? 1 : 0));
  if (schema.actual === undefined) return { predictedPositive };
  const actual = labelIndices(table.columns.get(schema.actual) as CategoricalColumn, labels);
  return {
    predictedPositive,
    actualPositive: Uint8Array.from(actual, (c) => (c === positive ? 1 : 0)),
    hasOutcome: Uint8Array.from(actual, (c, i) => (c >= 0 && predicted[i] >= 0 ? 1 : 0)),
  };
}

/**
 * Label-free proxy metrics (src/stats/label-free.ts) of both sides: predicted class shares,
 * their entropy, and with a score column (binary) the confidence and mean entropy.
 */
function labelFreeMetrics(schema: ReportSchema, tables: readonly ColumnTable[], labels: readonly string[], positive: number): MetricComparison[] {
  const k = labels.length;
  const [ref, cur] = tables.map((t): LabelFreeSummary => {
    const predicted = labelIndices(t.columns.get(schema.prediction!) as CategoricalColumn, labels);
    const score = k === 2 && schema.score !== undefined ? (t.columns.get(schema.score) as NumericColumn) : undefined;
    const rows: number[] = [];
    for (let i = 0; i < predicted.length; i++) {
      if (predicted[i] >= 0 && (!score || (score.values[i] >= 0 && score.values[i] <= 1))) rows.push(i);
    }
    const yPred = Int32Array.from(rows, (i) => predicted[i]);
    if (!score) return labelFreeSummary(yPred, k);
    const probabilities = new Float64Array(rows.length * 2);
    rows.forEach((i, r) => {
      probabilities[r * 2 + positive] = score.values[i];
      probabilities[r * 2 + 1 - positive] = 1 - score.values[i];
    });
    return labelFreeSummary(yPred, k, probabilities);
  });
  const change = labelFreeChange(ref, cur);
  const row = (metric: string, r: number | null, c: number | null): MetricComparison => ({
    metric,
    reference: r,
    current: c,
    change: r === null || c === null ? null : c - r,
  });
  const out = labels.map((label, i) => row(`share of ${label}`, ref.class_shares[i], cur.class_shares[i]));
  out.push(row('class share entropy', ref.class_share_entropy, cur.class_share_entropy));
  out.push({ metric: 'class share shift (TVD)', reference: null, current: null, change: change.class_share_shift });
  if (ref.confidence_mean !== null || cur.confidence_mean !== null) {
    out.push(row('confidence mean', ref.confidence_mean, cur.confidence_mean));
    out.push(row('confidence std', ref.confidence_std, cur.confidence_std));
    out.push(row('mean prediction entropy', ref.mean_entropy, cur.mean_entropy));
  }
  return out;
}

/** Drift of one model column, tested like a feature of its kind. */
export function columnDrift(name: string, reference: Column, current: Column, options: FeatureDriftOptions): FeatureDrift {
  if (reference.type === 'numeric' && current.type === 'numeric') {
    return numericFeatureDrift(name, prepareNumeric(reference.values), prepareNumeric(current.values), options);
  }
  return categoricalFeatureDrift(
    name,
    'categorical',
    countsOfColumn(reference as CategoricalColumn),
    countsOfColumn(current as CategoricalColumn),
    options,
  );
}

/** Category counts of a coded column. */
export function countsOfColumn(column: CategoricalColumn): CategoricalSample {
  const perCode = new Float64Array(column.dictionary.length);
  let missing = 0;
  for (let i = 0; i < column.codes.length; i++) {
    const c = column.codes[i];
    if (c < 0) missing++;
    else perCode[c]++;
  }
  const counts = new Map<string, number>();
  column.dictionary.forEach((value, c) => {
    if (perCode[c] > 0) counts.set(value, perCode[c]);
  });
  return { counts, n: column.codes.length - missing, missing };
}
