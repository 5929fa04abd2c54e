import { defaultFeatures, toPredictionValue } from './capture.js';
import { type CompiledPointer, compilePointer, resolvePointer } from './json-pointer.js';
import type { PredictionInput, PredictionValue } from './types.js';

const PREDICTION_FIELDS = ['label', 'value', 'probabilities', 'confidence', 'score'] as const;

/**
 * Which proxied calls are model calls and where their fields are, as JSON pointers into
 *
 *   { "request":  { "method", "path", "query": {…}, "headers": {…lower-case names}, "body": <parsed JSON> },
 *     "response": { "status", "headers": {…}, "body": <parsed JSON> } }
 *
 * Every key is optional; the defaults are those of the middleware.
 */
export interface ProxyMapping {
  /** paths that are model calls: exact, or a prefix ending in `*` (default: all) */
  paths?: string[];
  /** methods that are model calls (default ["POST"]) */
  methods?: string[];
  /** a pointer to an object of features, or feature name → pointer (default: request body's `features`, else the body) */
  features?: string | Record<string, string>;
  /** a pointer to the prediction (normalised like the middleware does), or its fields as pointers (default: the response body) */
  prediction?: string | Partial<Record<(typeof PREDICTION_FIELDS)[number], string>>;
  /** default: the response body's `prediction_id`, else the X-Prediction-Id request header, else generated */
  prediction_id?: string;
  /** default: when the request arrived */
  timestamp?: string;
  /** default: the response body's `model_version` */
  model_version?: string;
  /** metadata field → pointer (latency_ms is always added) */
  metadata?: Record<string, string>;
}

/** A proxied call, as the pointers see it. */
export interface ProxiedCall {
  request: { method: string; path: string; query: Record<string, string>; headers: Record<string, string | string[] | undefined>; body: unknown };
  response: { status: number; headers: Record<string, string | string[] | undefined>; body: unknown };
}

/** A prediction built from a call; metadata always present (the proxy adds latency_ms). */
export type MappedPrediction = PredictionInput & { metadata: Record<string, unknown> };

/** A mapping checked and compiled once: `matches` picks the calls, `extract` builds the prediction. */
export interface CompiledMapping {
  matches(method: string, path: string): boolean;
  /** undefined when the call has no features or no prediction where the mapping says */
  extract(call: ProxiedCall): MappedPrediction | undefined;
}

type Fields = [string, CompiledPointer][];
type Source = { kind: 'default' } | { kind: 'pointer'; at: CompiledPointer } | { kind: 'fields'; fields: Fields };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const KEYS = new Set(['paths', 'methods', 'features', 'prediction', 'prediction_id', 'timestamp', 'model_version', 'metadata']);

/** Check a mapping (e.g. a parsed map.json) and compile its pointers; errors name the key. */
export function compileMapping(raw: unknown): CompiledMapping {
  const problems: string[] = [];
  if (!isObject(raw)) throw new Error('the mapping must be a JSON object');
  for (const k of Object.keys(raw)) if (!KEYS.has(k)) problems.push(`${k}: is not a mapping key (${[...KEYS].join(', ')})`);
  const pointer = (key: string, v: unknown): CompiledPointer | undefined => {
    if (v === undefined) return undefined;
    if (typeof v !== 'string') return void problems.push(`${key}: must be a JSON pointer string`);
    if (!/^\/(request|response)(\/|$)/.test(v)) return void problems.push(`${key}: "${v}" must start with /request or /response`);
    try {
      return compilePointer(v);
    } catch (e) {
      return void problems.push(`${key}: ${(e as Error).message}`);
    }
  };
  const pointerMap = (key: string, v: unknown): Fields | undefined => {
    if (v === undefined) return undefined;
    if (!isObject(v)) return void problems.push(`${key}: must be an object of name → JSON pointer`);
    return Object.entries(v).map(([name, p]) => [name, pointer(`${key}.${name}`, p) ?? []]);
  };
  const strings = (key: string, v: unknown): string[] | undefined => {
    if (v === undefined) return undefined;
    if (!Array.isArray(v) || !v.every((s) => typeof s === 'string')) return void problems.push(`${key}: must be an array of strings`);
    return v as string[];
  };
  const m = raw as ProxyMapping;
  const paths = strings('paths', m.paths);
  const methods = (strings('methods', m.methods) ?? ['POST']).map((s) => s.toUpperCase());
  const source = (key: string, v: unknown): Source => {
    if (v === undefined) return { kind: 'default' };
    if (typeof v === 'string') return { kind: 'pointer', at: pointer(key, v) ?? [] };
    return { kind: 'fields', fields: pointerMap(key, v) ?? [] };
  };
  const features = source('features', m.features);
  const prediction = source('prediction', m.prediction);
  if (prediction.kind === 'fields') {
    for (const [k] of prediction.fields) if (!(PREDICTION_FIELDS as readonly string[]).includes(k)) problems.push(`prediction.${k}: is not a prediction field (${PREDICTION_FIELDS.join(', ')})`);
  }
  const predictionId = pointer('prediction_id', m.prediction_id);
  const timestamp = pointer('timestamp', m.timestamp);
  const modelVersion = pointer('model_version', m.model_version);
  const metadata = pointerMap('metadata', m.metadata) ?? [];
  if (problems.length) throw new Error(`invalid proxy mapping:\n  ${problems.join('\n  ')}`);

  const pathMatchers = paths?.map((p) => (p.endsWith('*') ? (path: string) => path.startsWith(p.slice(0, -1)) : (path: string) => path === p));
  const gather = (call: ProxiedCall, fields: Fields) => {
    const out: Record<string, unknown> = {};
    for (const [name, p] of fields) {
      const v = resolvePointer(call, p);
      if (v !== undefined) out[name] = v;
    }
    return out;
  };
  return {
    matches: (method, path) => methods.includes(method) && (!pathMatchers || pathMatchers.some((f) => f(path))),
    extract(call) {
      const f =
        features.kind === 'default'
          ? defaultFeatures({ method: call.request.method, url: call.request.path, headers: call.request.headers, body: call.request.body })
          : features.kind === 'pointer'
            ? resolvePointer(call, features.at)
            : gather(call, features.fields);
      if (!isObject(f) || Object.keys(f).length === 0) return undefined;
      let p: PredictionValue | undefined;
      if (prediction.kind === 'fields') {
        const fields = gather(call, prediction.fields);
        p = Object.keys(fields).length ? (fields as PredictionValue) : undefined;
      } else p = toPredictionValue(prediction.kind === 'pointer' ? resolvePointer(call, prediction.at) : call.response.body);
      if (!p) return undefined;
      const row: MappedPrediction = { features: f, prediction: p, metadata: gather(call, metadata) };
      const body = call.response.body;
      const id = predictionId ? resolvePointer(call, predictionId) : isObject(body) && body.prediction_id !== undefined ? body.prediction_id : call.request.headers['x-prediction-id'];
      if (typeof id === 'string' || typeof id === 'number') row.prediction_id = id;
      const ts = timestamp ? resolvePointer(call, timestamp) : undefined;
      if (typeof ts === 'string' || typeof ts === 'number') row.timestamp = ts;
      const version = modelVersion ? resolvePointer(call, modelVersion) : isObject(body) ? body.model_version : undefined;
      if (typeof version === 'string') row.model_version = version;
      return row;
    },
  };
}
