import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseTimestamp } from '../domain/time.js';
import { parseTimestampFast } from './fast-time.js';

const pad = (n: number, w: number) => String(n).padStart(w, '0');

describe('parseTimestampFast', () => {
  it('agrees with parseTimestamp on canonical, near-canonical and invalid date-times', () => {
    const field = (max: number, w: number) => fc.integer({ min: 0, max }).map((n) => pad(n, w));
    const iso = fc
      .tuple(field(10_500, 4), field(14, 2), field(33, 2), field(25, 2), field(61, 2), field(61, 2), field(999, 3), fc.boolean(), fc.constantFrom('Z', 'z', '+00:00', ''))
      .map(([y, mo, d, h, mi, s, ms, frac, zone]) => `${y}-${mo}-${d}T${h}:${mi}:${s}${frac ? `.${ms}` : ''}${zone}`);
    const mangled = iso.chain((s) => fc.tuple(fc.nat({ max: s.length - 1 }), fc.constantFrom('x', ' ', '-', ':', '9', '.', 'T')).map(([i, c]) => s.slice(0, i) + c + s.slice(i + 1)));
    fc.assert(
      fc.property(fc.oneof(iso, mangled, fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), fc.string(), fc.integer(), fc.double()), (v) => {
        expect(Object.is(parseTimestampFast(v), parseTimestamp(v)), String(v)).toBe(true);
      }),
      { numRuns: 5000 },
    );
  });

  it('reads the forms clients send', () => {
    expect(parseTimestampFast('2026-11-21T14:01:30.134Z')).toBe(Date.UTC(2026, 10, 21, 14, 1, 30, 134));
    expect(parseTimestampFast('2024-02-29T23:59:59Z')).toBe(Date.UTC(2024, 1, 29, 23, 59, 59));
    expect(parseTimestampFast('2023-02-29T00:00:00Z')).toBe(parseTimestamp('2023-02-29T00:00:00Z'));
    expect(parseTimestampFast(1_700_000_000_000)).toBe(1_700_000_000_000);
    expect(parseTimestampFast('1969-12-31T23:59:59.999Z')).toBeNaN();
  });
});
