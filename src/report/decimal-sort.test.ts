import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sortFloat64 } from '../stats/sort.js';
import { sortByDecimalKeys, sortDecimal } from './decimal-sort.js';

/** Values as a CSV writes them: `decimals` places, parsed back with Number(). */
const written = (xs: readonly number[], decimals: number): Float64Array => Float64Array.from(xs, (x) => Number(x.toFixed(decimals)));
const sameAsRadix = (values: Float64Array): void => {
  const expected = sortFloat64(values.slice());
  const actual = values.slice();
  expect(sortDecimal(actual)).toBe(true);
  // -0 and +0 are one key: compare as numbers
  expect(Array.from(actual)).toEqual(Array.from(expected, (v) => v + 0));
};

describe('sortDecimal', () => {
  it('sorts numbers written with 0–6 decimals exactly as the radix sort does', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -30000, max: 30000 }), { minLength: 1024, maxLength: 3000 }),
        fc.integer({ min: 0, max: 6 }),
        (keys, decimals) => sameAsRadix(written(keys.map((k) => k / 10 ** decimals), decimals)),
      ),
      { numRuns: 60 },
    );
  });

  it('either sorts like the radix sort or leaves the values as they were', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e4, max: 1e4, noNaN: true }), { minLength: 1024, maxLength: 2000 }),
        fc.integer({ min: 0, max: 9 }),
        (xs, decimals) => {
          const values = written(xs, decimals);
          const before = values.slice();
          if (sortDecimal(values)) expect(Array.from(values)).toEqual(Array.from(sortFloat64(before), (v) => v + 0));
          else expect(values).toEqual(before);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('sorts a column of small integers and one with ties', () => {
    sameAsRadix(Float64Array.from({ length: 5000 }, (_, i) => (i * 7919) % 23));
    sameAsRadix(Float64Array.from({ length: 5000 }, (_, i) => [1.5, -0.25, 3, 1.5][i % 4]));
  });

  it('leaves full-precision doubles, too wide ranges and short arrays to the radix sort', () => {
    const random = Float64Array.from({ length: 4096 }, (_, i) => Math.sin(i) * 1000);
    const copy = random.slice();
    expect(sortDecimal(random)).toBe(false);
    expect(random).toEqual(copy);
    const wide = Float64Array.from({ length: 4096 }, (_, i) => (i % 2 === 0 ? 0 : 1e9 + i));
    expect(sortByDecimalKeys(wide, 0)).toBe('too-wide');
    expect(sortDecimal(Float64Array.of(3, 1, 2))).toBe(false);
  });

  it('finds the fewest decimals that fit', () => {
    const values = Float64Array.from({ length: 2048 }, (_, i) => (i % 10) / 4);
    expect(sortByDecimalKeys(values.slice(), 1)).toBe('not-decimal');
    expect(sortByDecimalKeys(values.slice(), 2)).toBe('sorted');
  });
});
