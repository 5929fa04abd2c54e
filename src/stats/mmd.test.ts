import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { medianSquaredDistance, mmd, mmdTwoSample, selectInPlace } from './mmd.js';
import { Prng } from './prng.js';
import { prepareNumeric } from './sort.js';

function normal(prng: Prng, n: number, shift = 0): number[] {
  return Array.from({ length: n }, () => shift + Math.sqrt(-2 * Math.log(1 - prng.nextFloat())) * Math.cos(2 * Math.PI * prng.nextFloat()));
}

describe('selectInPlace', () => {
  it('finds the k-th smallest value', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -20, max: 20 }), { minLength: 1, maxLength: 60 }), fc.nat(), (values, k) => {
        const index = k % values.length;
        const sorted = [...values].sort((a, b) => a - b);
        expect(selectInPlace(Float64Array.from(values), index)).toBe(sorted[index]);
      }),
    );
  });
});

describe('medianSquaredDistance', () => {
  it("is numpy's 'nearest' median of all n² squared distances (Evidently's heuristic)", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -30, max: 30 }), { minLength: 1, maxLength: 25 }), (values) => {
        const x = Float64Array.from(values).sort();
        const all: number[] = [];
        for (const a of x) for (const b of x) all.push((a - b) ** 2);
        all.sort((a, b) => a - b);
        const half = (all.length - 1) / 2;
        // np.around: halves go to the even neighbour
        const index = half % 1 === 0.5 ? (Math.floor(half) % 2 === 0 ? Math.floor(half) : Math.ceil(half)) : half;
        const expected = all[index] === 0 ? 1 : all[index];
        expect(medianSquaredDistance(x)).toBe(expected);
      }),
    );
  });
});

describe('mmd', () => {
  const prng = new Prng(1);
  const reference = prepareNumeric(normal(prng, 300));
  const same = prepareNumeric(normal(prng, 300));
  const shifted = prepareNumeric(normal(prng, 300, 1));

  it('finds no drift between identical samples', () => {
    const r = mmd.computeNumeric!(reference, reference);
    expect(r.drift_detected).toBe(false);
    expect(r.p_value).toBeGreaterThan(0.5);
  });

  it('finds no drift between samples of the same distribution', () => {
    expect(mmd.computeNumeric!(reference, same).drift_detected).toBe(false);
  });

  it('finds drift for a clearly shifted sample, with the smallest possible p-value', () => {
    const r = mmd.computeNumeric!(reference, shifted);
    expect(r.drift_detected).toBe(true);
    expect(r.p_value).toBe(1 / 101);
    expect(r.statistic).toBeGreaterThan(0);
    expect(r.threshold).toBe(0.05);
  });

  it('is reproducible under a seed, and the seed and permutation count are options', () => {
    const a = mmd.computeNumeric!(reference, same, { seed: 7 });
    const b = mmd.computeNumeric!(reference, same, { seed: 7 });
    expect(b).toEqual(a);
    const fewer = mmdTwoSample(reference.sorted, shifted.sorted, { permutations: 9 });
    expect(fewer.pValue).toBe(1 / 10);
  });

  it('subsamples large samples to 1,000 values per side, reproducibly', () => {
    const big = prepareNumeric(normal(prng, 5000));
    const bigShifted = prepareNumeric(normal(prng, 4000, 0.5));
    const a = mmdTwoSample(big.sorted, bigShifted.sorted, { seed: 3, permutations: 20 });
    const b = mmdTwoSample(big.sorted, bigShifted.sorted, { seed: 3, permutations: 20 });
    expect(b).toEqual(a);
    expect(a.pValue).toBe(1 / 21);
    const other = mmdTwoSample(big.sorted, bigShifted.sorted, { seed: 4, permutations: 20 });
    expect(other.statistic).not.toBe(a.statistic);
  });

  it('needs two values on each side', () => {
    expect(() => mmd.computeNumeric!(prepareNumeric([1]), shifted)).toThrow(RangeError);
    expect(Number.isNaN(mmdTwoSample(Float64Array.from([1]), shifted.sorted).pValue)).toBe(true);
  });
});
