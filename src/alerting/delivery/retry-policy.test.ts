import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DeliveryError } from './delivery-error.js';
import { backoffDelay, DEFAULT_RETRY, nextStep } from './retry-policy.js';

const policy = { ...DEFAULT_RETRY, base_ms: 1000, max_ms: 60_000, max_attempts: 5, give_up_after_ms: 3_600_000 };
const retryable = new DeliveryError('HTTP 500', { retryable: true, status: 500 });

describe('backoffDelay', () => {
  it('stays within [0, min(max, base * 2^(n-1))] for any attempt and random draw', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), fc.double({ min: 0, max: 0.999999, noNaN: true }), (n, r) => {
        const d = backoffDelay(n, policy, () => r);
        const cap = Math.min(policy.max_ms, policy.base_ms * 2 ** (n - 1));
        return d >= 0 && d <= cap && Number.isInteger(d);
      }),
    );
  });

  it('doubles the cap per attempt until the maximum (full jitter: top of the range at r→1)', () => {
    const top = (n: number) => backoffDelay(n, policy, () => 0.999999);
    expect([1, 2, 3, 4, 5, 6, 7, 8].map(top)).toEqual([999, 1999, 3999, 7999, 15999, 31999, 59999, 59999]);
    expect(backoffDelay(3, policy, () => 0)).toBe(0);
  });
});

describe('nextStep', () => {
  const NOW = 1_000_000;

  it('retries with backoff while attempts remain, fails at the limit', () => {
    expect(nextStep(retryable, 1, NOW, NOW, policy, () => 0.5)).toEqual({ action: 'retry', at: NOW + 500, reason: 'backoff' });
    const last = nextStep(retryable, 5, NOW, NOW, policy, () => 0.5);
    expect(last.action).toBe('fail');
    expect(last.action === 'fail' && last.reason).toContain('gave up after 5 attempts: HTTP 500');
  });

  it('honours Retry-After exactly, capped by the policy', () => {
    const asked = new DeliveryError('HTTP 429', { retryable: true, retryAfterMs: 42_000 });
    expect(nextStep(asked, 1, NOW, NOW, policy, () => 0.9)).toEqual({ action: 'retry', at: NOW + 42_000, reason: 'retry-after' });
    const greedy = new DeliveryError('HTTP 503', { retryable: true, retryAfterMs: 10 * 3_600_000 });
    expect(nextStep(greedy, 1, NOW, NOW, { ...policy, give_up_after_ms: 86_400_000 }, () => 0)).toMatchObject({ at: NOW + policy.max_retry_after_ms });
  });

  it('fails permanent errors at once and gives up on old deliveries', () => {
    expect(nextStep(new DeliveryError('HTTP 404', { retryable: false }), 1, NOW, NOW, policy, () => 0)).toEqual({ action: 'fail', reason: 'not retryable: HTTP 404' });
    const old = nextStep(retryable, 2, NOW - 3_600_000, NOW, policy, () => 0.5);
    expect(old.action).toBe('fail');
  });
});
