/**
 * The public shapes of the driftwatch client: what is logged, how the client is configured and
 * what it reports about itself. Plain data only, so the client needs nothing beyond Node's
 * built-ins.
 */

/** What a model predicted: a label (with probabilities or a confidence) or a regression value. */
export interface PredictionValue {
  label?: string | number | boolean;
  /** label → probability; they must sum to 1 */
  probabilities?: Record<string, number>;
  /** confidence in `label`, 0–1 */
  confidence?: number;
  /** score of the positive label (binary classifiers), 0–1 */
  score?: number;
  /** regression output */
  value?: number;
  [extra: string]: unknown;
}

/**
 * One prediction, as POST /api/v1/predictions takes it. `prediction_id` and `timestamp` may be
 * left out: the client fills them in at `log()` time (a UUIDv7 and the current time), so a
 * retried batch is idempotent and a prediction buffered through an outage keeps the time it was
 * made. `model_id` may be left out when the client has a `modelId`.
 */
export interface PredictionInput {
  prediction_id?: string | number;
  model_id?: string;
  model_version?: string;
  /** ISO-8601 or epoch milliseconds */
  timestamp?: string | number;
  features: Record<string, unknown>;
  prediction: PredictionValue;
  /** per-feature attributions (SHAP values) */
  explanation?: Record<string, number>;
  /** user/session ids, latency_ms… */
  metadata?: Record<string, unknown>;
}

/** Ground truth for an earlier prediction, as POST /api/v1/outcomes takes it. */
export interface OutcomeInput {
  prediction_id: string | number;
  model_id?: string;
  /** the true label or value */
  actual: string | number | boolean;
  /** when the truth became known; ISO-8601 or epoch ms (default: the time of logOutcome) */
  timestamp?: string | number;
}

/** When the buffer is full: drop the oldest queued row (counted in `dropped`), or make `log()` wait. */
export type OnFull = 'drop-oldest' | 'block';

/** How a batch is retried after a network error, a timeout, 408, 429 or 5xx. */
export interface RetryOptions {
  /** attempts per batch, the first included; `Infinity` keeps trying until `close()` gives up (default) */
  maxAttempts: number;
  /** first backoff (ms); doubles per attempt (default 100) */
  initialDelayMs: number;
  /** longest backoff (ms) (default 10 000) */
  maxDelayMs: number;
  /** a Retry-After longer than this is cut to it (default 60 000) */
  maxRetryAfterMs: number;
}

/** Configuration of a {@link DriftwatchClient}. Everything but `url` and `apiKey` has a default. */
export interface ClientOptions<M extends OnFull = OnFull> {
  /** base URL of driftwatch, e.g. http://127.0.0.1:8080 */
  url: string;
  /** a key with the `ingest` scope */
  apiKey: string;
  /** model of rows that do not name one (sent as ?model_id=) */
  modelId?: string;
  /** rows per request (default 1000) */
  batchSize?: number;
  /** a partial batch is sent after this long (ms) (default 1000) */
  flushIntervalMs?: number;
  /** most rows queued and not yet in a request (default 100 000); in-flight rows add at most (maxConcurrency + 1) × batchSize */
  maxBuffer?: number;
  /** policy when the buffer is full (default 'drop-oldest') */
  onFull?: M;
  /** requests in flight at once (default 2) */
  maxConcurrency?: number;
  retry?: Partial<RetryOptions>;
  /** per-request timeout (ms) (default 30 000) */
  requestTimeoutMs?: number;
  /** send with ?partial=true so the good rows of a batch land when others are rejected (default true) */
  partial?: boolean;
  /** flush on SIGTERM, SIGINT and beforeExit (default true) */
  flushOnExit?: boolean;
  /** how long close() (and the exit hooks) keep trying to deliver (ms) (default 10 000) */
  closeTimeoutMs?: number;
  /** rows serialised per event-loop turn, at most (default 256); logged rows are serialised on the turns after log() */
  serializeChunk?: number;
  /** called with rows driftwatch rejected or that could not be delivered */
  onFailure?: (failures: FailedRow[]) => void;
}

/** A row that will not be stored, and why. */
export interface FailedRow {
  kind: 'prediction' | 'outcome';
  prediction_id: string;
  /** e.g. `features.income: must be a finite number` or `HTTP 401: …` */
  reason: string;
}

/** The client's counters, in rows. */
export interface ClientStats {
  /** waiting in the buffer (not yet in a request) */
  queued: number;
  /** acknowledged by driftwatch (stored now or earlier: duplicates count as sent) */
  sent: number;
  /** discarded by the drop-oldest policy, or logged after close() */
  dropped: number;
  /** rejected by driftwatch, not serialisable, or given up on */
  failed: number;
  /** request attempts that were retried */
  retries: number;
  /** in requests that have not been answered yet */
  inFlight: number;
}
