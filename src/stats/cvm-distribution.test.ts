import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cvmRankStatistic } from './cramer-von-mises.js';
import { cvmExactSf, cvmLimitSf } from './cvm-distribution.js';

const fixture = JSON.parse(
  readFileSync(new URL('../../test/fixtures/stats/numeric-drift.json', import.meta.url), 'utf8'),
) as { cvm_limit_sf: [number, number][] };

/** Every way to give m of the ranks 1…m+n to the first sample, as sorted rank lists. */
function* splits(m: number, n: number): Generator<[Float64Array, Float64Array]> {
  const N = m + n;
  for (let mask = 0; mask < 1 << N; mask++) {
    let bits = 0;
    for (let b = 0; b < N; b++) bits += (mask >> b) & 1;
    if (bits !== m) continue;
    const x: number[] = [];
    const y: number[] = [];
    for (let r = 1; r <= N; r++) ((mask >> (r - 1)) & 1 ? x : y).push(r);
    yield [Float64Array.from(x), Float64Array.from(y)];
  }
}

describe('cvmExactSf', () => {
  it('equals the share of rank splits with U at least as large (brute force)', () => {
    for (const [m, n] of [
      [2, 3],
      [4, 5],
      [6, 4],
      [3, 9],
    ]) {
      const us = [...splits(m, n)].map(([x, y]) => cvmRankStatistic(x, y));
      for (const u of new Set(us)) {
        const share = us.filter((v) => v >= u).length / us.length;
        expect(cvmExactSf(u, m, n), `m=${m} n=${n} U=${u}`).toBeCloseTo(share, 13);
      }
    }
  });

  it('is 1 at the smallest U and symmetric in the sample sizes', () => {
    expect(cvmExactSf(0, 7, 9)).toBe(1);
    for (const u of [400, 900, 1500]) expect(cvmExactSf(u, 7, 9)).toBe(cvmExactSf(u, 9, 7));
  });
});

describe('cvmLimitSf', () => {
  it("matches scipy's 1 − _cdf_cvm_inf", () => {
    for (const [x, p] of fixture.cvm_limit_sf) {
      const err = Math.abs(cvmLimitSf(x) - p);
      expect(err <= 1e-12 || err <= 1e-9 * p, `x=${x}: ${cvmLimitSf(x)} vs ${p}`).toBe(true);
    }
  });

  it('falls from 1 towards 0', () => {
    expect(cvmLimitSf(0)).toBe(1);
    expect(cvmLimitSf(0.0001)).toBeCloseTo(1, 12);
    // the 5% critical value of the limiting distribution is 0.461
    expect(cvmLimitSf(0.461)).toBeCloseTo(0.05, 3);
    expect(cvmLimitSf(0.3)).toBeGreaterThan(cvmLimitSf(0.5));
  });
});
