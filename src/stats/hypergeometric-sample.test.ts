import hypergeometricPmf from '@stdlib/stats-base-dists-hypergeometric-pmf';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chiSquareSurvival } from './contingency.js';
import { sampleHypergeometric, sampleMultivariateHypergeometric } from './hypergeometric-sample.js';
import { Prng } from './prng.js';

describe('sampleHypergeometric', () => {
  it('follows the hypergeometric pmf (chi-square goodness of fit)', () => {
    for (const [N, K, n] of [
      [30, 12, 10],
      [200, 150, 60],
      [1000, 20, 500],
    ]) {
      const prng = new Prng(7);
      const draws = 20000;
      const lo = Math.max(0, n + K - N);
      const hi = Math.min(K, n);
      const counts = new Float64Array(hi - lo + 1);
      for (let i = 0; i < draws; i++) counts[sampleHypergeometric(prng, N, K, n) - lo]++;
      let statistic = 0;
      let cells = 0;
      let pooledObserved = 0;
      let pooledExpected = 0;
      for (let x = lo; x <= hi; x++) {
        const expected = draws * hypergeometricPmf(x, N, K, n);
        // pool the cells too small for the chi-square approximation
        if (expected < 5) {
          pooledObserved += counts[x - lo];
          pooledExpected += expected;
          continue;
        }
        statistic += (counts[x - lo] - expected) ** 2 / expected;
        cells++;
      }
      if (pooledExpected > 0) {
        statistic += (pooledObserved - pooledExpected) ** 2 / pooledExpected;
        cells++;
      }
      expect(chiSquareSurvival(statistic, cells - 1)).toBeGreaterThan(0.001);
    }
  });

  it('stays inside the support and handles degenerate cases', () => {
    fc.assert(
      fc.property(fc.nat(200), fc.nat(200), fc.nat(200), fc.integer(), (a, b, c, seed) => {
        const N = a + b + 1;
        const K = Math.min(a, N);
        const n = Math.min(c, N);
        const x = sampleHypergeometric(new Prng(seed), N, K, n);
        expect(Number.isInteger(x)).toBe(true);
        expect(x).toBeGreaterThanOrEqual(Math.max(0, n + K - N));
        expect(x).toBeLessThanOrEqual(Math.min(K, n));
      }),
    );
    expect(sampleHypergeometric(new Prng(1), 10, 0, 5)).toBe(0);
    expect(sampleHypergeometric(new Prng(1), 10, 10, 5)).toBe(5);
    expect(sampleHypergeometric(new Prng(1), 10, 4, 10)).toBe(4);
  });

  it('has the right mean on a large population', () => {
    const prng = new Prng(3);
    const N = 1_100_000;
    const K = 220_000;
    const n = 100_000;
    let sum = 0;
    const draws = 2000;
    for (let i = 0; i < draws; i++) sum += sampleHypergeometric(prng, N, K, n);
    const mean = (n * K) / N;
    const sd = Math.sqrt((((n * K) / N) * (1 - K / N) * (N - n)) / (N - 1));
    expect(Math.abs(sum / draws - mean)).toBeLessThan((4 * sd) / Math.sqrt(draws));
  });
});

describe('sampleMultivariateHypergeometric', () => {
  it('draws counts that sum to the draws and fit in the pool', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(50), { minLength: 1, maxLength: 8 }), fc.integer(), fc.double({ min: 0, max: 1, noNaN: true }), (totals, seed, share) => {
        const pool = Float64Array.from(totals);
        const size = totals.reduce((a, b) => a + b, 0);
        const draws = Math.floor(size * share);
        const out = sampleMultivariateHypergeometric(new Prng(seed), pool, draws, new Float64Array(totals.length));
        expect(out.reduce((a, b) => a + b, 0)).toBe(draws);
        out.forEach((x, j) => {
          expect(x).toBeGreaterThanOrEqual(0);
          expect(x).toBeLessThanOrEqual(totals[j]);
        });
      }),
    );
    expect(() => sampleMultivariateHypergeometric(new Prng(1), new Float64Array([2]), 3, new Float64Array(1))).toThrow(RangeError);
  });
});
