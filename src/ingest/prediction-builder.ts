import type { FieldProblem } from '../errors/catalog.js';
import type { Model, ModelSchema } from '../domain/model-schema.js';
import { uuidv7 } from '../domain/ids.js';
import { parseTimestampFast } from './fast-time.js';
import { COL, type Column, type ColumnSet, DictBuilder } from '../store/blocks/columns.js';
import { clip, isPrintableId, isWellFormed, nestedDeeperThan } from './text-checks.js';

export const MAX_ID_LENGTH = 128;
export const MAX_CATEGORY_LENGTH = 256;
export const MAX_METADATA_BYTES = 8192;
/** metadata nested deeper than this is rejected (JSON.stringify overflows the stack on deep values) */
export const MAX_METADATA_DEPTH = 32;
/** probabilities may be off by this much from summing to 1 (float rounding in clients) */
const PROBABILITY_SUM_TOLERANCE = 1e-3;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
/** Own properties only: a feature or label named `constructor` must not find Object.prototype's. */
const own = (o: Record<string, unknown>, k: string): unknown => (Object.hasOwn(o, k) ? o[k] : undefined);

/** A prediction id the store can hold and compare exactly (see text-checks.ts). */
export const isValidPredictionId = (v: unknown): v is string => isPrintableId(v, MAX_ID_LENGTH);

/** Name lookups of a schema, made once per schema object (schemas are immutable). */
interface SchemaLookups {
  features: Map<string, number>;
  explanations: Map<string, number>;
  labels: Map<string, number>;
  positiveIndex: number;
  numericFeatures: number;
}
const lookups = new WeakMap<ModelSchema, SchemaLookups>();
function lookupsOf(schema: ModelSchema): SchemaLookups {
  let l = lookups.get(schema);
  if (!l) {
    l = {
      features: new Map(schema.features.map((f, i) => [f.name, i])),
      explanations: new Map(schema.explanation_features.map((f, i) => [f, i])),
      labels: new Map(schema.labels.map((label, i) => [label, i])),
      positiveIndex: schema.task === 'binary_classification' && schema.positive_label !== undefined ? schema.labels.indexOf(schema.positive_label) : -1,
      numericFeatures: schema.features.filter((f) => f.type === 'numeric').length,
    };
    lookups.set(schema, l);
  }
  return l;
}

/**
 * Validates prediction rows against one model's schema and writes them straight into columns.
 * A row with a problem is not added; its problems are collected with the row number.
 */
export class PredictionBuilder {
  private readonly ts: Float64Array;
  private readonly ids: (string | null)[];
  private readonly version: DictBuilder;
  private readonly meta: (string | null)[];
  private readonly latency: Float64Array;
  private readonly numeric: Float64Array[] = [];
  private readonly categorical: DictBuilder[] = [];
  private readonly label?: DictBuilder;
  private readonly confidence: Float64Array;
  private readonly score?: Float64Array;
  private readonly positiveIndex: number;
  private readonly probs: Float64Array[] = [];
  private readonly value?: Float64Array;
  private readonly explain: Float64Array[] = [];
  private readonly featureSlot: number[] = [];
  private readonly featureIndex: Map<string, number>;
  private readonly explainIndex: Map<string, number>;
  private readonly labelIndex: Map<string, number>;
  rows = 0;

  constructor(
    readonly model: Model,
    readonly capacity: number,
    private readonly now: number,
  ) {
    const schema = model.schema;
    const lookups = lookupsOf(schema);
    this.featureIndex = lookups.features;
    this.explainIndex = lookups.explanations;
    this.labelIndex = lookups.labels;
    this.positiveIndex = lookups.positiveIndex;
    // one allocation for every numeric column and one for every dictionary's codes: a small
    // request would otherwise allocate some thirty typed arrays
    const numericColumns =
      3 + lookups.numericFeatures + (this.positiveIndex >= 0 ? 1 : 0) + (schema.task === 'regression' ? 1 : schema.labels.length) + schema.explanation_features.length;
    const f64 = new Float64Array(capacity * numericColumns);
    const i32 = new Int32Array(capacity * (2 + schema.features.length - lookups.numericFeatures));
    let nextF64 = 0;
    let nextI32 = 0;
    const column = () => f64.subarray(capacity * nextF64, capacity * ++nextF64);
    const dict = () => new DictBuilder(capacity, i32.subarray(capacity * nextI32, capacity * ++nextI32));
    this.ts = column();
    this.ids = new Array(capacity);
    this.version = dict();
    this.meta = new Array(capacity);
    this.latency = column();
    for (const f of schema.features) {
      if (f.type === 'numeric') {
        this.featureSlot.push(this.numeric.length);
        this.numeric.push(column());
      } else {
        this.featureSlot.push(this.categorical.length);
        this.categorical.push(dict());
      }
    }
    this.confidence = column();
    if (this.positiveIndex >= 0) this.score = column();
    if (schema.task === 'regression') this.value = column();
    else {
      this.label = dict();
      for (let i = 0; i < schema.labels.length; i++) this.probs.push(column());
    }
    for (let i = 0; i < schema.explanation_features.length; i++) this.explain.push(column());
  }

