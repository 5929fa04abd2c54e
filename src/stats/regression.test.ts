import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { regressionMetrics } from './regression.js';

interface RegressionCase {
  name: string;
  y_true: number[];
  y_pred: number[];
  expected: { n: number; mae: number; mse: number; rmse: number; mape: number; r2: number | null };
}

const fixture = JSON.parse(
  readFileSync(new URL('../../test/fixtures/stats/model-metrics.json', import.meta.url), 'utf8'),
) as { regression: RegressionCase[] };

function close(actual: number | null, expected: number | null): void {
  if (expected === null) return expect(actual).toBeNull();
  expect(actual).not.toBeNull();
  expect(Math.abs(actual! - expected)).toBeLessThanOrEqual(1e-9 * Math.max(Math.abs(actual!), Math.abs(expected)) + 1e-15);
}

describe('regressionMetrics against scikit-learn fixtures', () => {
  it('has the cases the generator promises', () => expect(fixture.regression.length).toBeGreaterThanOrEqual(6));
  for (const c of fixture.regression) {
    it(c.name, () => {
      const m = regressionMetrics(Float64Array.from(c.y_true), Float64Array.from(c.y_pred));
      expect(m.n).toBe(c.expected.n);
      for (const key of ['mae', 'mse', 'rmse', 'mape', 'r2'] as const) close(m[key], c.expected[key]);
    });
  }
});

describe('regressionMetrics edge cases and properties', () => {
  it('is null on no rows, r2 null on one row, and rejects bad input', () => {
    expect(regressionMetrics(new Float64Array(0), new Float64Array(0)).mae).toBeNull();
    const one = regressionMetrics(Float64Array.from([2]), Float64Array.from([3]));
    expect(one).toMatchObject({ mae: 1, mse: 1, rmse: 1, mape: 0.5, r2: null });
    expect(() => regressionMetrics(Float64Array.from([1]), Float64Array.from([1, 2]))).toThrow(RangeError);
    expect(() => regressionMetrics(Float64Array.from([1, NaN]), Float64Array.from([1, 2]))).toThrow(RangeError);
  });

  it('is invariant to the order of the rows and rmse² = mse', () => {
    const pair = fc.tuple(fc.double({ min: -1e3, max: 1e3, noNaN: true }), fc.double({ min: -1e3, max: 1e3, noNaN: true }));
    fc.assert(
      fc.property(fc.array(pair, { minLength: 2, maxLength: 50 }), (rows) => {
        const a = regressionMetrics(Float64Array.from(rows, (r) => r[0]), Float64Array.from(rows, (r) => r[1]));
        const rev = [...rows].reverse();
        const b = regressionMetrics(Float64Array.from(rev, (r) => r[0]), Float64Array.from(rev, (r) => r[1]));
        for (const key of ['mae', 'mse', 'mape'] as const) {
          expect(Math.abs(a[key]! - b[key]!)).toBeLessThanOrEqual(1e-12 * Math.abs(a[key]!) + 1e-300);
        }
        if (a.r2 !== null && Math.abs(a.r2) < 1e6) expect(b.r2).toBeCloseTo(a.r2, 6);
        expect(a.rmse! * a.rmse!).toBeCloseTo(a.mse!, 6);
        expect(a.r2! <= 1).toBe(true);
      }),
    );
  });
});
