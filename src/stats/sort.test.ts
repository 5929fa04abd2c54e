import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { neumaierSum, prepareNumeric, prepareSorted, sortFloat64 } from './sort.js';

const SPECIAL = [
  0, -0, 1, -1, Infinity, -Infinity, Number.NaN, Number.MIN_VALUE, -Number.MIN_VALUE, 2.2250738585072014e-308,
  -2.2250738585072014e-308, 2.2250738585072009e-308, 1e-310, -1e-310, Number.MAX_VALUE, -Number.MAX_VALUE,
  Number.EPSILON, 0.1, -0.1, 1e300, -1e300,
];

/** Doubles of every kind: specials, subnormals, wide exponents, and arbitrary bit patterns. */
const anyDouble = fc.oneof(fc.constantFrom(...SPECIAL), fc.double(), fc.double({ min: -1e-300, max: 1e-300 }), fc.integer({ min: -5, max: 5 }));

function sameOrder(actual: Float64Array, expected: Float64Array): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < actual.length; i++) {
    if (!Object.is(actual[i], expected[i])) {
      throw new Error(`index ${i}: ${actual[i]} vs builtin ${expected[i]}`);
    }
  }
}

describe('sortFloat64', () => {
  it('orders like Float64Array.prototype.sort on small arrays', () => {
    fc.assert(
      fc.property(fc.array(anyDouble, { maxLength: 200 }), (values) => {
        const input = Float64Array.from(values);
        sameOrder(sortFloat64(input.slice()), input.slice().sort());
      }),
    );
  });

  it('orders like Float64Array.prototype.sort on arrays large enough for the radix sort', () => {
    fc.assert(
      fc.property(fc.array(anyDouble, { minLength: 2048, maxLength: 5000 }), (values) => {
        const input = Float64Array.from(values);
        sameOrder(sortFloat64(input.slice()), input.slice().sort());
      }),
      { numRuns: 40 },
    );
  });

  it('handles -0 before +0, subnormals, infinities and every NaN (sorted last) in the radix path', () => {
    const bits = new Uint32Array(2);
    const negativeNaN = new Float64Array(bits.buffer);
    bits[1] = 0xfff80001; // a NaN with the sign bit and a payload
    const input = new Float64Array(4096);
    for (let i = 0; i < input.length; i++) input[i] = SPECIAL[i % SPECIAL.length] * (i % 3 === 0 ? 1 : 0.5);
    input[7] = negativeNaN[0];
    const sorted = sortFloat64(input.slice());
    sameOrder(sorted, input.slice().sort());
    expect(Object.is(sorted[sorted.findIndex((v) => v === 0)], -0)).toBe(true);
    expect(Number.isNaN(sorted[sorted.length - 1])).toBe(true);
  });

  it('sorts in place and only the view it is given', () => {
    const backing = new Float64Array(6000);
    for (let i = 0; i < backing.length; i++) backing[i] = Math.sin(i) * 1000;
    const view = backing.subarray(1000, 5000);
    const expected = view.slice().sort();
    const before = backing.slice(0, 1000);
    expect(sortFloat64(view)).toBe(view);
    sameOrder(view, expected);
    sameOrder(backing.subarray(0, 1000), before);
  });

  it('is stable in the digits it skips: constant high bits and all-equal arrays', () => {
    const ints = Float64Array.from({ length: 10000 }, (_, i) => (i * 7919) % 1000);
    sameOrder(sortFloat64(ints.slice()), ints.slice().sort());
    const same = new Float64Array(3000).fill(2.5);
    sameOrder(sortFloat64(same.slice()), same);
  });
});