  /** Validate one row; on success append it and return true, else push problems and return false. */
  add(input: unknown, row: number, problems: FieldProblem[]): boolean {
    const before = problems.length;
    const bad = (field: string, problem: string) => {
      problems.push({ row, field, problem });
    };
    if (!isObject(input)) {
      bad('', 'a prediction must be a JSON object');
      return false;
    }
    const schema = this.model.schema;
    const r = this.rows;

    // identity and time
    let id = input.prediction_id;
    if (id === undefined || id === null) id = uuidv7(this.now);
    else if (typeof id === 'number' && Number.isSafeInteger(id)) id = String(id);
    if (!isValidPredictionId(id)) {
      bad('prediction_id', `must be a string of 1–${MAX_ID_LENGTH} printable characters (well-formed Unicode)`);
    }
    const mv = input.model_version;
    if (mv !== undefined && mv !== null && (typeof mv !== 'string' || mv.length > MAX_ID_LENGTH || !isWellFormed(mv))) {
      bad('model_version', `must be a string of at most ${MAX_ID_LENGTH} characters (well-formed Unicode)`);
    }
    let ts = this.now;
    if (input.timestamp !== undefined && input.timestamp !== null) {
      ts = parseTimestampFast(input.timestamp);
      if (Number.isNaN(ts)) bad('timestamp', 'must be an ISO-8601 date-time or epoch milliseconds');
    }

    // features
    const features = input.features;
    if (!isObject(features)) bad('features', 'must be an object of feature values');
    else {
      for (const key in features) {
        if (!this.featureIndex.has(key)) bad(`features.${clip(key)}`, 'is not a feature of the model');
      }
      for (let f = 0; f < schema.features.length; f++) {
        const spec = schema.features[f];
        const v = own(features, spec.name);
        const slot = this.featureSlot[f];
        const field = `features.${spec.name}`;
        if (v === undefined || v === null) {
          if (spec.required) bad(field, 'is required');
          else if (spec.type === 'numeric') this.numeric[slot][r] = NaN;
          else this.categorical[slot].set(r, null);
          continue;
        }
        if (spec.type === 'numeric') {
          if (typeof v !== 'number' || !Number.isFinite(v)) bad(field, 'must be a finite number');
          else this.numeric[slot][r] = v;
        } else if (spec.type === 'boolean') {
          if (typeof v !== 'boolean') bad(field, 'must be true or false');
          else this.categorical[slot].set(r, v ? 'true' : 'false');
        } else if (typeof v === 'string') {
          if (v.length > MAX_CATEGORY_LENGTH) bad(field, `must be at most ${MAX_CATEGORY_LENGTH} characters`);
          else if (!isWellFormed(v)) bad(field, 'must be well-formed Unicode (no lone surrogates)');
          else this.categorical[slot].set(r, v);
        } else if ((typeof v === 'number' && Number.isFinite(v)) || typeof v === 'boolean') {
          this.categorical[slot].set(r, String(v));
        } else bad(field, 'must be a string (a category)');
      }
    }

    // prediction
    const p = input.prediction;
    if (!isObject(p)) bad('prediction', schema.task === 'regression' ? 'must be an object with a numeric value' : 'must be an object with a label or probabilities');
    else if (schema.task === 'regression') {
      const v = p.value;
      if (typeof v !== 'number' || !Number.isFinite(v)) bad('prediction.value', 'must be a finite number');
      else this.value![r] = v;
    } else {
      let label = p.label ?? p.class;
      let labelIdx = -1;
      if (label !== undefined && label !== null) {
        if (typeof label === 'number' || typeof label === 'boolean') label = String(label);
        if (typeof label !== 'string' || !this.labelIndex.has(label)) bad('prediction.label', `must be one of the model's labels (${schema.labels.slice(0, 10).join(', ')}${schema.labels.length > 10 ? ', …' : ''})`);
        else labelIdx = this.labelIndex.get(label)!;
      }
      const probs = p.probabilities;
      let maxP = -1;
      let argmax = -1;
      if (probs !== undefined && probs !== null) {
        if (!isObject(probs)) bad('prediction.probabilities', 'must be an object of label → probability');
        else {
          for (const k in probs) if (!this.labelIndex.has(k)) bad(`prediction.probabilities.${clip(k)}`, 'is not a label of the model');
          let sum = 0;
          let ok = true;
          for (let l = 0; l < schema.labels.length; l++) {
            const pv = own(probs, schema.labels[l]);
            if (pv === undefined || pv === null) {
              this.probs[l][r] = NaN;
              ok = false;
              continue;
            }
            if (typeof pv !== 'number' || !(pv >= 0 && pv <= 1)) {
              bad(`prediction.probabilities.${schema.labels[l]}`, 'must be a number from 0 to 1');
              ok = false;
              continue;
            }
            this.probs[l][r] = pv;
            sum += pv;
            if (pv > maxP) {
              maxP = pv;
              argmax = l;
            }
          }
          if (!ok && problems.length === before) bad('prediction.probabilities', 'must give a probability for every label');
          else if (ok && Math.abs(sum - 1) > PROBABILITY_SUM_TOLERANCE) bad('prediction.probabilities', `must sum to 1 (sum is ${sum})`);
        }
      } else for (let l = 0; l < this.probs.length; l++) this.probs[l][r] = NaN;
      if (labelIdx < 0 && (label === undefined || label === null)) {
        if (argmax >= 0) labelIdx = argmax;
        else bad('prediction.label', 'is required (or give probabilities)');
      }
      let conf = p.confidence ?? p.score;
      if (conf === undefined || conf === null) conf = labelIdx >= 0 && argmax >= 0 ? this.probs[labelIdx][r] : NaN;
      else if (typeof conf !== 'number' || !(conf >= 0 && conf <= 1)) {
        bad('prediction.confidence', 'must be a number from 0 to 1');
        conf = NaN;
      }
      this.confidence[r] = conf as number;
      if (labelIdx >= 0) this.label!.set(r, schema.labels[labelIdx]);
      if (this.score) {
        // P(positive): from probabilities, else from the confidence of the predicted label
        const pp = this.probs[this.positiveIndex][r];
        const c = conf as number;
        this.score[r] = !Number.isNaN(pp) ? pp : Number.isNaN(c) || labelIdx < 0 ? NaN : labelIdx === this.positiveIndex ? c : 1 - c;
      }
    }

    // explanation
    const ex = input.explanation;
    for (let e = 0; e < this.explain.length; e++) this.explain[e][r] = NaN;
    if (ex !== undefined && ex !== null) {
      if (!isObject(ex)) bad('explanation', 'must be an object of feature → attribution');
      else {
        for (const k in ex) {
          const idx = this.explainIndex.get(k);
          const v = ex[k];
          if (idx === undefined) bad(`explanation.${clip(k)}`, 'is not an explanation feature of the model');
          else if (typeof v !== 'number' || !Number.isFinite(v)) bad(`explanation.${clip(k)}`, 'must be a finite number');
          else this.explain[idx][r] = v;
        }
      }
    }

    // metadata
    let metaText: string | null = null;
    let latency = NaN;
    const meta = input.metadata;
    if (meta !== undefined && meta !== null) {
      if (!isObject(meta)) bad('metadata', 'must be an object');
      else if (nestedDeeperThan(meta, MAX_METADATA_DEPTH)) bad('metadata', `must not be nested deeper than ${MAX_METADATA_DEPTH} levels`);
      else {
        metaText = JSON.stringify(meta);
        if (metaText.length > MAX_METADATA_BYTES) bad('metadata', `must be at most ${MAX_METADATA_BYTES} bytes as JSON`);
        const lat = meta.latency_ms;
        if (lat !== undefined) {
          if (typeof lat !== 'number' || !(lat >= 0) || !Number.isFinite(lat)) bad('metadata.latency_ms', 'must be a non-negative number');
          else latency = lat;
        }
      }
    }

    if (problems.length > before) return false;
    this.ts[r] = ts;
    this.ids[r] = id as string;
    this.version.set(r, typeof mv === 'string' ? mv : null);
    this.meta[r] = metaText;
    this.latency[r] = latency;
    this.rows++;
    return true;
  }

