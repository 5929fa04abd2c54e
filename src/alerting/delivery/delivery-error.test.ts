import { describe, expect, it } from 'vitest';
import { DeliveryError, httpFailure, thrownFailure } from './delivery-error.js';

const NOW = Date.UTC(2026, 0, 1);

describe('httpFailure', () => {
  it('retries 5xx, 408 and 429 but not other 4xx or 501', () => {
    for (const s of [500, 502, 503, 504, 408, 429]) expect(httpFailure(s, null, '', NOW).retryable, String(s)).toBe(true);
    for (const s of [400, 401, 403, 404, 410, 413, 501]) expect(httpFailure(s, null, '', NOW).retryable, String(s)).toBe(false);
  });

  it('honours Retry-After on 429 and 503 only', () => {
    expect(httpFailure(429, '7', '', NOW).retryAfterMs).toBe(7000);
    expect(httpFailure(503, 'Thu, 01 Jan 2026 00:02:00 GMT', '', NOW).retryAfterMs).toBe(120_000);
    expect(httpFailure(500, '7', '', NOW).retryAfterMs).toBeNull();
  });

  it('keeps a short single-line excerpt of the answer', () => {
    const e = httpFailure(400, null, `invalid_payload\n${'x'.repeat(500)}`, NOW);
    expect(e.message.startsWith('HTTP 400: invalid_payload x')).toBe(true);
    expect(e.message.length).toBeLessThan(220);
    expect(e.status).toBe(400);
  });
});

describe('thrownFailure', () => {
  it('names connection failures by code, found in the cause chain', () => {
    const e = thrownFailure(new TypeError('fetch failed', { cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }) }));
    expect(e.message).toBe('connection failed (ECONNREFUSED)');
    expect(e.retryable).toBe(true);
  });

  it('says how long a timeout waited', () => {
    const err = new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    expect(thrownFailure(err, 2500).message).toBe('timed out after 2500 ms');
  });

  it('passes DeliveryErrors through unchanged', () => {
    const e = new DeliveryError('no', { retryable: false });
    expect(thrownFailure(e)).toBe(e);
  });
});
