import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Prng, sampleIndices, shuffleInPlace } from './prng.js';

describe('Prng', () => {
  it('is xoshiro128**: matches the reference implementation from state (1, 2, 3, 4)', () => {
    const prng = Prng.fromState(1, 2, 3, 4);
    const outputs = Array.from({ length: 8 }, () => prng.nextUint32());
    expect(outputs).toEqual([11520, 0, 5927040, 70819200, 2031721883, 1637235492, 1287239034, 3734860849]);
  });

  it('gives the same stream for the same seed and different streams for different seeds', () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const a = new Prng(seed);
        const b = new Prng(seed);
        const c = new Prng(seed + 1);
        const sa = Array.from({ length: 5 }, () => a.nextUint32());
        expect(Array.from({ length: 5 }, () => b.nextUint32())).toEqual(sa);
        expect(Array.from({ length: 5 }, () => c.nextUint32())).not.toEqual(sa);
      }),
    );
  });

  it('draws floats in [0, 1) and integers in [0, n)', () => {
    const prng = new Prng(7);
    for (let i = 0; i < 2000; i++) {
      const f = prng.nextFloat();
      expect(f >= 0 && f < 1).toBe(true);
      const k = prng.nextInt(7);
      expect(Number.isInteger(k) && k >= 0 && k < 7).toBe(true);
    }
    expect(prng.nextInt(1)).toBe(0);
    const big = prng.nextInt(2 ** 40);
    expect(big >= 0 && big < 2 ** 40 && Number.isInteger(big)).toBe(true);
    expect(() => prng.nextInt(0)).toThrow(RangeError);
    expect(() => prng.nextInt(2.5)).toThrow(RangeError);
  });

  it('draws integers uniformly (chi-square over 10 cells far below the 0.1% critical value)', () => {
    const prng = new Prng(42);
    const cells = new Array<number>(10).fill(0);
    const draws = 20000;
    for (let i = 0; i < draws; i++) cells[prng.nextInt(10)]++;
    const expected = draws / 10;
    const chi2 = cells.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
    expect(chi2).toBeLessThan(27.88);
  });
});

describe('shuffleInPlace', () => {
  it('permutes typed arrays reproducibly under a seed', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ noNaN: true }), { maxLength: 100 }), fc.integer(), (values, seed) => {
        const a = Float64Array.from(values);
        const b = Float64Array.from(values);
        shuffleInPlace(new Prng(seed), a);
        shuffleInPlace(new Prng(seed), b);
        expect(Array.from(a)).toEqual(Array.from(b));
        expect(Array.from(a).sort((x, y) => x - y)).toEqual([...values].sort((x, y) => x - y));
      }),
    );
  });

  it('puts every element first equally often', () => {
    const prng = new Prng(3);
    const firsts = new Array<number>(4).fill(0);
    for (let i = 0; i < 8000; i++) {
      const a = Int32Array.from([0, 1, 2, 3]);
      shuffleInPlace(prng, a);
      firsts[a[0]]++;
    }
    for (const count of firsts) expect(Math.abs(count - 2000)).toBeLessThan(200);
  });
});

describe('sampleIndices', () => {
  it('draws k distinct sorted indices below n, by either algorithm', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3000 }), fc.integer({ min: 0, max: 400 }), fc.integer(), (n, k, seed) => {
        const sample = sampleIndices(new Prng(seed), n, k);
        expect(sample.length).toBe(Math.min(n, k));
        for (let i = 0; i < sample.length; i++) {
          expect(sample[i]).toBeLessThan(n);
          if (i > 0) expect(sample[i]).toBeGreaterThan(sample[i - 1]);
        }
        expect(Array.from(sampleIndices(new Prng(seed), n, k))).toEqual(Array.from(sample));
      }),
    );
  });
});
