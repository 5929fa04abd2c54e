import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromCounts, prepareCategorical } from './categorical.js';
import { Prng, shuffleInPlace } from './prng.js';
import { totalVariation, tvd, tvdPermutationTest } from './tvd.js';

describe('tvd', () => {
  it('is ½ Σ |r − c| on raw shares', () => {
    const r = tvd.computeCategorical!(prepareCategorical(['a', 'a', 'b', 'c']), prepareCategorical(['a', 'd']));
    expect(r.statistic).toBeCloseTo(0.5 * (0 + 0.25 + 0.25 + 0.5), 15);
    expect(totalVariation(new Float64Array([1, 0]), new Float64Array([0, 1]), 1, 1)).toBe(1);
  });

  it('detects a clear shift and not a sample against itself', () => {
    const ref = fromCounts({ a: 400, b: 300, c: 300 });
    const shifted = fromCounts({ a: 200, b: 300, c: 500 });
    const r = tvd.computeCategorical!(ref, shifted, { permutations: 200 });
    expect(r.p_value).toBeCloseTo(1 / 201, 15);
    expect(r.drift_detected).toBe(true);
    const same = tvd.computeCategorical!(ref, ref, { permutations: 200 });
    expect(same.p_value).toBe(1);
    expect(same.drift_detected).toBe(false);
  });

  it('gives roughly uniform p-values when both samples come from one distribution', () => {
    // 40 pairs of samples drawn from the same shares: p < 0.05 should be rare
    let rejections = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const a = fromCounts({ x: 50 + (seed % 7), y: 50 - (seed % 5), z: 40 });
      const b = fromCounts({ x: 51 - (seed % 3), y: 48 + (seed % 4), z: 41 });
      if (tvd.computeCategorical!(a, b, { permutations: 100, seed }).drift_detected) rejections++;
    }
    expect(rejections).toBeLessThanOrEqual(6);
  });

  it('agrees with a permutation test that shuffles every value', () => {
    const ref = new Float64Array([40, 25, 20, 15]);
    const cur = new Float64Array([30, 30, 18, 22]);
    const observed = totalVariation(ref, cur, 100, 100);
    const pooled = new Uint32Array(200);
    let at = 0;
    for (let j = 0; j < 4; j++) {
      pooled.fill(j, at, at + ref[j] + cur[j]);
      at += ref[j] + cur[j];
    }
    const prng = new Prng(11);
    const permutations = 4000;
    let atLeast = 0;
    for (let p = 0; p < permutations; p++) {
      shuffleInPlace(prng, pooled, 100);
      const a = new Float64Array(4);
      const b = new Float64Array(4);
      pooled.forEach((c, i) => (i < 100 ? a : b)[c]++);
      if (totalVariation(a, b, 100, 100) >= observed * (1 - 1e-12)) atLeast++;
    }
    const shuffled = (1 + atLeast) / (1 + permutations);
    const drawn = tvdPermutationTest(ref, cur, { permutations, seed: 5 }).p_value!;
    // two Monte Carlo estimates of the same p (about 0.3): 4000 draws each, sd about 0.01
    expect(Math.abs(drawn - shuffled)).toBeLessThan(0.04);
  });

  it('is reproducible under a seed and varies with it', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('a', 'b', 'c'), { minLength: 3, maxLength: 40 }),
        fc.array(fc.constantFrom('a', 'b', 'c', 'd'), { minLength: 3, maxLength: 40 }),
        fc.integer(),
        (x, y, seed) => {
          const [r, c] = [prepareCategorical(x), prepareCategorical(y)];
          const once = tvd.computeCategorical!(r, c, { seed, permutations: 100 });
          expect(tvd.computeCategorical!(r, c, { seed, permutations: 100 })).toEqual(once);
        },
      ),
      { numRuns: 50 },
    );
    const ref = new Float64Array([30, 20, 25]);
    const cur = new Float64Array([22, 30, 23]);
    const seen = new Set<number>();
    for (let seed = 0; seed < 5; seed++) seen.add(tvdPermutationTest(ref, cur, { seed, permutations: 300 }).p_value!);
    expect(seen.size).toBeGreaterThan(1);
  });

  it('rejects bad options and empty samples', () => {
    expect(() => tvdPermutationTest(new Float64Array([1]), new Float64Array([1]), { permutations: 0 })).toThrow(RangeError);
    expect(() => tvdPermutationTest(new Float64Array([0]), new Float64Array([1]))).toThrow(/non-missing/);
  });
});
