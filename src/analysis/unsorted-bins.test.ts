import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decileEdges, sharesInBins } from '../stats/binning.js';
import { binUnsorted } from './unsorted-bins.js';

// few distinct values too, so that values fall exactly on edges and edges merge
const value = fc.oneof(fc.double({ noNaN: true, min: -1e6, max: 1e6 }), fc.integer({ min: -3, max: 3 }), fc.constantFrom(NaN, Infinity, -Infinity, -0));

describe('binUnsorted', () => {
  it('gives the same shares as binning the sorted values, without sorting them', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }), { minLength: 1, maxLength: 60 }), fc.array(value, { maxLength: 200 }), (reference, current) => {
        const edges = decileEdges(Float64Array.from(reference).sort());
        const values = Float64Array.from(current);
        const got = binUnsorted(values, edges);
        const kept = values.filter((v) => !Number.isNaN(v)).sort();
        expect(got.n).toBe(kept.length);
        expect(got.missing).toBe(values.length - kept.length);
        if (kept.length > 0) expect(Array.from(got.shares)).toEqual(Array.from(sharesInBins(kept, edges)));
        const abs = kept.reduce((s, v) => s + Math.abs(v), 0);
        if (Number.isFinite(abs)) expect(got.absSum).toBeCloseTo(abs, 3);
        else expect(got.absSum).toBe(abs);
      }),
      { numRuns: 300 },
    );
  });

  it('bins the same with many edges (binary search) as with few', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: -50, max: 50 }), { minLength: 17, maxLength: 40 }), fc.array(value, { minLength: 1, maxLength: 300 }), (e, current) => {
        const edges = Float64Array.from(e).sort();
        const values = Float64Array.from(current);
        const kept = values.filter((v) => !Number.isNaN(v)).sort();
        if (kept.length > 0) expect(Array.from(binUnsorted(values, edges).shares)).toEqual(Array.from(sharesInBins(kept, edges)));
      }),
      { numRuns: 200 },
    );
  });

  it('bins values on and one ulp either side of every edge where the sorted binning does', () => {
    const nextUp = (v: number): number => {
      if (v === 0) return Number.MIN_VALUE;
      const b = new Float64Array([v]);
      const bits = new BigInt64Array(b.buffer);
      bits[0] += v > 0 ? 1n : -1n;
      return b[0];
    };
    const nudge = (v: number, ulps: number) => {
      let x = v;
      for (let u = 0; u < Math.abs(ulps); u++) x = ulps > 0 ? nextUp(x) : -nextUp(-x);
      return x;
    };
    fc.assert(
      fc.property(fc.uniqueArray(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e3, max: 1e3 }), { minLength: 1, maxLength: 30 }), (e) => {
        const edges = Float64Array.from(e).sort();
        const values = Float64Array.from([...edges].flatMap((v) => [nudge(v, -1), v, nudge(v, 1), nudge(v, 2)]));
        const kept = values.slice().sort();
        expect(Array.from(binUnsorted(values, edges).shares)).toEqual(Array.from(sharesInBins(kept, edges)));
      }),
      { numRuns: 300 },
    );
  });

  it('puts a value equal to an edge in the bin that edge closes', () => {
    const got = binUnsorted(Float64Array.from([1, 2, 2, 3, NaN]), Float64Array.from([2]));
    expect(Array.from(got.shares)).toEqual([0.75, 0.25]);
    expect(got.n).toBe(4);
    expect(got.missing).toBe(1);
    expect(got.absSum).toBe(8);
  });
});
