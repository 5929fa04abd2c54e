import { prepareNumeric } from '../stats/sort.js';
import type { CategoricalSample } from '../stats/types.js';
import type { CategoricalColumn, Column } from './csv/column-builders.js';
import type { ColumnTable } from './csv/merge-columns.js';
import { categoricalFeatureDrift, numericFeatureDrift } from './feature-drift.js';
import type { FeatureDriftOptions } from './feature-drift.js';
import { classificationPerformance } from './performance-section.js';
import type { ReportSchema } from './schema.js';
import type { DriftReport, FeatureDrift } from './types.js';

/** The model sections of a report: present when the schema names the model's columns. */
export type ModelSections = Pick<DriftReport, 'prediction' | 'fairness' | 'performance'>;

/**
 * The model sections from the row-aligned columns of both sides: prediction drift (the
 * prediction and score columns tested like features) and, with the actual values, performance.
 */
export function buildModelSections(
  schema: ReportSchema,
  reference: ColumnTable,
  current: ColumnTable,
  options: FeatureDriftOptions,
): ModelSections {
  const columns: FeatureDrift[] = [];
  for (const name of [schema.prediction, schema.score]) {
    if (name === undefined) continue;
    columns.push(columnDrift(name, reference.columns.get(name)!, current.columns.get(name)!, options));
  }
  const sections: { -readonly [K in keyof ModelSections]: ModelSections[K] } = {};
  if (columns.length > 0) sections.prediction = { columns, metrics: [] };
  if (schema.prediction !== undefined && schema.actual !== undefined && schema.task === 'classification') {
    const performance = classificationPerformance(schema, reference, current);
    if (performance) sections.performance = performance;
  }
  return sections;
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
