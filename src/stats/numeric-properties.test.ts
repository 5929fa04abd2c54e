/**
 * Properties every numeric drift test must have: identical samples never drift, the tests that
 * claim symmetry give the same verdict with the samples swapped, thresholds are honoured.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { andersonDarling } from './anderson-darling.js';
import { cramerVonMises } from './cramer-von-mises.js';
import { energyDistance } from './energy-distance.js';
import { eppsSingleton } from './epps-singleton.js';
import { ks } from './ks.js';
import { mannWhitney } from './mann-whitney.js';
import { mmd } from './mmd.js';
import { prepareNumeric } from './sort.js';
import { tTest, tTestStudent } from './t-test.js';
import type { DriftTest, DriftTestResult } from './types.js';
import { wasserstein, wassersteinNorm } from './wasserstein.js';

const ALL: DriftTest[] = [ks, wasserstein, energyDistance, cramerVonMises, andersonDarling, tTest, tTestStudent, mannWhitney, eppsSingleton, mmd];

/** Continuous-looking samples, heavily tied ones, and mixes of both. */
const sampleValues = fc.oneof(
  fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { minLength: 1, maxLength: 40 }),
  fc.array(fc.integer({ min: -3, max: 3 }), { minLength: 1, maxLength: 40 }),
  fc.array(fc.oneof(fc.integer({ min: 0, max: 2 }), fc.double({ min: 0, max: 2, noNaN: true })), { minLength: 1, maxLength: 40 }),
);

/** The test's result, or null when it declares the samples not testable (RangeError). */
function attempt(run: () => DriftTestResult): DriftTestResult | null {
  try {
    return run();
  } catch (error) {
    if (error instanceof RangeError) return null;
    throw error;
  }
}

function sameNumber(actual: number | null, expected: number | null, what: string): void {
  if (expected === null || Number.isNaN(expected)) {
    expect(actual === null || Number.isNaN(actual), `${what}: ${actual} vs ${expected}`).toBe(true);
    return;
  }
  expect(actual).not.toBeNull();
  if (actual === expected) return;
  const err = Math.abs((actual as number) - expected);
  expect(err <= 1e-12 * Math.max(1, Math.abs(expected)), `${what}: ${actual} vs ${expected}`).toBe(true);
}

