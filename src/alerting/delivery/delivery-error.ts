import { parseRetryAfter } from './retry-after.js';

export interface DeliveryErrorOptions {
  /** whether trying again later can help (timeouts, 5xx, 429) or not (400, 401, 404, a bad address) */
  retryable: boolean;
  /** the receiver asked us to wait this long (Retry-After) */
  retryAfterMs?: number | null;
  /** HTTP status or SMTP reply code, when there was one */
  status?: number;
}

/** Why a send did not succeed, and whether the worker should try again. Messages never hold secrets. */
export class DeliveryError extends Error {
  readonly retryable: boolean;
  readonly retryAfterMs: number | null;
  readonly status: number | null;

  constructor(message: string, options: DeliveryErrorOptions) {
    super(message);
    this.name = 'DeliveryError';
    this.retryable = options.retryable;
    this.retryAfterMs = options.retryAfterMs ?? null;
    this.status = options.status ?? null;
  }
}

/** HTTP statuses worth another try; Retry-After is honoured on 429 and 503. */
const RETRYABLE_4XX = new Set([408, 425, 429]);

/** A non-2xx answer as a DeliveryError (`body` is a short excerpt of the receiver's answer). */
export function httpFailure(status: number, retryAfter: string | null, body: string, now: number): DeliveryError {
  const retryable = RETRYABLE_4XX.has(status) || (status >= 500 && status !== 501 && status !== 505);
  const retryAfterMs = status === 429 || status === 503 ? parseRetryAfter(retryAfter, now) : null;
  const excerpt = body.replace(/\s+/g, ' ').trim().slice(0, 200);
  return new DeliveryError(`HTTP ${status}${excerpt ? `: ${excerpt}` : ''}`, { retryable, retryAfterMs, status });
}

/** Node's error codes for a connection that could not be made or was cut. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ESOCKET', 'ECONNECTION', 'ETIMEOUT', 'EDNS']);

function codeOf(e: unknown): string | undefined {
  for (let cur: unknown = e, depth = 0; cur && typeof cur === 'object' && depth < 5; cur = (cur as { cause?: unknown }).cause, depth++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

/**
 * A thrown error (fetch's, nodemailer's, the file system's) as a DeliveryError. Timeouts and
 * connection failures are retryable; anything unknown is too, because giving up on an alert
 * for a reason we cannot name is worse than trying again within the attempt limit.
 */
export function thrownFailure(e: unknown, timeoutMs?: number): DeliveryError {
  if (e instanceof DeliveryError) return e;
  const name = (e as { name?: unknown })?.name;
  if (name === 'TimeoutError') return new DeliveryError(`timed out after ${timeoutMs ?? '?'} ms`, { retryable: true });
  if (name === 'AbortError') return new DeliveryError('aborted', { retryable: true });
  const message0 = e instanceof Error ? e.message : String(e);
  // nodemailer wraps socket errors as ESOCKET/ECONNECTION: the message names the real cause
  const named = /\b(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN)\b/.exec(message0)?.[1];
  const code = named ?? codeOf(e);
  if (code && NETWORK_CODES.has(code)) return new DeliveryError(`connection failed (${code})`, { retryable: true });
  const message = e instanceof Error ? e.message : String(e);
  return new DeliveryError(code ? `${message} (${code})` : message, { retryable: true });
}
