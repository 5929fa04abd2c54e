/**
 * The far tail of the Cramér–von Mises p-value against scipy (test/fixtures/stats/cvm-tail.json,
 * scripts/fixtures/gen_cvm_tail.py): there the p-value is what scipy's rounding leaves of 1 − a sum
 * near 1, so the pieces are checked for the same doubles, and the p-values to 1e-6 relative.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { amosK14 } from './amos-kv.js';
import { cramerVonMises } from './cramer-von-mises.js';
import { cvmLimitSf } from './cvm-distribution.js';
import { NumpySum, numpySum } from './numpy-sum.js';
import { prepareSorted } from './sort.js';
import { svmlExp } from './svml-exp.js';

interface Fixture {
  readonly np_sum: [number, number][];
  readonly np_exp: [number, number][];
  readonly kv_quarter: [number, number][];
  readonly limit_sf: [number, number][];
  readonly cases: { name: string; reference: [number, number][]; current: [number, number][]; statistic: number; p_value: number }[];
}

const fixture = JSON.parse(readFileSync(new URL('../../test/fixtures/stats/cvm-tail.json', import.meta.url), 'utf8')) as Fixture;

/** Share of pairs where f gives exactly scipy's double, and the worst relative difference. */
function agreement(pairs: [number, number][], f: (x: number) => number): { same: number; worst: number } {
  let same = 0;
  let worst = 0;
  for (const [x, want] of pairs) {
    const got = f(x);
    if (Object.is(got, want)) same++;
    else worst = Math.max(worst, Math.abs(got - want) / Math.abs(want));
  }
  return { same: same / pairs.length, worst };
}

/** A sorted sample from (value, count) pairs in ascending order. */
function expand(counts: [number, number][]): Float64Array {
  const out = new Float64Array(counts.reduce((n, [, c]) => n + c, 0));
  let at = 0;
  for (const [v, c] of counts) {
    out.fill(v, at, at + c);
    at += c;
  }
  return out;
}

describe('the pieces scipy builds the far tail from', () => {
  it('numpySum and NumpySum add up as np.sum does (buffers of 8192, pairwise within)', () => {
    for (const [n, want] of fixture.np_sum) {
      const x = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const v = Number((BigInt(i) * 2654435761n) % 2n ** 26n) + 0.5 * (i % 2);
        x[i] = v * v;
      }
      expect(numpySum(x), `n = ${n}`).toBe(want);
      const streamed = new NumpySum();
      for (const v of x) streamed.add(v);
      expect(streamed.result(), `n = ${n}, streamed`).toBe(want);
    }
    // a plain loop rounds differently on the long arrays: the order matters
    const x = Float64Array.from({ length: 100000 }, (_, i) => (Number((BigInt(i) * 2654435761n) % 2n ** 26n) + 0.5 * (i % 2)) ** 2);
    expect(x.reduce((a, b) => a + b, 0)).not.toBe(fixture.np_sum.find(([n]) => n === 100000)![1]);
  });

  it('svmlExp is np.exp on AVX-512 bit for bit', () => {
    expect(agreement(fixture.np_exp, svmlExp)).toEqual({ same: 1, worst: 0 });
  });

  it("amosK14 is scipy's kv(0.25, x) bit for bit but for the C library's rare misroundings", () => {
    const { same, worst } = agreement(fixture.kv_quarter, amosK14);
    expect(same).toBeGreaterThan(0.99);
    expect(worst).toBeLessThan(1e-15);
  });
});

describe("cvmLimitSf against scipy's max(0, 1 - _cdf_cvm_inf(x))", () => {
  it('gives the same double nearly everywhere, and never differs by more than 1e-6 relative', () => {
    const { same, worst } = agreement(fixture.limit_sf, cvmLimitSf);
    expect(same).toBeGreaterThan(0.98);
    expect(worst).toBeLessThan(1e-6);
  });

  it('reaches the far tail: p-values down to 1e-12 in the grid', () => {
    expect(Math.min(...fixture.limit_sf.map(([, p]) => p).filter((p) => p > 0))).toBeLessThan(1e-11);
  });
});

describe('cramer_von_mises on large samples with ties (p-values 1e-8 … 1e-11)', () => {
  for (const c of fixture.cases) {
    it(c.name, () => {
      const r = cramerVonMises.computeNumeric!(prepareSorted(expand(c.reference), 0), prepareSorted(expand(c.current), 0));
      expect(r.statistic).toBe(c.statistic);
      expect(Math.abs(r.p_value! - c.p_value) / c.p_value).toBeLessThan(1e-6);
    });
  }
});
