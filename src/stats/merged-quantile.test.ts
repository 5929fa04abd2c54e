import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mergedOrderStatistic, mergedQuantile } from './merged-quantile.js';

const sortedArray = fc
  .array(fc.integer({ min: -50, max: 50 }), { maxLength: 40 })
  .map((v) => Float64Array.from(v).sort());

describe('mergedOrderStatistic', () => {
  it('is the k-th value of the merged sorted arrays', () => {
    fc.assert(
      fc.property(sortedArray, sortedArray, (a, b) => {
        const merged = Float64Array.from([...a, ...b]).sort();
        for (let k = 0; k < merged.length; k++) expect(mergedOrderStatistic(a, b, k)).toBe(merged[k]);
        expect(Number.isNaN(mergedOrderStatistic(a, b, merged.length))).toBe(true);
      }),
    );
  });
});

describe('mergedQuantile', () => {
  it("follows numpy's linear method", () => {
    // np.percentile([1, 2, 3, 4, 10], [25, 75]) = [2, 4]; np.percentile([1, 2, 3, 4], 25) = 1.75
    expect(mergedQuantile(Float64Array.from([1, 3, 10]), Float64Array.from([2, 4]), 0.25)).toBe(2);
    expect(mergedQuantile(Float64Array.from([1, 3, 10]), Float64Array.from([2, 4]), 0.75)).toBe(4);
    expect(mergedQuantile(Float64Array.from([1, 2]), Float64Array.from([3, 4]), 0.25)).toBe(1.75);
    expect(mergedQuantile(Float64Array.from([1, 2]), Float64Array.from([3, 4]), 0.75)).toBe(3.25);
    expect(Number.isNaN(mergedQuantile(new Float64Array(0), new Float64Array(0), 0.5))).toBe(true);
  });

  it('lies between the neighbouring order statistics', () => {
    fc.assert(
      fc.property(sortedArray, sortedArray, fc.double({ min: 0, max: 1, noNaN: true }), (a, b, q) => {
        fc.pre(a.length + b.length > 0);
        const merged = Float64Array.from([...a, ...b]).sort();
        const position = q * (merged.length - 1);
        const value = mergedQuantile(a, b, q);
        expect(value).toBeGreaterThanOrEqual(merged[Math.floor(position)]);
        expect(value).toBeLessThanOrEqual(merged[Math.ceil(position)]);
      }),
    );
  });
});
