import type { ModelSchema } from '../domain/model-schema.js';
import { COL, type ColumnSet, type DictColumn } from '../store/blocks/columns.js';
import type { OutcomeColumns } from '../store/outcome-queries.js';
import { OutcomeIndex } from './outcome-index.js';
import { type UnsortedBins, UnsortedBinner } from './unsorted-bins.js';

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
  /**
   * explanations binned while loading instead of kept (see WindowOptions.explanationEdges):
   * those features are absent from `explanations`
   */
  explanationBins?: Map<string, UnsortedBins>;
  latency: Float64Array;
  /** actual label index per row (-1 where no outcome) */
  actualLabel: Int32Array | null;
  /** actual value per row (NaN where no outcome) */
  actualValue: Float64Array | null;
  /** rows with an outcome */
  labelled: number;
}

/** Outcomes to join while a window is built: the index over them and their labels as codes. */
export interface OutcomeJoin {
  index: OutcomeIndex;
  /** per outcome: index into schema.labels, -1 when absent or unknown (classification) */
  labelCode: Int32Array | null;
  /** per outcome: actual value, NaN when absent (regression) */
  value: Float64Array | null;
}

/** Prepare outcomes for {@link WindowBuilder}. */
export function outcomeJoin(schema: ModelSchema, outcomes: OutcomeColumns): OutcomeJoin {
  if (schema.task === 'regression') return { index: new OutcomeIndex(outcomes), labelCode: null, value: outcomes.value };
  const labelIndex = new Map(schema.labels.map((l, i) => [l, i]));
  const labelCode = new Int32Array(outcomes.rows);
  for (let o = 0; o < outcomes.rows; o++) {
    const l = outcomes.label[o];
    labelCode[o] = l === null ? -1 : (labelIndex.get(l) ?? -1);
  }
  return { index: new OutcomeIndex(outcomes), labelCode, value: null };
}

/** What a window builder does besides copying columns. */
export interface WindowOptions {
  /** outcomes to attach: each row's is looked up as its block passes (by time, then id) */
  join?: OutcomeJoin;
  /**
   * explanation features to bin against these edges (the baseline's deciles) block by block
   * instead of keeping their values: explanation drift needs only the bins and Σ|value|
   */
  explanationEdges?: Map<string, Float64Array>;
}

/**
 * Copy column sets (blocks) into one window, block by block; `total` sizes the arrays (they
 * grow when more rows come). With a join, outcomes are attached on the way, so ids are never
 * kept for the whole window.
 */
export class WindowBuilder {
  private readonly w: WindowData;
  private readonly join?: OutcomeJoin;
  private readonly binners = new Map<string, UnsortedBinner>();
  private readonly dictIndex = new Map<string, Map<string, number>>();
  private readonly labelIndex: Map<string, number>;
  private readonly k: number;
  private readonly withOutcomes: boolean;
  private at = 0;

  constructor(
    private readonly schema: ModelSchema,
    private total: number,
    options: WindowOptions = {},
  ) {
    const join = (this.join = options.join);
    this.k = schema.labels.length;
    this.withOutcomes = join !== undefined && join.index.size > 0;
    for (const f of schema.explanation_features) {
      const edges = options.explanationEdges?.get(f);
      if (edges) this.binners.set(f, new UnsortedBinner(edges));
    }
    for (const f of schema.features) if (f.type !== 'numeric') this.dictIndex.set(f.name, new Map());
    this.labelIndex = new Map(schema.labels.map((l, i) => [l, i]));
    this.w = { rows: 0, labelled: 0, ...this.arrays(total) };
  }

  /**
   * Every array of a window of `total` rows, carved out of one ArrayBuffer: one allocation, so
   * one free. Large enough to be mapped by itself, it goes back to the OS when the window is
   * collected (thirty separate arrays would stay in the allocator's heap, and a server's RSS
   * would keep two windows' worth). Every block writes its rows of every array (missing where
   * it lacks the column), so nothing is filled here but the outcome columns.
   */
  private arrays(total: number): Omit<WindowData, 'rows' | 'labelled'> {
    const { schema, k } = this;
    const classification = schema.task !== 'regression';
    const numeric = schema.features.filter((f) => f.type === 'numeric');
    const categorical = schema.features.filter((f) => f.type !== 'numeric');
    const kept = schema.explanation_features.filter((f) => !this.binners.has(f));
    const f64Columns =
      numeric.length + kept.length + 1 + (classification ? 1 + k : 1) + (schema.task === 'binary_classification' ? 1 : 0) + (this.withOutcomes && !classification ? 1 : 0);
    const i32Columns = categorical.length + (classification ? 1 : 0) + (this.withOutcomes && classification ? 1 : 0);
    const i32Bytes = (total * 4 + 7) & ~7;
    const buffer = new ArrayBuffer(f64Columns * total * 8 + i32Columns * i32Bytes);
    let at = 0;
    const f64 = (n = total) => {
      const a = new Float64Array(buffer, at, n);
      at += n * 8;
      return a;
    };
    const i32 = () => {
      const a = new Int32Array(buffer, at, total);
      at += i32Bytes;
      return a;
    };
    const old = this.w as WindowData | undefined;
    return {
      numeric: new Map(numeric.map((f) => [f.name, f64()])),
      categorical: new Map(categorical.map((f) => [f.name, { kind: 'dict', dict: old?.categorical.get(f.name)?.dict ?? [], codes: i32() }])),
      explanations: new Map(kept.map((f) => [f, f64()])),
      label: classification ? i32() : null,
      confidence: classification ? f64() : null,
      score: schema.task === 'binary_classification' ? f64() : null,
      probabilities: classification ? f64(total * k) : null,
      value: classification ? null : f64(),
      latency: f64(),
      actualLabel: this.withOutcomes && classification ? i32().fill(-1) : null,
      actualValue: this.withOutcomes && !classification ? f64().fill(NaN) : null,
    };
  }