describe('numeric drift test descriptors', () => {
  it.each(ALL.map((t) => [t.name, t] as const))('%s is a numeric test with a documented direction and threshold', (_, test) => {
    expect(test.columnTypes).toEqual(['numeric']);
    expect(test.computeNumeric).toBeTypeOf('function');
    expect(test.defaultThreshold).toBe(test.direction === 'p_value_below' ? 0.05 : 0.1);
    const a = prepareNumeric([1, 2, 3, 4, 5, 6, 7, 8]);
    const b = prepareNumeric([2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const r = test.computeNumeric!(a, b, { threshold: 0.5 });
    expect(r.test).toBe(test.name);
    expect(r.threshold).toBe(0.5);
    expect(r.direction).toBe(test.direction);
    if (test.direction === 'p_value_below') expect(r.value).toBe(r.p_value);
    else expect(r.p_value).toBeNull();
  });

  it('has the names the registry imports', () => {
    expect(ALL.map((t) => t.name)).toEqual([
      'ks',
      'wasserstein',
      'energy_distance',
      'cramer_von_mises',
      'anderson_darling',
      't_test',
      't_test_student',
      'mann_whitney',
      'epps_singleton',
      'mmd',
    ]);
  });
});

describe('samples a test cannot use', () => {
  it('are refused with a RangeError, never judged', () => {
    const empty = prepareNumeric([null, Number.NaN]);
    const some = prepareNumeric([1, 2, 3, 4, 5, 6]);
    for (const test of ALL) {
      expect(() => test.computeNumeric!(empty, some), test.name).toThrow(RangeError);
      expect(() => test.computeNumeric!(some, empty), test.name).toThrow(RangeError);
    }
    const four = prepareNumeric([1, 2, 3, 4]);
    expect(() => eppsSingleton.computeNumeric!(four, some)).toThrow(/5 non-missing values/);
    expect(() => cramerVonMises.computeNumeric!(prepareNumeric([1]), some)).toThrow(RangeError);
    const constant = prepareNumeric([2, 2, 2, 2, 2, 2]);
    expect(() => andersonDarling.computeNumeric!(constant, constant)).toThrow(/distinct/);
    expect(() => eppsSingleton.computeNumeric!(constant, constant)).toThrow(/interquartile/);
  });
});

describe('identical samples never drift', () => {
  it.each(ALL.map((t) => [t.name, t] as const))('%s', (_, test) => {
    fc.assert(
      fc.property(sampleValues, (values) => {
        const sample = prepareNumeric(values);
        const copy = prepareNumeric([...values].reverse());
        const result = attempt(() => test.computeNumeric!(sample, copy, { permutations: 30 }));
        expect(result?.drift_detected ?? false).toBe(false);
      }),
      { numRuns: test === mmd ? 30 : 100 },
    );
  });
});

/** How each symmetric test's statistic changes when the samples are swapped. */
const SWAPPED_STATISTIC: Record<string, (r: DriftTestResult, n1: number, n2: number) => number> = {
  t_test: (r) => -r.statistic,
  t_test_student: (r) => -r.statistic,
  mann_whitney: (r, n1, n2) => n1 * n2 - r.statistic,
};

describe('symmetric tests give the same result with the samples swapped', () => {
  const symmetric = ALL.filter((t) => t.symmetric);
  it.each(symmetric.map((t) => [t.name, t] as const))('%s', (_, test) => {
    fc.assert(
      fc.property(sampleValues, sampleValues, (x, y) => {
        const a = prepareNumeric(x);
        const b = prepareNumeric(y);
        const ab = attempt(() => test.computeNumeric!(a, b));
        const ba = attempt(() => test.computeNumeric!(b, a));
        if (ab === null || ba === null) {
          expect(ba, 'not testable either way round').toBe(ab);
          return;
        }
        const expected = SWAPPED_STATISTIC[test.name]?.(ab, a.n, b.n) ?? ab.statistic;
        sameNumber(ba.statistic, expected, 'statistic');
        sameNumber(ba.p_value, ab.p_value, 'p-value');
        expect(ba.drift_detected).toBe(ab.drift_detected);
      }),
    );
  });

  it('lists exactly the documented asymmetric tests', () => {
    expect(ALL.filter((t) => !t.symmetric).map((t) => t.name)).toEqual(['wasserstein', 'mmd']);
  });

  it('wasserstein: the raw distance is symmetric, the normed value is scaled by the reference only', () => {
    fc.assert(
      fc.property(sampleValues, sampleValues, (x, y) => {
        const a = prepareNumeric(x);
        const b = prepareNumeric(y);
        const ab = wasserstein.computeNumeric!(a, b);
        const ba = wasserstein.computeNumeric!(b, a);
        sameNumber(ba.statistic, ab.statistic, 'raw W1');
        sameNumber(ab.value, ab.statistic / wassersteinNorm(a), 'normed by the reference');
        sameNumber(ba.value, ba.statistic / wassersteinNorm(b), 'normed by the other reference');
      }),
    );
  });
});

describe('the permutation test is reproducible under a seed', () => {
  it('mmd', () => {
    fc.assert(
      fc.property(sampleValues, sampleValues, fc.integer(), (x, y, seed) => {
        const a = prepareNumeric(x);
        const b = prepareNumeric(y);
        fc.pre(a.n >= 2 && b.n >= 2);
        const options = { seed, permutations: 20 };
        expect(mmd.computeNumeric!(a, b, options)).toEqual(mmd.computeNumeric!(a, b, options));
      }),
      { numRuns: 30 },
    );
  });
});
