import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gradeSeverity, gradeValue, maxSeverity, thresholdFor } from './severity.js';
import type { SeverityThresholds } from './severity.js';

const parity: SeverityThresholds = { warning: 0.05, critical: 0.1, direction: 'higher_is_worse' };
const impact: SeverityThresholds = { warning: 0.9, critical: 0.8, direction: 'lower_is_worse' };

describe('gradeValue', () => {
  it('grades higher-is-worse values with ≥', () => {
    expect(gradeSeverity(0.02, parity)).toBe('INFO');
    expect(gradeValue(0.05, parity)).toEqual({ severity: 'WARNING', threshold: 0.05 });
    expect(gradeValue(0.1, parity)).toEqual({ severity: 'CRITICAL', threshold: 0.1 });
    expect(gradeValue(0.14, parity)).toEqual({ severity: 'CRITICAL', threshold: 0.1 });
  });

  it('grades lower-is-worse values with <', () => {
    expect(gradeSeverity(0.92, impact)).toBe('INFO');
    expect(gradeSeverity(0.9, impact)).toBe('INFO');
    expect(gradeValue(0.85, impact)).toEqual({ severity: 'WARNING', threshold: 0.9 });
    expect(gradeSeverity(0.8, impact)).toBe('WARNING');
    expect(gradeValue(0.74, impact)).toEqual({ severity: 'CRITICAL', threshold: 0.8 });
  });

  it('does not judge undefined values and honours a missing level', () => {
    for (const v of [null, undefined, Number.NaN]) expect(gradeValue(v, parity)).toEqual({ severity: 'INFO', threshold: null });
    expect(gradeSeverity(0.07, { critical: 0.1, direction: 'higher_is_worse' })).toBe('INFO');
    expect(gradeSeverity(0.07, { warning: 0.05, direction: 'higher_is_worse' })).toBe('WARNING');
  });

  it('never grades a worse value lower', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, min: -2, max: 2 }), fc.double({ noNaN: true, min: -2, max: 2 }), (a, b) => {
        const rank = { INFO: 0, WARNING: 1, CRITICAL: 2 };
        const [lo, hi] = a < b ? [a, b] : [b, a];
        expect(rank[gradeSeverity(hi, parity)]).toBeGreaterThanOrEqual(rank[gradeSeverity(lo, parity)]);
        expect(rank[gradeSeverity(lo, impact)]).toBeGreaterThanOrEqual(rank[gradeSeverity(hi, impact)]);
      }),
    );
  });
});

describe('maxSeverity and thresholdFor', () => {
  it('picks the worst severity and the threshold of a level', () => {
    expect(maxSeverity([])).toBe('INFO');
    expect(maxSeverity(['INFO', 'CRITICAL', 'WARNING'])).toBe('CRITICAL');
    expect(thresholdFor('WARNING', impact)).toBe(0.9);
    expect(thresholdFor('INFO', impact)).toBeUndefined();
  });
});