  add(set: ColumnSet): void {
    const { w, at, k, schema } = this;
    const n = set.rows;
    if (at + n > this.total) this.grow(Math.max(at + n, this.total * 2));
    const c = set.columns;
    const copyF64 = (name: string, into: Float64Array | null) => {
      if (!into) return;
      const col = c.get(name);
      if (col && col.kind === 'f64') into.set(col.values, at);
      else into.fill(NaN, at, at + n);
    };
    for (const [name, arr] of w.numeric) copyF64(COL.feature(name), arr);
    for (const [name, target] of w.categorical) {
      const col = c.get(COL.feature(name));
      if (!col || col.kind !== 'dict') {
        target.codes.fill(-1, at, at + n);
        continue;
      }
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
      const codes = col.codes;
      const out = target.codes;
      for (let i = 0; i < n; i++) {
        const code = codes[i];
        out[at + i] = code < 0 ? -1 : remap[code];
      }
    }
    for (const [name, arr] of w.explanations) copyF64(COL.explanation(name), arr);
    for (const [name, binner] of this.binners) {
      const col = c.get(COL.explanation(name));
      if (col && col.kind === 'f64') binner.add(col.values);
      else binner.addMissing(n);
    }
    copyF64(COL.confidence, w.confidence);
    copyF64(COL.score, w.score);
    copyF64(COL.value, w.value);
    copyF64(COL.latency, w.latency);
    const label = c.get(COL.label);
    if (w.label && label && label.kind === 'dict') {
      const remap = label.dict.map((l) => this.labelIndex.get(l) ?? -1);
      const codes = label.codes;
      const out = w.label;
      for (let i = 0; i < n; i++) out[at + i] = codes[i] < 0 ? -1 : remap[codes[i]];
    } else if (w.label) w.label.fill(-1, at, at + n);
    if (w.probabilities) {
      const probs = w.probabilities;
      for (let l = 0; l < k; l++) {
        const col = c.get(COL.probability(schema.labels[l]));
        const values = col && col.kind === 'f64' ? col.values : null;
        if (values) for (let i = 0, j = at * k + l; i < n; i++, j += k) probs[j] = values[i];
        else for (let i = 0, j = at * k + l; i < n; i++, j += k) probs[j] = NaN;
      }
    }
    if (this.join && (w.actualLabel || w.actualValue)) this.joinOutcomes(set, this.join);
    this.at += n;
  }

  private joinOutcomes(set: ColumnSet, join: OutcomeJoin): void {
    const ts = set.columns.get(COL.ts);
    const ids = set.columns.get(COL.predictionId);
    if (!ts || ts.kind !== 'f64' || !ids || ids.kind !== 'str') throw new Error('joining outcomes needs the ts and id columns');
    const { w, at } = this;
    const { index, labelCode, value } = join;
    const times = ts.values;
    const rowIds = ids.values;
    for (let i = 0; i < set.rows; i++) {
      const o = index.find(times[i], rowIds[i]);
      if (o < 0) continue;
      if (labelCode && w.actualLabel) {
        if (labelCode[o] < 0) continue;
        w.actualLabel[at + i] = labelCode[o];
      } else if (value && w.actualValue) {
        if (Number.isNaN(value[o])) continue;
        w.actualValue[at + i] = value[o];
      }
      w.labelled++;
    }
  }

  /** Rows written after the count was taken: make room (rare). */
  private grow(total: number): void {
    const w = this.w;
    const next = this.arrays(total);
    const n = this.at;
    const copy = (from: Float64Array | Int32Array | null, to: Float64Array | Int32Array | null, per = 1) => {
      if (from && to) to.set(from.subarray(0, n * per));
    };
    for (const [name, a] of w.numeric) copy(a, next.numeric.get(name)!);
    for (const [name, d] of w.categorical) copy(d.codes, next.categorical.get(name)!.codes);
    for (const [name, a] of w.explanations) copy(a, next.explanations.get(name)!);
    copy(w.label, next.label);
    copy(w.confidence, next.confidence);
    copy(w.score, next.score);
    copy(w.value, next.value);
    copy(w.probabilities, next.probabilities, this.k);
    copy(w.actualLabel, next.actualLabel);
    copy(w.actualValue, next.actualValue);
    copy(w.latency, next.latency);
    Object.assign(w, next);
    this.total = total;
  }

  finish(): WindowData {
    if (this.binners.size) this.w.explanationBins = new Map([...this.binners].map(([name, b]) => [name, b.result()]));
    return trim(this.w, this.at, this.k);
  }
}

/** One-shot form of WindowBuilder. */
export function windowFromColumns(schema: ModelSchema, sets: Iterable<ColumnSet>, total: number): WindowData {
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
  w.actualLabel = cut(w.actualLabel);
  w.actualValue = cut(w.actualValue);
  if (w.probabilities && w.probabilities.length !== n * k) w.probabilities = w.probabilities.subarray(0, n * k);
  return w;
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