  /** The rows added so far as a column set. */
  build(): ColumnSet {
    const n = this.rows;
    const columns = new Map<string, Column>();
    const f64 = (a: Float64Array): Column => ({ kind: 'f64', values: n === this.capacity ? a : a.slice(0, n) });
    const dict = (d: DictBuilder): Column => ({ kind: 'dict', dict: d.dict, codes: n === this.capacity ? d.codes : d.codes.slice(0, n) });
    columns.set(COL.ts, f64(this.ts));
    columns.set(COL.predictionId, { kind: 'str', values: this.ids.slice(0, n) });
    columns.set(COL.modelVersion, dict(this.version));
    const schema = this.model.schema;
    schema.features.forEach((f, i) => {
      const slot = this.featureSlot[i];
      columns.set(COL.feature(f.name), f.type === 'numeric' ? f64(this.numeric[slot]) : dict(this.categorical[slot]));
    });
    if (schema.task === 'regression') columns.set(COL.value, f64(this.value!));
    else {
      columns.set(COL.label, dict(this.label!));
      columns.set(COL.confidence, f64(this.confidence));
      if (this.score) columns.set(COL.score, f64(this.score));
      schema.labels.forEach((l, i) => columns.set(COL.probability(l), f64(this.probs[i])));
    }
    schema.explanation_features.forEach((f, i) => columns.set(COL.explanation(f), f64(this.explain[i])));
    columns.set(COL.latency, f64(this.latency));
    columns.set(COL.metadata, { kind: 'str', values: this.meta.slice(0, n) });
    return { rows: n, columns };
  }
}
