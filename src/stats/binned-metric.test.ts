import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BinnedDriftTest } from './binned-metric.js';
import { binCategorical, binNumeric, binNumericAgainst, freezeNumeric } from './binning.js';
import { prepareCategorical } from './categorical.js';
import { hellinger } from './hellinger.js';
import { jensenShannon } from './jensen-shannon.js';
import { klDivergence } from './kl-divergence.js';
import { psi } from './psi.js';
import { prepareNumeric } from './sort.js';

type Encoded = number | null | 'inf' | '-inf';
type Metrics = Record<'psi' | 'jensen_shannon' | 'kl_divergence' | 'hellinger', number>;
interface Case<T> {
  name: string;
  reference: T[];
  current: T[];
  metrics: Metrics;
}
const fixture = JSON.parse(
  readFileSync(new URL('../../test/fixtures/stats/binned-categorical.json', import.meta.url), 'utf8'),
) as { numeric: Case<Encoded>[]; categorical: Case<string | number | boolean | null>[] };
const decode = (v: Encoded): number | null => (v === 'inf' ? Infinity : v === '-inf' ? -Infinity : v);

const METRICS: readonly BinnedDriftTest[] = [psi, jensenShannon, klDivergence, hellinger];

function expectRelative(actual: number, expected: number, rel: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rel * Math.abs(expected) + 1e-300);
}

describe('binned metrics on numeric features match numpy/scipy', () => {
  for (const c of fixture.numeric) {
    it(c.name, () => {
      const ref = prepareNumeric(c.reference.map(decode));
      const cur = prepareNumeric(c.current.map(decode));
      for (const test of METRICS) {
        const result = test.computeNumeric!(ref, cur);
        const expected = c.metrics[test.name as keyof Metrics];
        expectRelative(result.statistic, expected, 1e-9);
        expect(result.value).toBe(result.statistic);
        expect(result.p_value).toBeNull();
        expect(result.threshold).toBe(0.1);
        expect(result.drift_detected).toBe(result.value >= 0.1);
      }
    });
  }
});

describe('binned metrics on categorical features match numpy/scipy', () => {
  for (const c of fixture.categorical) {
    it(c.name, () => {
      const ref = prepareCategorical(c.reference);
      const cur = prepareCategorical(c.current);
      for (const test of METRICS) {
        expectRelative(test.computeCategorical!(ref, cur).statistic, c.metrics[test.name as keyof Metrics], 1e-9);
      }
    });
  }
});

describe('binned metric descriptors', () => {
  it('judge frozen bins like fresh ones and honour a threshold override', () => {
    const ref = prepareNumeric(Array.from({ length: 400 }, (_, i) => (i * 37) % 101));
    const cur = prepareNumeric(Array.from({ length: 300 }, (_, i) => ((i * 53) % 89) + 10));
    const frozen = freezeNumeric(ref);
    for (const test of METRICS) {
      const fresh = test.computeNumeric!(ref, cur, { threshold: 0.5 });
      expect(test.computeShares(binNumericAgainst(frozen.edges, frozen.referenceShares, cur), { threshold: 0.5 })).toEqual(
        fresh,
      );
      expect(fresh.threshold).toBe(0.5);
      expect(fresh.drift_detected).toBe(fresh.value >= 0.5);
    }
  });

  it('reject share vectors of different lengths', () => {
    expect(() =>
      psi.computeShares({ referenceShares: new Float64Array(3), currentShares: new Float64Array(2) }),
    ).toThrow(RangeError);
  });

  it('KL is not symmetric on fixed bins', () => {
    const r = new Float64Array([0.7, 0.2, 0.1]);
    const c = new Float64Array([0.2, 0.3, 0.5]);
    expect(klDivergence.fromShares(r, c)).not.toBeCloseTo(klDivergence.fromShares(c, r), 3);
  });
});

const category = fc.constantFrom('a', 'b', 'c', 'd', 'e');
const categories = fc.array(category, { minLength: 1, maxLength: 80 });
const numbers = fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 80 });

describe('properties', () => {
  it('identical samples never drift', () => {
    fc.assert(
      fc.property(numbers, categories, (values, cats) => {
        const num = prepareNumeric(values);
        const cat = prepareCategorical(cats);
        for (const test of METRICS) {
          expect(test.computeNumeric!(num, prepareNumeric(values)).statistic).toBe(0);
          expect(test.computeCategorical!(cat, prepareCategorical(cats)).drift_detected).toBe(false);
        }
      }),
    );
  });

  it('PSI, JS and Hellinger are symmetric on categorical features and on fixed bins', () => {
    fc.assert(
      fc.property(categories, categories, numbers, numbers, (a, b, x, y) => {
        const ca = prepareCategorical(a);
        const cb = prepareCategorical(b);
        const bins = binNumeric(prepareNumeric(x), prepareNumeric(y));
        for (const test of [psi, jensenShannon, hellinger]) {
          const ab = test.computeCategorical!(ca, cb).statistic;
          expect(test.computeCategorical!(cb, ca).statistic).toBeCloseTo(ab, 12);
          const swapped = test.fromShares(bins.currentShares, bins.referenceShares);
          expect(swapped).toBeCloseTo(test.fromShares(bins.referenceShares, bins.currentShares), 12);
        }
      }),
    );
  });

  it('all four are non-negative and JS is bounded by √ln 2', () => {
    fc.assert(
      fc.property(categories, categories, (a, b) => {
        const bins = binCategorical(prepareCategorical(a), prepareCategorical(b));
        for (const test of METRICS) {
          expect(test.fromShares(bins.referenceShares, bins.currentShares)).toBeGreaterThanOrEqual(-1e-15);
        }
        expect(jensenShannon.fromShares(bins.referenceShares, bins.currentShares)).toBeLessThanOrEqual(
          Math.sqrt(Math.LN2) + 1e-12,
        );
      }),
    );
  });
});
