import { describe, expect, it } from 'vitest';
import { uuidv7, uuidv7Time } from './uuidv7.js';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('uuidv7', () => {
  it('has the RFC 9562 layout: version 7, variant 10, time in the first 48 bits', () => {
    const t = Date.UTC(2026, 2, 1, 12, 0, 0, 123);
    for (let i = 0; i < 1000; i++) {
      const id = uuidv7(t + (i % 3));
      expect(id).toMatch(UUID_V7);
      expect(uuidv7Time(id)).toBe(t + (i % 3));
    }
  });

  it('is unique and sorts by time across milliseconds', () => {
    const ids = Array.from({ length: 20_000 }, (_, i) => uuidv7(1_700_000_000_000 + Math.floor(i / 100)));
    expect(new Set(ids).size).toBe(ids.length);
    const byMs = ids.filter((_, i) => i % 100 === 0);
    expect([...byMs].sort()).toEqual(byMs);
  });

  it('defaults to the current time', () => {
    const before = Date.now();
    const t = uuidv7Time(uuidv7());
    expect(t).toBeGreaterThanOrEqual(before);
    expect(t).toBeLessThanOrEqual(Date.now());
  });
});
