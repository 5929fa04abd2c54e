import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { kolmogorovSf, pelzGoodCdf, smirnovSf } from './kolmogorov.js';
import { durbinMatrixCdf, pomeranzCdf } from './kolmogorov-matrix.js';
import { exactKsTwoSided, gcd, probOutsideInside, probOutsideSquare, roundHalfEven } from './ks-exact.js';

const fixture = JSON.parse(
  readFileSync(new URL('../../test/fixtures/stats/numeric-drift.json', import.meta.url), 'utf8'),
) as { kstwo_sf: [number, number, number][]; smirnov: [number, number, number][] };

function expectProbability(actual: number, expected: number, what: string): void {
  const err = Math.abs(actual - expected);
  expect(err <= 1e-12 || err <= 1e-9 * expected, `${what}: ${actual} vs scipy ${expected}`).toBe(true);
}

describe('kolmogorovSf (scipy kstwo.sf)', () => {
  it('matches scipy on a grid that visits every branch', () => {
    for (const [n, x, sf] of fixture.kstwo_sf) expectProbability(kolmogorovSf(n, x), sf, `kstwo.sf(${x}, ${n})`);
  });

  it('is 1 at 0, 0 at 1 and decreasing in between', () => {
    expect(kolmogorovSf(50, 0)).toBe(1);
    expect(kolmogorovSf(50, 1)).toBe(0);
    let previous = 1;
    for (let x = 0.005; x < 1; x += 0.005) {
      const p = kolmogorovSf(50, x);
      expect(p).toBeLessThanOrEqual(previous + 1e-12);
      previous = p;
    }
    expect(Number.isNaN(kolmogorovSf(2.5, 0.3))).toBe(true);
  });

  it('has the two exact algorithms agree where both apply', () => {
    for (const [n, x] of [
      [10, 0.2],
      [40, 0.1],
      [100, 0.07],
    ]) {
      expect(durbinMatrixCdf(n, x)).toBeCloseTo(pomeranzCdf(n, x), 12);
    }
  });

  it('has Pelz–Good close to the exact cdf for large n', () => {
    expect(pelzGoodCdf(5000, 0.015)).toBeCloseTo(durbinMatrixCdf(5000, 0.015), 6);
  });
});

describe('smirnovSf (scipy.special.smirnov)', () => {
  it('matches scipy', () => {
    for (const [n, x, p] of fixture.smirnov) expectProbability(smirnovSf(n, x), p, `smirnov(${n}, ${x})`);
  });
});

/** Pr(D ≥ d) by walking all C(m + n, m) lattice paths. */
function bruteForceOutside(m: number, n: number, h: number): number {
  const lcm = (m / gcd(m, n)) * n;
  let outside = 0;
  let total = 0;
  const walk = (x: number, y: number, maxDiff: number): void => {
    const diff = Math.max(maxDiff, Math.abs(x * (lcm / m) - y * (lcm / n)));
    if (x === m && y === n) {
      total++;
      if (diff >= h) outside++;
      return;
    }
    if (x < m) walk(x + 1, y, diff);
    if (y < n) walk(x, y + 1, diff);
  };
  walk(0, 0, 0);
  return outside / total;
}

describe('exact two-sample KS distribution', () => {
  it('counts the same paths as brute force for equal sizes', () => {
    for (const n of [1, 3, 6, 9]) {
      for (let h = 1; h <= n; h++) expect(probOutsideSquare(n, h)).toBeCloseTo(bruteForceOutside(n, n, h), 12);
    }
  });

  it('counts the same paths as brute force for unequal sizes', () => {
    for (const [m, n] of [
      [4, 6],
      [7, 3],
      [5, 8],
      [10, 4],
    ]) {
      const lcm = (m / gcd(m, n)) * n;
      for (let h = 1; h <= lcm; h++) {
        expect(probOutsideInside(m, n, gcd(m, n), h), `${m},${n},h=${h}`).toBeCloseTo(bruteForceOutside(m, n, h), 12);
      }
    }
  });

  it('rounds D to the lattice as scipy does and gives p = 1 for D = 0', () => {
    const r = exactKsTwoSided(4, 6, 0.5000000001);
    expect(r.d).toBe(6 / 12);
    expect(exactKsTwoSided(5, 5, 0)).toEqual({ d: 0, p: 1 });
  });

  it('rounds half to even like numpy', () => {
    expect([0.5, 1.5, 2.5, -0.5, 3.2, 3.7].map(roundHalfEven)).toEqual([0, 2, 2, -0, 3, 4]);
  });
});
