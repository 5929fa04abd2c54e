import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY, backoffDelay, isRetryableStatus, parseRetryAfter } from './backoff.js';

describe('backoff', () => {
  it('doubles per attempt between half and all of the step, up to the cap', () => {
    const r = { ...DEFAULT_RETRY, initialDelayMs: 100, maxDelayMs: 1000 };
    expect(backoffDelay(1, r, undefined, () => 0)).toBe(50);
    expect(backoffDelay(1, r, undefined, () => 0.999999)).toBeCloseTo(100, 3);
    expect(backoffDelay(3, r, undefined, () => 0)).toBe(200);
    expect(backoffDelay(30, r, undefined, () => 1)).toBe(1000);
    expect(backoffDelay(5000, r, undefined, () => 0.5)).toBe(750);
    const spread = new Set(Array.from({ length: 50 }, () => Math.round(backoffDelay(4, r, undefined))));
    expect(spread.size).toBeGreaterThan(10);
  });

  it('waits at least Retry-After, capped at maxRetryAfterMs', () => {
    const r = { ...DEFAULT_RETRY, maxRetryAfterMs: 5000 };
    expect(backoffDelay(1, r, 2000, () => 0)).toBe(2000);
    expect(backoffDelay(1, r, 3_600_000, () => 0)).toBe(5000);
    expect(backoffDelay(1, r, 0, () => 0)).toBe(50);
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    const now = Date.UTC(2026, 0, 1, 0, 0, 0);
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter(' 1.5 ', now)).toBe(1500);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:10 GMT', now)).toBe(10_000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 00:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });

  it('retries 408, 429 and 5xx only', () => {
    expect([400, 401, 403, 404, 408, 409, 413, 429, 500, 502, 503].filter(isRetryableStatus)).toEqual([408, 429, 500, 502, 503]);
  });
});
