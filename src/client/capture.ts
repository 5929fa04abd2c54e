import type { PredictionInput, PredictionValue } from './types.js';

/** Anything predictions can be logged to: a DriftwatchClient, or a wrapper around one. */
export interface PredictionSink {
  log(prediction: PredictionInput): unknown;
}

/** What the extractors see of the request of a model call. */
export interface RequestView {
  method: string;
  /** path with query string, as received */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  /** the parsed JSON body (undefined when there is none or it was not JSON) */
  body: unknown;
}

/**
 * How one model call becomes one prediction. Every extractor is optional; the defaults fit a
 * JSON API that takes `{ features: {...} }` (or the features as the body) and answers
 * `{ prediction: ... }` (or the prediction as the body).
 */
export interface CaptureOptions {
  /** where the predictions go (usually a DriftwatchClient) */
  client: PredictionSink;
  /** model id of the rows (else the client's modelId) */
  modelId?: string;
  /** default: `body.features` when it is an object, else the body when it is an object */
  features?: (request: RequestView) => Record<string, unknown> | undefined;
  /** default: {@link toPredictionValue} of `response.prediction`, else of the response body */
  prediction?: (response: unknown, request: RequestView) => PredictionValue | undefined;
  /** default: `response.prediction_id`, else the request's X-Prediction-Id header; else the client generates one */
  predictionId?: (response: unknown, request: RequestView) => string | undefined;
  /** default: `response.model_version` */
  modelVersion?: (response: unknown, request: RequestView) => string | undefined;
  /** merged into metadata next to `latency_ms` */
  metadata?: (response: unknown, request: RequestView) => Record<string, unknown> | undefined;
  /** log this call? default: a 2xx status */
  shouldLog?: (statusCode: number, request: RequestView) => boolean;
  /** told about extractor errors (which never reach the caller) */
  onError?: (error: unknown) => void;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `body.features` when it is an object, else the body itself when it is an object. */
export function defaultFeatures(request: RequestView): Record<string, unknown> | undefined {
  const body = request.body;
  if (!isObject(body)) return undefined;
  return isObject(body.features) ? body.features : body;
}

/**
 * A model's output as a driftwatch prediction: `{ prediction: x }` is unwrapped once; an object
 * keeps its label (or `class`), probabilities, confidence, score and value; a string or boolean
 * is a label; a number is a regression value. Anything else is undefined (the call is not logged).
 */
export function toPredictionValue(output: unknown): PredictionValue | undefined {
  let v = output;
  if (isObject(v) && 'prediction' in v) v = v.prediction;
  if (typeof v === 'string' || typeof v === 'boolean') return { label: v };
  if (typeof v === 'number') return Number.isFinite(v) ? { value: v } : undefined;
  if (!isObject(v)) return undefined;
  const out: PredictionValue = {};
  const label = v.label ?? v.class;
  if (label !== undefined && label !== null) out.label = label as PredictionValue['label'];
  for (const k of ['probabilities', 'confidence', 'score', 'value'] as const) if (v[k] !== undefined && v[k] !== null) out[k] = v[k] as never;
  return Object.keys(out).length ? out : undefined;
}

const defaultPredictionId = (response: unknown, request: RequestView): string | undefined => {
  const id = isObject(response) ? response.prediction_id : undefined;
  if (typeof id === 'string' || typeof id === 'number') return String(id);
  const header = request.headers['x-prediction-id'];
  return typeof header === 'string' && header ? header : undefined;
};

/**
 * Build and log the prediction of one finished call. Never throws: a failing extractor is
 * reported to onError and the call is not logged.
 */
export function capturePrediction(options: CaptureOptions, request: RequestView, statusCode: number, response: unknown, latencyMs: number): void {
  try {
    if (!(options.shouldLog ? options.shouldLog(statusCode, request) : statusCode >= 200 && statusCode < 300)) return;
    const features = (options.features ?? defaultFeatures)(request);
    const prediction = options.prediction ? options.prediction(response, request) : toPredictionValue(response);
    if (!features || !prediction) return;
    const row: PredictionInput = { features, prediction, metadata: { latency_ms: Math.round(latencyMs * 1000) / 1000, ...options.metadata?.(response, request) } };
    const id = (options.predictionId ?? defaultPredictionId)(response, request);
    if (id !== undefined) row.prediction_id = id;
    if (options.modelId !== undefined) row.model_id = options.modelId;
    const version = options.modelVersion ? options.modelVersion(response, request) : isObject(response) && typeof response.model_version === 'string' ? response.model_version : undefined;
    if (version !== undefined) row.model_version = version;
    options.client.log(row);
  } catch (e) {
    try {
      options.onError?.(e);
    } catch {
      /* nothing may reach the model endpoint */
    }
  }
}

/**
 * Parse a captured body as JSON when it is declared JSON or looks like a JSON object or array
 * (model servers are often called without a content type); otherwise hand back the text.
 */
export function parseBody(raw: string | Buffer | undefined, contentType: string | undefined): unknown {
  if (raw === undefined || raw.length === 0) return undefined;
  const text = typeof raw === 'string' ? raw : raw.toString('utf8');
  if (!(contentType && /json/i.test(contentType)) && !/^\s*[[{]/.test(text)) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
