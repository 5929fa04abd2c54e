/** A destination's rate: `per_second` sustained, up to `burst` at once after a quiet spell. */
export interface RateLimit {
  per_second: number;
  burst: number;
}

interface Bucket {
  tokens: number;
  /** time `tokens` was computed for (never before the last reservation's slot) */
  at: number;
  /** a receiver's Retry-After: nothing goes out before this */
  pausedUntil: number;
}

/**
 * Token buckets per destination (a webhook URL, an SMTP server): Slack takes about one message
 * per second per webhook, and a burst of alerts must queue instead of earning 429s. A
 * reservation books the next free slot, so concurrent senders space themselves out. A
 * destination that answered with Retry-After is paused for everyone sending to it.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  /**
   * Book a slot for `key` at or after `now`. Returns how long to wait before sending. When that
   * is longer than `maxWaitMs` nothing is booked (`reserved: false`): the caller puts the
   * delivery back for later instead of holding it.
   */
  reserve(key: string, limit: RateLimit, now: number, maxWaitMs: number): { waitMs: number; reserved: boolean } {
    const rate = limit.per_second / 1000;
    const b = this.buckets.get(key) ?? { tokens: limit.burst, at: now, pausedUntil: 0 };
    const t0 = Math.max(now, b.at, b.pausedUntil);
    const available = Math.min(limit.burst, b.tokens + (t0 - b.at) * rate);
    const waitMs = Math.ceil(t0 - now + (available >= 1 ? 0 : (1 - available) / rate));
    if (waitMs > maxWaitMs) return { waitMs, reserved: false };
    this.buckets.set(key, { tokens: available - 1, at: t0, pausedUntil: b.pausedUntil });
    return { waitMs, reserved: true };
  }

  /** The destination asked for a pause (Retry-After): no slot before `until`. */
  pause(key: string, until: number, limit: RateLimit | null, now: number): void {
    const b = this.buckets.get(key) ?? { tokens: limit?.burst ?? 1, at: now, pausedUntil: 0 };
    this.buckets.set(key, { ...b, pausedUntil: Math.max(b.pausedUntil, until) });
  }

  /** When a paused destination takes sends again (0 when it is not paused). */
  pausedUntil(key: string): number {
    return this.buckets.get(key)?.pausedUntil ?? 0;
  }
}
