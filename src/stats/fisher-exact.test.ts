import { readFileSync } from 'node:fs';
import hypergeometricPmf from '@stdlib/stats-base-dists-hypergeometric-pmf';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fisherExact2x2 } from './fisher-exact.js';

interface TableCase {
  table: [[number, number], [number, number]];
  statistic: number | null | 'inf';
  p_value: number;
}
const fixture = JSON.parse(
  readFileSync(new URL('../../test/fixtures/stats/binned-categorical.json', import.meta.url), 'utf8'),
) as { fisher_tables: TableCase[] };

/** The definition, by brute force over every table with the same margins (stdlib pmf). */
function bruteForce(a: number, b: number, c: number, d: number): number {
  const N = a + b + c + d;
  const K = a + b;
  const n = a + c;
  const pexact = hypergeometricPmf(a, N, K, n);
  let p = 0;
  for (let x = Math.max(0, n + K - N); x <= Math.min(K, n); x++) {
    const px = hypergeometricPmf(x, N, K, n);
    // a looser tie tolerance than scipy's: stdlib's log-factorial pmf is not exact to 1e-14
    if (px <= pexact * (1 + 1e-9)) p += px;
  }
  return Math.min(1, p);
}

describe('fisherExact2x2 matches scipy.stats.fisher_exact', () => {
  for (const t of fixture.fisher_tables) {
    it(JSON.stringify(t.table), () => {
      const [[a, b], [c, d]] = t.table;
      const r = fisherExact2x2(a, b, c, d);
      const p = r.p_value!;
      expect(Math.abs(p - t.p_value)).toBeLessThanOrEqual(1e-6 * t.p_value + 1e-300);
      if (t.statistic === null) expect(r.statistic).toBeNaN();
      else if (t.statistic === 'inf') expect(r.statistic).toBe(Infinity);
      else expect(Math.abs(r.statistic - t.statistic)).toBeLessThanOrEqual(1e-9 * Math.abs(t.statistic));
    });
  }
});

describe('fisherExact2x2', () => {
  it('agrees with summing the stdlib hypergeometric pmf', () => {
    fc.assert(
      fc.property(fc.tuple(fc.nat(60), fc.nat(60), fc.nat(60), fc.nat(60)), ([a, b, c, d]) => {
        fc.pre(a + b > 0 && c + d > 0 && a + c > 0 && b + d > 0);
        const expected = bruteForce(a, b, c, d);
        expect(Math.abs(fisherExact2x2(a, b, c, d).p_value! - expected)).toBeLessThanOrEqual(1e-9 * expected + 1e-300);
      }),
      { numRuns: 300 },
    );
  });

  it('gives mirror tables of equal row totals the same weight (exact ties)', () => {
    // [[3, 7], [7, 3]] and [[7, 3], [3, 7]] are equally likely: both tails count
    expect(fisherExact2x2(3, 7, 7, 3).p_value).toBeCloseTo(fisherExact2x2(7, 3, 3, 7).p_value!, 15);
    expect(fisherExact2x2(5, 5, 5, 5).p_value).toBe(1);
  });

  it('stays accurate for large tables and tiny p-values', () => {
    const big = fisherExact2x2(60000, 40000, 40000, 60000);
    expect(big.p_value).toBe(0);
    const mid = fisherExact2x2(120000, 80000, 118000, 82000);
    expect(mid.p_value).toBeGreaterThan(0);
    expect(mid.p_value).toBeLessThan(1);
    // rows swapped: same p
    expect(fisherExact2x2(118000, 82000, 120000, 80000).p_value).toBeCloseTo(mid.p_value!, 12);
  });

  it('rejects cells that are not counts', () => {
    expect(() => fisherExact2x2(1.5, 2, 3, 4)).toThrow(RangeError);
    expect(() => fisherExact2x2(-1, 2, 3, 4)).toThrow(RangeError);
  });
});
