/**
 * Seeded draws from the (multivariate) hypergeometric distribution: the category counts of a
 * random split of pooled values, which is all a permutation test on categories needs. Drawing the
 * counts directly costs O(k · spread) per permutation instead of O(n) for shuffling every value.
 */
import type { Prng } from './prng.js';
import { lazyFunction } from './lazy-function.js';

/** The hypergeometric pmf (@stdlib), loaded when a sample is first drawn */
const hypergeometricPmf = lazyFunction<(x: number, N: number, K: number, n: number) => number>('@stdlib/stats-base-dists-hypergeometric-pmf');

/**
 * One draw of X ~ Hypergeometric(population N, successes K, draws n) by inversion, searching
 * outwards from the mode (alternately above and below), so the expected work is about the
 * standard deviation of X. Neighbouring probabilities come from the pmf ratio recurrence.
 */
export function sampleHypergeometric(prng: Prng, N: number, K: number, n: number): number {
  const lo = Math.max(0, n + K - N);
  const hi = Math.min(K, n);
  if (lo >= hi) return lo;
  const mode = Math.min(hi, Math.max(lo, Math.floor(((n + 1) * (K + 1)) / (N + 2))));
  const pMode = hypergeometricPmf(mode, N, K, n);
  let u = prng.nextFloat() - pMode;
  if (u < 0) return mode;
  let up = mode;
  let down = mode;
  let pUp = pMode;
  let pDown = pMode;
  while (up < hi || down > lo) {
    if (up < hi) {
      pUp *= ((K - up) * (n - up)) / ((up + 1) * (N - K - n + up + 1));
      up++;
      u -= pUp;
      if (u < 0) return up;
    }
    if (down > lo) {
      pDown *= (down * (N - K - n + down)) / ((K - down + 1) * (n - down + 1));
      down--;
      u -= pDown;
      if (u < 0) return down;
    }
  }
  // the probabilities summed to a hair under 1 and u fell in that hair: the mode is as good as any
  return mode;
}

/**
 * Category counts of `draws` values taken without replacement from a pool with `totals[j]` values
 * of category j, written into `out`: sequential conditional hypergeometric draws.
 */
export function sampleMultivariateHypergeometric(
  prng: Prng,
  totals: Float64Array,
  draws: number,
  out: Float64Array,
): Float64Array {
  let remainingPool = 0;
  for (let j = 0; j < totals.length; j++) remainingPool += totals[j];
  if (draws > remainingPool) throw new RangeError(`cannot draw ${draws} values from ${remainingPool}`);
  let remainingDraws = draws;
  const last = totals.length - 1;
  for (let j = 0; j < last; j++) {
    const x = remainingDraws === 0 ? 0 : sampleHypergeometric(prng, remainingPool, totals[j], remainingDraws);
    out[j] = x;
    remainingPool -= totals[j];
    remainingDraws -= x;
  }
  if (last >= 0) out[last] = remainingDraws;
  return out;
}
