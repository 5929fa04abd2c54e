import type { DeliveryError } from './delivery-error.js';

/** How the worker retries a failed send. All times in milliseconds. */
export interface RetryPolicy {
  /** the cap of the first retry's delay; doubles with each attempt */
  base_ms: number;
  /** the cap never grows past this */
  max_ms: number;
  /** attempts (the first send included) before a delivery is failed */
  max_attempts: number;
  /** a delivery still unsent this long after it was written is failed */
  give_up_after_ms: number;
  /** a receiver's Retry-After longer than this is cut to it */
  max_retry_after_ms: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  base_ms: 1_000,
  max_ms: 5 * 60_000,
  // a day of retries at the 5-minute cap is ~600 attempts: give_up_after is what ends them
  max_attempts: 1000,
  give_up_after_ms: 24 * 3_600_000,
  max_retry_after_ms: 3_600_000,
};

/** What to do after a failed attempt. */
export type RetryStep = { action: 'retry'; at: number; reason: 'backoff' | 'retry-after' } | { action: 'fail'; reason: string };

/**
 * Exponential backoff with full jitter: attempt n waits a uniform random time in
 * [0, min(max, base * 2^(n-1))], which spreads many failing senders out instead of having them
 * knock together. `random` returns [0, 1) (injected so tests are exact).
 */
export function backoffDelay(attempts: number, policy: RetryPolicy, random: () => number): number {
  const exp = Math.min(policy.max_ms, policy.base_ms * 2 ** Math.min(Math.max(attempts - 1, 0), 40));
  return Math.floor(random() * exp);
}

/**
 * The next step for a delivery that has now failed `attempts` times. A receiver's Retry-After
 * is honoured as given (capped), not jittered: it knows when it will take requests again.
 */
export function nextStep(error: DeliveryError, attempts: number, createdAt: number, now: number, policy: RetryPolicy, random: () => number): RetryStep {
  if (!error.retryable) return { action: 'fail', reason: `not retryable: ${error.message}` };
  if (attempts >= policy.max_attempts) return { action: 'fail', reason: `gave up after ${attempts} attempts: ${error.message}` };
  const at =
    error.retryAfterMs !== null ? now + Math.min(error.retryAfterMs, policy.max_retry_after_ms) : now + backoffDelay(attempts, policy, random);
  if (at - createdAt > policy.give_up_after_ms) return { action: 'fail', reason: `gave up ${Math.round((now - createdAt) / 60_000)} min after it was written: ${error.message}` };
  return { action: 'retry', at, reason: error.retryAfterMs !== null ? 'retry-after' : 'backoff' };
}
