import { describe, expect, it } from 'vitest';
import { psi, psiFromShares, psiSeverity } from './psi.js';

describe('psiSeverity', () => {
  it('uses the source designs bands by default', () => {
    expect(psiSeverity(0)).toBe('INFO');
    expect(psiSeverity(0.0999)).toBe('INFO');
    expect(psiSeverity(0.1)).toBe('WARNING');
    expect(psiSeverity(0.2499)).toBe('WARNING');
    expect(psiSeverity(0.25)).toBe('CRITICAL');
    expect(psiSeverity(3)).toBe('CRITICAL');
    expect(psiSeverity(Number.NaN)).toBe('INFO');
  });

  it('accepts configured thresholds', () => {
    const bands = { warning: 0.05, critical: 0.1 };
    expect(psiSeverity(0.04, bands)).toBe('INFO');
    expect(psiSeverity(0.07, bands)).toBe('WARNING');
    expect(psiSeverity(0.1, bands)).toBe('CRITICAL');
    expect(() => psiSeverity(0.1, { warning: 0.3, critical: 0.2 })).toThrow(RangeError);
  });
});

describe('psi', () => {
  it('follows Σ (c − r)·ln(c/r)', () => {
    const r = new Float64Array([0.5, 0.5]);
    const c = new Float64Array([0.25, 0.75]);
    expect(psiFromShares(r, c)).toBeCloseTo(-0.25 * Math.log(0.5) + 0.25 * Math.log(1.5), 15);
    expect(psi.direction).toBe('value_at_or_above');
    expect(psi.defaultThreshold).toBe(0.1);
  });
});
