import type { ModelSchema } from '../../domain/model-schema.js';
import { dayOf } from '../../domain/time.js';
import type { PredictionRecord } from '../store.js';
import { COL, type Column, type ColumnSet, takeColumnSet } from './columns.js';

/** Rows of a batch grouped by UTC day, each group sorted by timestamp: one block per group. */
export function splitByDay(set: ColumnSet): { day: number; minTs: number; maxTs: number; columns: ColumnSet }[] {
  const ts = tsColumn(set);
  const n = set.rows;
  const order = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => ts[a] - ts[b] || a - b);
  const out: { day: number; minTs: number; maxTs: number; columns: ColumnSet }[] = [];
  let start = 0;
  while (start < n) {
    const day = dayOf(ts[order[start]]);
    let end = start + 1;
    while (end < n && dayOf(ts[order[end]]) === day) end++;
    const rows = order.subarray(start, end);
    const sorted = end - start === n && isIdentity(order) ? set : takeColumnSet(set, rows);
    out.push({ day, minTs: ts[order[start]], maxTs: ts[order[end - 1]], columns: sorted });
    start = end;
  }
  return out;
}

function isIdentity(order: Int32Array): boolean {
  for (let i = 0; i < order.length; i++) if (order[i] !== i) return false;
  return true;
}

export function tsColumn(set: ColumnSet): Float64Array {
  const c = set.columns.get(COL.ts);
  if (!c || c.kind !== 'f64') throw new Error('block has no ts column');
  return c.values;
}

export function idColumn(set: ColumnSet): (string | null)[] {
  const c = set.columns.get(COL.predictionId);
  if (!c || c.kind !== 'str') throw new Error('block has no id column');
  return c.values;
}

/** Keep the rows whose timestamp is in [from, to). Returns the same set when all are in. */
export function filterByTime(set: ColumnSet, from: number, to: number): ColumnSet {
  const ts = tsColumn(set);
  let all = true;
  for (let i = 0; i < ts.length; i++) {
    if (ts[i] < from || ts[i] >= to) {
      all = false;
      break;
    }
  }
  if (all) return set;
  const keep: number[] = [];
  for (let i = 0; i < ts.length; i++) if (ts[i] >= from && ts[i] < to) keep.push(i);
  return takeColumnSet(set, keep);
}

function cell(col: Column | undefined, row: number): number | string | null {
  if (!col) return null;
  if (col.kind === 'f64') {
    const v = col.values[row];
    return Number.isNaN(v) ? null : v;
  }
  if (col.kind === 'dict') {
    const c = col.codes[row];
    return c < 0 ? null : col.dict[c];
  }
  return col.values[row];
}

/** Turn one row of a block back into the shape clients logged. */
export function rowToRecord(set: ColumnSet, row: number, modelId: string, schemaVersion: number, schema: ModelSchema): PredictionRecord {
  const c = set.columns;
  const features: PredictionRecord['features'] = {};
  for (const f of schema.features) {
    const v = cell(c.get(COL.feature(f.name)), row);
    features[f.name] = f.type === 'boolean' && v !== null ? v === 'true' : v;
  }
  const prediction: PredictionRecord['prediction'] = {};
  if (schema.task === 'regression') {
    const v = cell(c.get(COL.value), row);
    if (v !== null) prediction.value = v as number;
  } else {
    const label = cell(c.get(COL.label), row);
    if (label !== null) prediction.label = label as string;
    const conf = cell(c.get(COL.confidence), row);
    if (conf !== null) prediction.confidence = conf as number;
    const probs: Record<string, number> = {};
    let any = false;
    for (const l of schema.labels) {
      const p = cell(c.get(COL.probability(l)), row);
      if (p !== null) {
        probs[l] = p as number;
        any = true;
      }
    }
    if (any) prediction.probabilities = probs;
  }
  const record: PredictionRecord = {
    prediction_id: cell(c.get(COL.predictionId), row) as string,
    model_id: modelId,
    model_version: cell(c.get(COL.modelVersion), row) as string | null,
    schema_version: schemaVersion,
    timestamp: cell(c.get(COL.ts), row) as number,
    features,
    prediction,
  };
  if (schema.explanation_features.length) {
    const ex: Record<string, number> = {};
    let any = false;
    for (const f of schema.explanation_features) {
      const v = cell(c.get(COL.explanation(f)), row);
      if (v !== null) {
        ex[f] = v as number;
        any = true;
      }
    }
    if (any) record.explanation = ex;
  }
  const meta = cell(c.get(COL.metadata), row);
  if (typeof meta === 'string') record.metadata = JSON.parse(meta) as Record<string, unknown>;
  return record;
}

/** What each row predicted: label, positive-class score and value (null/NaN where absent). */
export interface PredictedValues {
  label(row: number): string | null;
  score(row: number): number | null;
  value(row: number): number | null;
}

export function predictedValues(set: ColumnSet): PredictedValues {
  const l = set.columns.get(COL.label);
  const s = set.columns.get(COL.score);
  const v = set.columns.get(COL.value);
  const num = (c: Column | undefined) => (row: number) => {
    if (!c || c.kind !== 'f64') return null;
    const x = c.values[row];
    return Number.isNaN(x) ? null : x;
  };
  return {
    label: (row) => (l && l.kind === 'dict' && l.codes[row] >= 0 ? l.dict[l.codes[row]] : null),
    score: num(s),
    value: num(v),
  };
}