describe('sortFloat64 on numbers with few decimals (the counting path)', () => {
  /** a number with at most `d` decimals, as a client would log it */
  const decimal = (d: number, range: number) => fc.integer({ min: -range, max: range }).map((k) => k / 10 ** d);

  it('orders like Float64Array.prototype.sort, -0 before +0, whatever the number of decimals', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 9 }).chain((d) => fc.array(fc.oneof(decimal(d, 5000), fc.constantFrom(0, -0)), { minLength: 2048, maxLength: 4000 })),
        (values) => {
          const input = Float64Array.from(values);
          sameOrder(sortFloat64(input.slice()), input.slice().sort());
        },
      ),
      { numRuns: 40 },
    );
  });

  it('sorts the keys by radix when they span widely (2^19 and more), -0 before +0', () => {
    fc.assert(
      fc.property(
        // 150,000 keys over a range of 560,000: more than 2^19, under the 4n of counting
        fc.array(fc.oneof(decimal(4, 280_000), fc.constantFrom(0, -0, 28, -28)), { minLength: 150_000, maxLength: 150_000 }),
        (values) => {
          const input = Float64Array.from(values);
          sameOrder(sortFloat64(input.slice()), input.slice().sort());
        },
      ),
      { numRuns: 5 },
    );
  });

  it('falls back to the radix sort when keys span too widely or one value has more decimals, a NaN or an infinity', () => {
    const wide = Float64Array.from({ length: 4096 }, (_, i) => (i % 2 ? 1e9 : -1e9) + i);
    sameOrder(sortFloat64(wide.slice()), wide.slice().sort());
    for (const odd of [0.123456789012, Number.NaN, Infinity, -Infinity, 1e300]) {
      const mixed = Float64Array.from({ length: 4096 }, (_, i) => ((i * 37) % 1000) / 100);
      mixed[2000] = odd;
      sameOrder(sortFloat64(mixed.slice()), mixed.slice().sort());
    }
  });
});

describe('prepareNumeric', () => {
  it('drops null, undefined, NaN and ±Infinity and counts them as missing', () => {
    const sample = prepareNumeric([3, null, 1, Number.NaN, undefined, Infinity, -Infinity, 2]);
    expect(Array.from(sample.sorted)).toEqual([1, 2, 3]);
    expect(sample.n).toBe(3);
    expect(sample.missing).toBe(5);
    expect(sample.mean).toBe(2);
    expect(sample.variance).toBe(1);
  });

  it('accepts a Float64Array and leaves it untouched', () => {
    const input = Float64Array.from([5, Number.NaN, -1, 3]);
    const sample = prepareNumeric(input);
    expect(Array.from(sample.sorted)).toEqual([-1, 3, 5]);
    expect(Number.isNaN(input[1])).toBe(true);
    expect(input[0]).toBe(5);
  });

  it('gives NaN moments when there are too few values', () => {
    const empty = prepareNumeric([null, Number.NaN]);
    expect(empty.n).toBe(0);
    expect(Number.isNaN(empty.mean)).toBe(true);
    expect(Number.isNaN(empty.variance)).toBe(true);
    const one = prepareNumeric([4]);
    expect(one.mean).toBe(4);
    expect(Number.isNaN(one.variance)).toBe(true);
  });

  it('keeps the variance exact where the naive formula cancels', () => {
    const sample = prepareNumeric([1e9 + 1, 1e9 + 2, 1e9 + 3]);
    expect(sample.mean).toBe(1e9 + 2);
    expect(sample.variance).toBe(1);
    const shifted = prepareNumeric(Array.from({ length: 1001 }, (_, i) => 1e12 + (i % 2)));
    expect(shifted.variance).toBeCloseTo((500 * 501) / 1001 / 1000, 12);
  });

  it('computes mean and variance (ddof = 1) exactly on integer samples', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: 2, maxLength: 300 }), (values) => {
        const sample = prepareNumeric(values);
        const n = values.length;
        const sum = values.reduce((s, v) => s + v, 0);
        const sumSq = values.reduce((s, v) => s + v * v, 0);
        expect(sample.mean).toBeCloseTo(sum / n, 12);
        expect(sample.variance).toBeCloseTo((sumSq - (sum * sum) / n) / (n - 1), 8);
      }),
    );
  });

  it('prepareSorted reuses the sorted array it is given', () => {
    const sorted = Float64Array.from([1, 2, 4]);
    const sample = prepareSorted(sorted, 2);
    expect(sample.sorted).toBe(sorted);
    expect(sample.missing).toBe(2);
    expect(sample.mean).toBeCloseTo(7 / 3, 15);
  });
});

describe('neumaierSum', () => {
  it('recovers what plain summation loses', () => {
    expect(neumaierSum([1e100, 1, -1e100])).toBe(1);
    expect(neumaierSum(new Float64Array(10).fill(0.1))).toBe(1);
  });
});
