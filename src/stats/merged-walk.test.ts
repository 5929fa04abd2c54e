import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cdfDistance } from './cdf-distance.js';
import { cvmRankStatistic } from './cramer-von-mises.js';
import { ksStatistic } from './ks.js';
import { mergedWalk, walkOf } from './merged-walk.js';
import { prepareNumeric } from './sort.js';

/** Sorted samples with ties within and across them (values on a coarse grid). */
const sorted = fc.array(fc.integer({ min: -40, max: 40 }), { minLength: 1, maxLength: 300 }).map((v) => Float64Array.from(v, (x) => x / 4).sort());

describe('mergedWalk', () => {
  it('gives the same doubles as ksStatistic, cdfDistance(·, ·, 1) and cvmRankStatistic', () => {
    fc.assert(
      fc.property(sorted, sorted, (a, b) => {
        const w = mergedWalk(a, b);
        expect(Object.is(w.ks, ksStatistic(a, b))).toBe(true);
        expect(Object.is(w.wasserstein, cdfDistance(a, b, 1))).toBe(true);
        expect(Object.is(w.cvmU, cvmRankStatistic(a, b))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('walks each pair of prepared samples once', () => {
    const reference = prepareNumeric([1, 2, 3, 4]);
    const current = prepareNumeric([2.5, 3, 9]);
    const first = walkOf(reference, current);
    expect(walkOf(reference, current)).toBe(first);
    // another current sample with the same reference is walked anew
    const other = walkOf(reference, prepareNumeric([0, 1]));
    expect(other).not.toBe(first);
    expect(other.ks).toBe(ksStatistic(reference.sorted, Float64Array.of(0, 1)));
  });
});
