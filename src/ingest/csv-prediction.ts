import type { Model } from '../domain/model-schema.js';

/** A problem with one cell of a CSV row (the row is rejected). */
export interface CellProblem {
  field: string;
  problem: string;
}

/** The header cannot be mapped onto the model: nothing is imported. */
export class CsvHeaderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CsvHeaderError';
  }
}

type Column =
  | { kind: 'prediction_id' | 'timestamp' | 'model_version' | 'model_id' | 'label' | 'confidence' | 'value' | 'latency' | 'skip' }
  | { kind: 'feature'; name: string; type: 'numeric' | 'categorical' | 'boolean' }
  | { kind: 'probability'; label: string }
  | { kind: 'explanation'; feature: string }
  | { kind: 'metadata'; key: string };

const BOOLEAN: Record<string, boolean> = { true: true, false: false, '1': true, '0': false };

/** Parse a numeric cell (decimal notation, surrounding spaces allowed); undefined when it is not one. */
export function parseNumberCell(text: string): number | undefined {
  let t = text;
  if (t.charCodeAt(0) === 0x20 || t.charCodeAt(t.length - 1) === 0x20 || t.charCodeAt(0) === 0x09) t = t.trim();
  if (t.length === 0) return undefined;
  // only digits, sign, point and exponent: Number() alone would also take 0x1F, 0b1, Infinity
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (!((c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x2d || c === 0x2b || c === 0x65 || c === 0x45)) return undefined;
  }
  const n = Number(t);
  return Number.isFinite(n) ? n : undefined;
}

/** How one header cell maps onto the prediction payload (undefined: not a known column). */
function classify(model: Model, name: string): Column | undefined {
  const schema = model.schema;
  const feature = schema.features.find((f) => f.name === name);
  if (feature) return { kind: 'feature', name, type: feature.type };
  const regression = schema.task === 'regression';
  switch (name) {
    case 'prediction_id':
    case 'timestamp':
    case 'model_version':
    case 'model_id':
      return { kind: name };
    case 'label':
    case 'predicted_label':
      return regression ? undefined : { kind: 'label' };
    case 'prediction':
      return { kind: regression ? 'value' : 'label' };
    case 'value':
      return regression ? { kind: 'value' } : undefined;
    case 'confidence':
    case 'score':
      return regression ? undefined : { kind: 'confidence' };
    case 'latency_ms':
      return { kind: 'latency' };
  }
  const prefixed = /^(proba|probability)_(.+)$/.exec(name);
  if (prefixed && !regression && schema.labels.includes(prefixed[2])) return { kind: 'probability', label: prefixed[2] };
  if (name.startsWith('shap_') && schema.explanation_features.includes(name.slice(5))) return { kind: 'explanation', feature: name.slice(5) };
  if (name.startsWith('metadata_') && name.length > 9) return { kind: 'metadata', key: name.slice(9) };
  return undefined;
}

/**
 * Maps CSV rows onto prediction payloads of one model (the columns are documented in
 * docs/import.md). Cells are converted by the feature's type; an empty cell is a missing
 * value. The payload is then validated like any logged prediction.
 */
export class CsvPredictionMapper {
  private readonly columns: Column[];
  /** header cells that were ignored (only with `ignoreUnknown`) */
  readonly ignored: string[] = [];

  constructor(
    private readonly model: Model,
    readonly header: string[],
    options: { ignoreUnknown?: boolean } = {},
  ) {
    const names = header.map((h) => h.trim());
    const seen = new Set<string>();
    const unknown: string[] = [];
    this.columns = names.map((name) => {
      if (seen.has(name)) throw new CsvHeaderError(`the header names column "${name}" twice`);
      seen.add(name);
      const c = classify(model, name);
      if (c) return c;
      unknown.push(name);
      return { kind: 'skip' };
    });
    if (unknown.length && !options.ignoreUnknown) {
      throw new CsvHeaderError(
        `column(s) ${unknown.map((u) => `"${u}"`).join(', ')} are neither features of model "${model.model_id}" nor known columns ` +
          `(see docs/import.md); pass --ignore-unknown-columns to skip them`,
      );
    }
    this.ignored.push(...unknown);
    const missing = model.schema.features.filter((f) => f.required && !seen.has(f.name)).map((f) => f.name);
    if (missing.length) throw new CsvHeaderError(`the header lacks required feature column(s): ${missing.join(', ')}`);
    const kinds = new Set(this.columns.map((c) => c.kind));
    if (model.schema.task === 'regression' ? !kinds.has('value') : !kinds.has('label') && !kinds.has('probability')) {
      throw new CsvHeaderError(
        model.schema.task === 'regression'
          ? 'the header has no prediction column: add "value" (or "prediction")'
          : 'the header has no prediction column: add "label" (or "prediction") and/or "proba_<label>" columns',
      );
    }
  }

  /** The payload of one row, or the problems that reject it. */
  map(fields: string[]): { value: Record<string, unknown> } | { problems: CellProblem[] } {
    if (fields.length !== this.columns.length) {
      return { problems: [{ field: '', problem: `has ${fields.length} field(s) where the header has ${this.columns.length}` }] };
    }
    const problems: CellProblem[] = [];
    const features: Record<string, unknown> = {};
    const prediction: Record<string, unknown> = {};
    let probabilities: Record<string, number> | undefined;
    let explanation: Record<string, number> | undefined;
    let metadata: Record<string, unknown> | undefined;
    const out: Record<string, unknown> = { features, prediction };
    const num = (text: string, field: string): number | undefined => {
      const n = parseNumberCell(text);
      if (n === undefined) problems.push({ field, problem: 'is not a number' });
      return n;
    };
    for (let i = 0; i < fields.length; i++) {
      const col = this.columns[i];
      const text = fields[i];
      if (text === '' || col.kind === 'skip') {
        if (col.kind === 'feature') features[col.name] = null;
        continue;
      }
      switch (col.kind) {
        case 'feature':
          if (col.type === 'numeric') features[col.name] = num(text, `features.${col.name}`);
          else if (col.type === 'boolean') {
            const b = BOOLEAN[text.trim().toLowerCase()];
            if (b === undefined) problems.push({ field: `features.${col.name}`, problem: 'is not a boolean (true/false/1/0)' });
            features[col.name] = b;
          } else features[col.name] = text;
          break;
        case 'prediction_id':
        case 'timestamp':
        case 'model_version':
          out[col.kind] = text;
          break;
        case 'model_id':
          if (text !== this.model.model_id) problems.push({ field: 'model_id', problem: `names another model than the import's` });
          break;
        case 'label':
          prediction.label = text;
          break;
        case 'confidence':
        case 'value':
          prediction[col.kind] = num(text, `prediction.${col.kind}`);
          break;
        case 'probability':
          (probabilities ??= {})[col.label] = num(text, `prediction.probabilities.${col.label}`) as number;
          break;
        case 'explanation':
          (explanation ??= {})[col.feature] = num(text, `explanation.${col.feature}`) as number;
          break;
        case 'latency':
          (metadata ??= {}).latency_ms = num(text, 'metadata.latency_ms');
          break;
        case 'metadata':
          (metadata ??= {})[col.key] = text;
          break;
      }
    }
    if (problems.length) return { problems };
    if (probabilities) prediction.probabilities = probabilities;
    if (explanation) out.explanation = explanation;
    if (metadata) out.metadata = metadata;
    return { value: out };
  }
}
