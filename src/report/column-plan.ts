import type { ColumnKind, ColumnRequest } from './csv/read-columns.js';
import { inputError } from './input-error.js';
import type { ReportSchema } from './schema.js';

/**
 * How the report reads one column. `summary`: only what the drift tests need (sorted finite
 * values, or category counts), computed where the chunk was parsed. `raw`: the row-aligned
 * values, for the model sections that pair a prediction with its actual value or group.
 */
export interface PlannedColumn extends ColumnRequest {
  readonly summary: boolean;
  readonly raw: boolean;
}

/** The columns a report reads, each once, in schema order. */
export function planReportColumns(schema: ReportSchema, schemaFile = 'schema'): PlannedColumn[] {
  const planned = new Map<string, { type: ColumnKind; summary: boolean; raw: boolean; field: string }>();
  const want = (name: string, type: ColumnKind, field: string, summary: boolean): void => {
    const seen = planned.get(name);
    if (!seen) {
      planned.set(name, { type, summary, raw: !summary, field });
      return;
    }
    if (seen.type !== type) {
      throw inputError(
        { file: schemaFile, field },
        `column '${name}' is read as ${type} here but as ${seen.type} by ${seen.field}`,
      );
    }
    if (summary) seen.summary = true;
    else seen.raw = true;
  };
  schema.features.forEach((f, i) => want(f.name, f.type === 'numeric' ? 'numeric' : 'categorical', `features[${i}]`, true));
  const outcome: ColumnKind = schema.task === 'regression' ? 'numeric' : 'categorical';
  if (schema.prediction !== undefined) want(schema.prediction, outcome, 'prediction', false);
  if (schema.actual !== undefined) want(schema.actual, outcome, 'actual', false);
  if (schema.score !== undefined) want(schema.score, 'numeric', 'score', false);
  schema.protected_attributes.forEach((p, i) => want(p.name, 'categorical', `protected_attributes[${i}]`, false));
  return [...planned].map(([name, p]) => ({ name, type: p.type, summary: p.summary, raw: p.raw }));
}
