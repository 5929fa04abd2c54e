import type { RetryOptions } from './types.js';

export const DEFAULT_RETRY: RetryOptions = { maxAttempts: Infinity, initialDelayMs: 100, maxDelayMs: 10_000, maxRetryAfterMs: 60_000 };

/** Statuses worth another attempt: timeouts, rate limiting and server errors. Other 4xx are final. */
export const isRetryableStatus = (status: number): boolean => status === 408 || status === 429 || status >= 500;

/**
 * Delay before attempt `attempt + 1` (attempt counts from 1): exponential, capped, with "equal
 * jitter" (half fixed, half random) so that clients that failed together do not retry together
 * yet never retry at once. A Retry-After from the server is a floor, itself capped.
 */
export function backoffDelay(attempt: number, retry: RetryOptions, retryAfterMs: number | undefined, random: () => number = Math.random): number {
  const exp = Math.min(retry.maxDelayMs, retry.initialDelayMs * 2 ** Math.min(attempt - 1, 30));
  const jittered = exp / 2 + random() * (exp / 2);
  if (retryAfterMs === undefined) return jittered;
  return Math.max(jittered, Math.min(retryAfterMs, retry.maxRetryAfterMs));
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(header: string | undefined, now: number = Date.now()): number | undefined {
  if (header === undefined || header.trim() === '') return undefined;
  const text = header.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
