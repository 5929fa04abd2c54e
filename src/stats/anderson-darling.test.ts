import { describe, expect, it } from 'vitest';
import { AD_CRITICAL, AD_P_CAP, AD_P_FLOOR, andersonDarlingPValue, andersonDarlingTwoSample, fitQuadratic } from './anderson-darling.js';

describe('fitQuadratic', () => {
  it('recovers an exact quadratic, highest degree first', () => {
    const x = [0.3, 1.2, 2, 2.7, 3.8, 4.6, 6.5];
    const [a, b, c] = fitQuadratic(x, x.map((v) => 2 * v * v - 3 * v + 0.5));
    expect(a).toBeCloseTo(2, 12);
    expect(b).toBeCloseTo(-3, 12);
    expect(c).toBeCloseTo(0.5, 12);
  });

  it('minimises the squared residuals (normal equations hold)', () => {
    const x = [0, 1, 2, 3, 4];
    const y = [1, 0, 2, 1, 5];
    const coef = fitQuadratic(x, y);
    const residual = x.map((v, i) => y[i] - (coef[0] * v * v + coef[1] * v + coef[2]));
    for (const power of [0, 1, 2]) {
      expect(residual.reduce((s, r, i) => s + r * x[i] ** power, 0)).toBeCloseTo(0, 12);
    }
  });
});

describe('andersonDarlingPValue', () => {
  it("is scipy's capped and floored interpolation", () => {
    expect(andersonDarlingPValue(-1)).toBe(AD_P_CAP);
    expect(andersonDarlingPValue(100)).toBe(AD_P_FLOOR);
    // the fit passes close to the table: 5% at the 5% critical value
    expect(andersonDarlingPValue(AD_CRITICAL[2])).toBeCloseTo(0.05, 2);
    let previous = 1;
    for (let a = AD_CRITICAL[0]; a <= AD_CRITICAL[6]; a += 0.05) {
      const p = andersonDarlingPValue(a);
      expect(p).toBeLessThan(previous);
      previous = p;
    }
  });
});

describe('andersonDarlingTwoSample', () => {
  it('refuses a merged sample with a single distinct value, as scipy does', () => {
    const r = andersonDarlingTwoSample(Float64Array.from([2, 2, 2]), Float64Array.from([2, 2]));
    expect(Number.isNaN(r.statistic)).toBe(true);
    expect(Number.isNaN(r.pValue)).toBe(true);
  });

  it('grows with the separation of the samples', () => {
    const a = Float64Array.from({ length: 40 }, (_, i) => i / 40);
    const shifted = (d: number) => a.map((v) => v + d);
    const s1 = andersonDarlingTwoSample(a, shifted(0.1)).statistic;
    const s2 = andersonDarlingTwoSample(a, shifted(0.3)).statistic;
    expect(s2).toBeGreaterThan(s1);
  });
});
