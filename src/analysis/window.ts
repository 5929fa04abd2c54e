import type { Model, ModelSchema } from '../domain/model-schema.js';
import { COL, type ColumnSet, type DictColumn } from '../store/blocks/columns.js';
import type { OutcomeRecord, Store } from '../store/store.js';

/**
 * A sample of predictions as typed columns: the analysis window, or the validation data a
 * baseline is built from. Missing numbers are NaN; missing codes are -1.
 */
export interface WindowData {
  rows: number;
  numeric: Map<string, Float64Array>;
  categorical: Map<string, DictColumn>;
  /** predicted label as an index into schema.labels (classification) */
  label: Int32Array | null;
  /** confidence of the predicted label */
  confidence: Float64Array | null;
  /** probability of the positive label (binary) */
  score: Float64Array | null;
  /** row-major rows × labels probabilities (NaN where not logged) */
  probabilities: Float64Array | null;
  /** predicted value (regression) */
  value: Float64Array | null;
  explanations: Map<string, Float64Array>;
  latency: Float64Array;
  /** actual label index per row (-1 where no outcome) */
  actualLabel: Int32Array | null;
  /** actual value per row (NaN where no outcome) */
  actualValue: Float64Array | null;
  /** rows with an outcome */
  labelled: number;
}

/** Copy column sets (blocks) into one window, block by block; `total` bounds the rows. */
export class WindowBuilder {
  private readonly w: WindowData & { ids: (string | null)[] };
  private readonly dictIndex = new Map<string, Map<string, number>>();
  private readonly labelIndex: Map<string, number>;
  private readonly k: number;
  private at = 0;

  constructor(
    private readonly schema: ModelSchema,
    private total: number,
  ) {
    const k = (this.k = schema.labels.length);
    const classification = schema.task !== 'regression';
    this.w = {
      rows: 0,
      numeric: new Map(),
      categorical: new Map(),
      label: classification ? new Int32Array(total).fill(-1) : null,
      confidence: classification ? new Float64Array(total).fill(NaN) : null,
      score: schema.task === 'binary_classification' ? new Float64Array(total).fill(NaN) : null,
      probabilities: classification ? new Float64Array(total * k).fill(NaN) : null,
      value: classification ? null : new Float64Array(total).fill(NaN),
      explanations: new Map(),
      latency: new Float64Array(total).fill(NaN),
      actualLabel: null,
      actualValue: null,
      labelled: 0,
      ids: [],
    };
    for (const f of schema.features) {
      if (f.type === 'numeric') this.w.numeric.set(f.name, new Float64Array(total).fill(NaN));
      else {
        this.w.categorical.set(f.name, { kind: 'dict', dict: [], codes: new Int32Array(total).fill(-1) });
        this.dictIndex.set(f.name, new Map());
      }
    }
    for (const f of schema.explanation_features) this.w.explanations.set(f, new Float64Array(total).fill(NaN));
    this.labelIndex = new Map(schema.labels.map((l, i) => [l, i]));
  }

  add(set: ColumnSet): void {
    const { w, at, k, schema } = this;
    const n = set.rows;
    if (at + n > this.total) this.grow(Math.max(at + n, this.total * 2));
    const c = set.columns;
    const copyF64 = (name: string, into: Float64Array | null) => {
      const col = c.get(name);
      if (into && col && col.kind === 'f64') into.set(col.values, at);
    };
    for (const [name, arr] of w.numeric) copyF64(COL.feature(name), arr);
    for (const [name, target] of w.categorical) {
      const col = c.get(COL.feature(name));
      if (!col || col.kind !== 'dict') continue;
      const index = this.dictIndex.get(name)!;
      const remap = col.dict.map((v) => {
        let code = index.get(v);
        if (code === undefined) {
          code = target.dict.length;
          target.dict.push(v);
          index.set(v, code);
        }
        return code;
      });
      for (let i = 0; i < n; i++) {
        const code = col.codes[i];
        target.codes[at + i] = code < 0 ? -1 : remap[code];
      }
    }
    for (const [name, arr] of w.explanations) copyF64(COL.explanation(name), arr);
    copyF64(COL.confidence, w.confidence);
    copyF64(COL.score, w.score);
    copyF64(COL.value, w.value);
    copyF64(COL.latency, w.latency);
    const label = c.get(COL.label);
    if (w.label && label && label.kind === 'dict') {
      const remap = label.dict.map((l) => this.labelIndex.get(l) ?? -1);
      for (let i = 0; i < n; i++) w.label[at + i] = label.codes[i] < 0 ? -1 : remap[label.codes[i]];
    }
    if (w.probabilities) {
      for (let l = 0; l < k; l++) {
        const col = c.get(COL.probability(schema.labels[l]));
        if (!col || col.kind !== 'f64') continue;
        for (let i = 0; i < n; i++) w.probabilities[(at + i) * k + l] = col.values[i];
      }
    }
    const ids = c.get(COL.predictionId);
    if (ids && ids.kind === 'str') for (const id of ids.values) w.ids.push(id);
    this.at += n;
  }

