/**
 * The one catalog of coded errors. Every 4xx/5xx leaves the server as
 * `{ "error": { "code", "message", "details" } }` with the status listed here.
 */
export const ERROR_CATALOG = {
  bad_request: { status: 400, message: 'The request is not valid.' },
  invalid_json: { status: 400, message: 'The body is not valid JSON.' },
  validation_failed: { status: 400, message: 'The request failed validation.' },
  unauthorized: { status: 401, message: 'A valid API key is required (Authorization: Bearer <key>).' },
  forbidden: { status: 403, message: 'The API key lacks the scope this route needs.' },
  not_found: { status: 404, message: 'Not found.' },
  model_not_found: { status: 404, message: 'No model with that id.' },
  conflict: { status: 409, message: 'The request conflicts with the current state.' },
  payload_too_large: { status: 413, message: 'The body is larger than the limit.' },
  unsupported_media_type: { status: 415, message: 'Unsupported content type.' },
  rate_limited: { status: 429, message: 'Too many requests.' },
  internal: { status: 500, message: 'Internal error.' },
  unavailable: { status: 503, message: 'The service is not ready.' },
} as const;

export type ErrorCode = keyof typeof ERROR_CATALOG;

/** An error that knows its code, status and client-safe details. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: unknown;

  constructor(code: ErrorCode, message?: string, details?: unknown) {
    super(message ?? ERROR_CATALOG[code].message);
    this.name = 'AppError';
    this.code = code;
    this.status = ERROR_CATALOG[code].status;
    this.details = details ?? null;
  }
}

/** One problem with one field of one row: what a 400 lists. */
export interface FieldProblem {
  /** zero-based index of the row in the batch (absent for single objects) */
  row?: number;
  /** dotted path of the field, e.g. `features.income` */
  field: string;
  problem: string;
}

export function validationError(problems: FieldProblem[], message?: string): AppError {
  const first = problems[0];
  const summary =
    message ??
    (first
      ? `${first.row !== undefined ? `row ${first.row}: ` : ''}${first.field}: ${first.problem}` +
        (problems.length > 1 ? ` (and ${problems.length - 1} more)` : '')
      : 'validation failed');
  return new AppError('validation_failed', summary, { problems });
}

export const isAppError = (e: unknown): e is AppError => e instanceof AppError;
