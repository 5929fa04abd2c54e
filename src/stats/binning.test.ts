import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  binCategorical,
  binCategoricalAgainst,
  binNumeric,
  binNumericAgainst,
  countAtOrBelow,
  decileEdges,
  EMPTY_SHARE,
  freezeCategorical,
  freezeNumeric,
  linearQuantile,
  sharesInBins,
} from './binning.js';
import { prepareCategorical } from './categorical.js';
import { prepareNumeric } from './sort.js';

type Encoded = number | null | 'inf' | '-inf';
interface NumericCase {
  name: string;
  reference: Encoded[];
  current: Encoded[];
  missing: [number, number];
  edges: number[];
  reference_shares: number[];
  current_shares: number[];
}
interface CategoricalCase {
  name: string;
  reference: (string | number | boolean | null)[];
  current: (string | number | boolean | null)[];
  missing: [number, number];
  categories: string[];
  reference_shares: number[];
  current_shares: number[];
}
const fixture = JSON.parse(
  readFileSync(new URL('../../test/fixtures/stats/binned-categorical.json', import.meta.url), 'utf8'),
) as { numeric: NumericCase[]; categorical: CategoricalCase[] };

const decode = (v: Encoded): number | null => (v === 'inf' ? Infinity : v === '-inf' ? -Infinity : v);

describe('numeric bins match numpy', () => {
  for (const c of fixture.numeric) {
    it(c.name, () => {
      const ref = prepareNumeric(c.reference.map(decode));
      const cur = prepareNumeric(c.current.map(decode));
      expect([ref.missing, cur.missing]).toEqual(c.missing);
      const bins = binNumeric(ref, cur);
      // edges must match bit for bit: values sitting on an edge depend on it
      expect([...bins.edges]).toEqual(c.edges);
      expect([...bins.referenceShares]).toEqual(c.reference_shares);
      expect([...bins.currentShares]).toEqual(c.current_shares);
    });
  }
});

describe('categorical bins', () => {
  for (const c of fixture.categorical) {
    it(c.name, () => {
      const ref = prepareCategorical(c.reference);
      const cur = prepareCategorical(c.current);
      expect([ref.missing, cur.missing]).toEqual(c.missing);
      const bins = binCategorical(ref, cur);
      expect(bins.categories).toEqual(c.categories);
      expect([...bins.referenceShares]).toEqual(c.reference_shares);
      expect([...bins.currentShares]).toEqual(c.current_shares);
    });
  }
});

describe('linearQuantile', () => {
  it('interpolates like numpy linear', () => {
    const s = new Float64Array([1, 2, 4, 8]);
    expect(linearQuantile(s, 0)).toBe(1);
    expect(linearQuantile(s, 1)).toBe(8);
    expect(linearQuantile(s, 0.5)).toBe(3);
    expect(linearQuantile(s, 0.1)).toBeCloseTo(1.3, 15);
    expect(() => linearQuantile(new Float64Array(0), 0.5)).toThrow(RangeError);
  });

  it('gives one edge for a constant sample', () => {
    expect([...decileEdges(new Float64Array([7, 7, 7]))]).toEqual([7]);
  });
});

describe('right-closed bins', () => {
  it('puts a value equal to an edge in the bin it closes', () => {
    const shares = sharesInBins(new Float64Array([1, 2, 2, 3, 5]), new Float64Array([2, 4]));
    expect([...shares]).toEqual([3 / 5, 1 / 5, 1 / 5]);
    expect(countAtOrBelow(new Float64Array([1, 2, 2, 3]), 2)).toBe(3);
    expect(countAtOrBelow(new Float64Array([1, 2, 2, 3]), 0)).toBe(0);
  });

  it('fills empty bins with 1e-4 and does not renormalise', () => {
    const shares = sharesInBins(new Float64Array([10, 11]), new Float64Array([0, 5]));
    expect([...shares]).toEqual([EMPTY_SHARE, EMPTY_SHARE, 1]);
  });

  it('shares equal a linear scan on random sorted data', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -20, max: 20 }), { minLength: 1, maxLength: 60 }),
        fc.array(fc.integer({ min: -25, max: 25 }), { minLength: 1, maxLength: 60 }),
        (refValues, curValues) => {
          const ref = prepareNumeric(refValues.map((v) => v / 4));
          const cur = prepareNumeric(curValues.map((v) => v / 4));
          const { edges, currentShares } = binNumeric(ref, cur);
          const counts = new Array<number>(edges.length + 1).fill(0);
          for (const v of cur.sorted) {
            let bin = 0;
            while (bin < edges.length && v > edges[bin]) bin++;
            counts[bin]++;
          }
          const expected = counts.map((k) => (k === 0 ? EMPTY_SHARE : k / cur.n));
          expect([...currentShares]).toEqual(expected);
        },
      ),
    );
  });
});

describe('frozen baselines', () => {
  it('binning against frozen numeric edges equals binning from the reference', () => {
    const ref = prepareNumeric(Array.from({ length: 500 }, (_, i) => Math.sin(i) * 10));
    const cur = prepareNumeric(Array.from({ length: 300 }, (_, i) => Math.cos(i) * 12));
    const frozen = freezeNumeric(ref);
    expect(binNumericAgainst(frozen.edges, frozen.referenceShares, cur)).toEqual(binNumeric(ref, cur));
    expect(() => binNumericAgainst(frozen.edges, new Float64Array(2), cur)).toThrow(RangeError);
  });

  it('binning against frozen categories equals binning from the reference, unseen categories included', () => {
    const ref = prepareCategorical(['a', 'b', 'b', 'c', 'a', 'b']);
    const cur = prepareCategorical(['b', 'd', 'd', 'a', '0']);
    const frozen = freezeCategorical(ref);
    expect(frozen.categories).toEqual(['a', 'b', 'c']);
    expect(binCategoricalAgainst(frozen.categories, frozen.referenceShares, cur)).toEqual(binCategorical(ref, cur));
    expect(() => binCategoricalAgainst(['a'], new Float64Array(2), cur)).toThrow(RangeError);
  });

  it('refuses empty samples', () => {
    expect(() => binNumeric(prepareNumeric([]), prepareNumeric([1]))).toThrow(RangeError);
    expect(() => binNumeric(prepareNumeric([1]), prepareNumeric([Number.NaN]))).toThrow(/empty/);
    expect(() => binCategorical(prepareCategorical([null]), prepareCategorical(['a']))).toThrow(/empty/);
  });
});