  /** Rows written after the count was taken: make room (rare). */
  private grow(total: number): void {
    const w = this.w;
    const f = (a: Float64Array, per = 1) => {
      const out = new Float64Array(total * per).fill(NaN);
      out.set(a);
      return out;
    };
    const i32 = (a: Int32Array) => {
      const out = new Int32Array(total).fill(-1);
      out.set(a);
      return out;
    };
    for (const [name, a] of w.numeric) w.numeric.set(name, f(a));
    for (const [, d] of w.categorical) d.codes = i32(d.codes);
    for (const [name, a] of w.explanations) w.explanations.set(name, f(a));
    if (w.label) w.label = i32(w.label);
    if (w.confidence) w.confidence = f(w.confidence);
    if (w.score) w.score = f(w.score);
    if (w.value) w.value = f(w.value);
    if (w.probabilities) w.probabilities = f(w.probabilities, this.k);
    w.latency = f(w.latency);
    this.total = total;
  }

  finish(): WindowData & { ids: (string | null)[] } {
    return trim(this.w, this.at, this.k);
  }
}

/** One-shot form of WindowBuilder. */
export function windowFromColumns(schema: ModelSchema, sets: Iterable<ColumnSet>, total: number): WindowData & { ids: (string | null)[] } {
  const b = new WindowBuilder(schema, total);
  for (const s of sets) b.add(s);
  return b.finish();
}

function trim<T extends WindowData>(w: T, n: number, k: number): T {
  const cut = <A extends Float64Array | Int32Array>(a: A | null): A | null => (a && a.length !== n ? (a.subarray(0, n) as A) : a);
  w.rows = n;
  for (const [name, a] of w.numeric) w.numeric.set(name, cut(a)!);
  for (const [, d] of w.categorical) d.codes = cut(d.codes)!;
  for (const [name, a] of w.explanations) w.explanations.set(name, cut(a)!);
  w.label = cut(w.label);
  w.confidence = cut(w.confidence);
  w.score = cut(w.score);
  w.value = cut(w.value);
  w.latency = cut(w.latency)!;
  if (w.probabilities && w.probabilities.length !== n * k) w.probabilities = w.probabilities.subarray(0, n * k);
  return w;
}

/** Attach outcomes to window rows by prediction id. */
export function attachOutcomes(w: WindowData, ids: (string | null)[], schema: ModelSchema, outcomes: OutcomeRecord[]): void {
  if (outcomes.length === 0) return;
  const byId = new Map<string, OutcomeRecord>();
  for (const o of outcomes) byId.set(o.prediction_id, o);
  const labelIndex = new Map(schema.labels.map((l, i) => [l, i]));
  if (schema.task === 'regression') w.actualValue = new Float64Array(w.rows).fill(NaN);
  else w.actualLabel = new Int32Array(w.rows).fill(-1);
  let labelled = 0;
  for (let i = 0; i < w.rows; i++) {
    const id = ids[i];
    if (id === null) continue;
    const o = byId.get(id);
    if (!o) continue;
    if (w.actualValue && o.value !== null) {
      w.actualValue[i] = o.value;
      labelled++;
    } else if (w.actualLabel && o.label !== null) {
      const idx = labelIndex.get(o.label);
      if (idx !== undefined) {
        w.actualLabel[i] = idx;
        labelled++;
      }
    }
  }
  w.labelled = labelled;
}

/** Columns the analyzer reads (ids only when outcomes must be joined). */
export function analysisColumns(schema: ModelSchema, withIds: boolean): Set<string> {
  const s = new Set<string>([COL.ts, COL.label, COL.confidence, COL.score, COL.value, COL.latency]);
  for (const f of schema.features) s.add(COL.feature(f.name));
  for (const f of schema.explanation_features) s.add(COL.explanation(f));
  for (const l of schema.labels) s.add(COL.probability(l));
  if (withIds) s.add(COL.predictionId);
  return s;
}

/** Load a model's predictions with `from <= ts < to` (and their outcomes) as one window. */
export async function loadWindow(store: Store, model: Model, from: number, to: number): Promise<WindowData> {
  const total = await store.countPredictions(model.model_id, from, to);
  const outcomes = await store.scanOutcomes(model.model_id, from, to);
  const builder = new WindowBuilder(model.schema, total);
  // blocks are copied as they arrive: only one decoded block is alive at a time
  for await (const block of store.scanPredictions({ model_id: model.model_id, from, to, columns: analysisColumns(model.schema, outcomes.length > 0) })) {
    builder.add(block.columns);
  }
  const w = builder.finish();
  attachOutcomes(w, w.ids, model.schema, outcomes);
  return w;
}
