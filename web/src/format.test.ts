import { describe, expect, it } from 'vitest';
import { ago, count, duration, num, pct, time } from './format';

describe('format', () => {
  it('numbers: missing values as a dash, tiny ones in exponent form, large ones grouped', () => {
    expect(num(null)).toBe('–');
    expect(num(Number.NaN)).toBe('–');
    expect(num(0.92593921)).toBe('0.926');
    expect(num(0)).toBe('0');
    expect(num(0.00007672)).toBe('7.7e-5');
    expect(num(254022)).toBe('254,022');
    expect(pct(0.3044)).toBe('30.4 %');
    expect(pct(undefined)).toBe('–');
    expect(count(3000)).toBe('3.0k');
    expect(count(21000)).toBe('21k');
    expect(count(1_250_000)).toBe('1.3M');
  });

  it('times in UTC, relative times both ways, durations', () => {
    expect(time('2026-11-22T14:25:42.919Z')).toBe('2026-11-22 14:25 UTC');
    expect(time(null)).toBe('–');
    const now = Date.parse('2026-11-22T15:00:00Z');
    expect(ago('2026-11-22T14:59:30Z', now)).toBe('30 s ago');
    expect(ago('2026-11-22T12:00:00Z', now)).toBe('3 h ago');
    expect(ago('2026-11-19T15:00:00Z', now)).toBe('3 d ago');
    expect(ago('2026-11-22T15:05:00Z', now)).toBe('in 5 min');
    expect(ago(null, now)).toBe('never');
    expect(duration(120)).toBe('120 ms');
    expect(duration(3_600_000)).toBe('60 min');
    expect(duration(21_600_000)).toBe('6.0 h');
  });
});
