import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limiter.js';

const SLACK = { per_second: 1, burst: 1 };

describe('RateLimiter', () => {
  it('spaces a burst one second apart per destination (Slack: 1 message/s)', () => {
    const r = new RateLimiter();
    const waits = [0, 1, 2, 3].map(() => r.reserve('hook-a', SLACK, 10_000, 60_000).waitMs);
    expect(waits).toEqual([0, 1000, 2000, 3000]);
    // another destination has its own bucket
    expect(r.reserve('hook-b', SLACK, 10_000, 60_000).waitMs).toBe(0);
    // later, the slots already booked still count
    expect(r.reserve('hook-a', SLACK, 12_500, 60_000).waitMs).toBe(1500);
  });

  it('refills up to the burst after a quiet spell', () => {
    const r = new RateLimiter();
    const limit = { per_second: 2, burst: 3 };
    expect([0, 0, 0].map(() => r.reserve('k', limit, 0, 10_000).waitMs)).toEqual([0, 0, 0]);
    expect(r.reserve('k', limit, 0, 10_000).waitMs).toBe(500);
    // 10 s later the bucket is full again, but never beyond the burst
    expect([0, 0, 0, 0].map(() => r.reserve('k', limit, 10_000, 10_000).waitMs)).toEqual([0, 0, 0, 500]);
  });

  it('books nothing when the wait is longer than the caller will hold', () => {
    const r = new RateLimiter();
    r.reserve('k', SLACK, 0, 0);
    expect(r.reserve('k', SLACK, 0, 500)).toEqual({ waitMs: 1000, reserved: false });
    // the refused reservation left the next slot free
    expect(r.reserve('k', SLACK, 0, 5000)).toEqual({ waitMs: 1000, reserved: true });
  });

  it('pauses a destination until its Retry-After has passed', () => {
    const r = new RateLimiter();
    r.pause('k', 30_000, SLACK, 0);
    expect(r.pausedUntil('k')).toBe(30_000);
    expect(r.reserve('k', SLACK, 1_000, 60_000).waitMs).toBe(29_000);
    expect(r.reserve('k', SLACK, 1_000, 60_000).waitMs).toBe(30_000);
  });
});
