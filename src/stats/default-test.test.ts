import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { prepareCategorical } from './categorical.js';
import { defaultDriftTest, distinctCategories, distinctNumericValues } from './default-test.js';
import { prepareNumeric } from './sort.js';

const pick = (type: 'numeric' | 'categorical', size: number, unique: number): string => {
  const c = defaultDriftTest(type, size, unique);
  return `${c.test.name}/${c.sampleType}/${c.threshold}`;
};

describe('defaultDriftTest follows Evidently', () => {
  it('small references: hypothesis tests', () => {
    expect(pick('numeric', 1000, 6)).toBe('ks/numeric/0.05');
    expect(pick('numeric', 10, 500)).toBe('ks/numeric/0.05');
    expect(pick('numeric', 1000, 5)).toBe('chi_square/categorical/0.05');
    expect(pick('numeric', 1000, 3)).toBe('chi_square/categorical/0.05');
    expect(pick('numeric', 1000, 2)).toBe('z_test/categorical/0.05');
    expect(pick('numeric', 1000, 1)).toBe('z_test/categorical/0.05');
    expect(pick('categorical', 1000, 40)).toBe('chi_square/categorical/0.05');
    expect(pick('categorical', 1000, 3)).toBe('chi_square/categorical/0.05');
    expect(pick('categorical', 999, 2)).toBe('z_test/categorical/0.05');
  });

  it('large references: distances', () => {
    expect(pick('numeric', 1001, 6)).toBe('wasserstein/numeric/0.1');
    expect(pick('numeric', 100000, 5)).toBe('jensen_shannon/categorical/0.1');
    expect(pick('numeric', 1001, 2)).toBe('jensen_shannon/categorical/0.1');
    expect(pick('categorical', 1001, 2)).toBe('jensen_shannon/categorical/0.1');
    expect(pick('categorical', 5000, 50)).toBe('jensen_shannon/categorical/0.1');
  });

  it('rejects impossible counts', () => {
    expect(() => defaultDriftTest('numeric', -1, 3)).toThrow(RangeError);
    expect(() => defaultDriftTest('numeric', 10, 2.5)).toThrow(/uniqueCount/);
  });

  it('always returns a test that accepts the sample type it asks for', () => {
    fc.assert(
      fc.property(fc.constantFrom('numeric' as const, 'categorical' as const), fc.nat(5000), fc.nat(50), (type, size, unique) => {
        const c = defaultDriftTest(type, size, unique);
        expect(c.test.columnTypes).toContain(c.sampleType);
        if (type === 'categorical') expect(c.sampleType).toBe('categorical');
      }),
    );
  });
});

describe('distinct values over reference ∪ current', () => {
  it('counts numeric values once across both samples', () => {
    expect(distinctNumericValues(prepareNumeric([1, 2, 2, 5]), prepareNumeric([2, 3, 5, 5, Number.NaN]))).toBe(4);
    expect(distinctNumericValues(prepareNumeric([]), prepareNumeric([7, 7]))).toBe(1);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -9, max: 9 })), fc.array(fc.integer({ min: -9, max: 9 })), (a, b) => {
        expect(distinctNumericValues(prepareNumeric(a), prepareNumeric(b))).toBe(new Set([...a, ...b]).size);
      }),
    );
  });

  it('counts categories once across both samples', () => {
    expect(distinctCategories(prepareCategorical(['a', 'b', null]), prepareCategorical(['b', 'c']))).toBe(3);
  });
});
