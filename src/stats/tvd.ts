/**
 * Total variation distance between the category shares, TVD = ½ Σ |r − c| (raw shares, no 1e-4
 * filling), with a seeded permutation p-value: the pooled values are split again at random into
 * groups of the original sizes `permutations` times (default 1000, as Evidently), and
 * p = (1 + #{permuted TVD ≥ observed}) / (1 + permutations), the estimate
 * scipy.stats.permutation_test uses, so it is never 0. Drift when p < 0.05.
 *
 * A random split only matters through its category counts, which follow the multivariate
 * hypergeometric distribution: each permutation draws those counts directly
 * (hypergeometric-sample.ts), O(k · √n) instead of shuffling all n values.
 *
 * Reproducible: the same seed (default 42) gives the same p-value. Symmetric: the pool is laid out
 * by category, not by sample, and the smaller group is drawn, so swapping the samples gives the
 * same p-value too.
 */
import { contingencyRows } from './categorical.js';
import { judge } from './drift-result.js';
import type { Measured } from './drift-result.js';
import { sampleMultivariateHypergeometric } from './hypergeometric-sample.js';
import { Prng } from './prng.js';
import type { DriftTest, DriftTestOptions } from './types.js';

/** Permutations when the options give none. */
export const DEFAULT_TVD_PERMUTATIONS = 1000;
/** Seed when the options give none. */
export const DEFAULT_SEED = 42;
/** Permuted statistics within this relative distance of the observed one count as "as large". */
const RELATIVE_TOLERANCE = 1e-12;

/** ½ Σ |r_j/n1 − c_j/n2| over two rows of counts. */
export function totalVariation(reference: Float64Array, current: Float64Array, n1: number, n2: number): number {
  let total = 0;
  for (let j = 0; j < reference.length; j++) total += Math.abs(reference[j] / n1 - current[j] / n2);
  return total / 2;
}

/**
 * TVD of two rows of counts and its permutation p-value.
 * @throws RangeError when a row is empty or `permutations` is not a positive integer
 */
export function tvdPermutationTest(
  reference: Float64Array,
  current: Float64Array,
  options?: Pick<DriftTestOptions, 'seed' | 'permutations'>,
): Measured {
  const permutations = options?.permutations ?? DEFAULT_TVD_PERMUTATIONS;
  if (!Number.isInteger(permutations) || permutations < 1) {
    throw new RangeError(`permutations must be a positive integer, got ${permutations}`);
  }
  const k = reference.length;
  let n1 = 0;
  let n2 = 0;
  for (let j = 0; j < k; j++) {
    n1 += reference[j];
    n2 += current[j];
  }
  if (n1 === 0 || n2 === 0) throw new RangeError('TVD needs at least one non-missing value in each sample');
  const observed = totalVariation(reference, current, n1, n2);

  const totals = new Float64Array(k);
  for (let j = 0; j < k; j++) totals[j] = reference[j] + current[j];
  // draw the smaller group; the larger one is the rest
  const small = Math.min(n1, n2);
  const drawn = new Float64Array(k);
  const rest = new Float64Array(k);
  const prng = new Prng(options?.seed ?? DEFAULT_SEED);
  const bar = observed - RELATIVE_TOLERANCE * observed;
  let atLeast = 0;
  for (let p = 0; p < permutations; p++) {
    sampleMultivariateHypergeometric(prng, totals, small, drawn);
    for (let j = 0; j < k; j++) rest[j] = totals[j] - drawn[j];
    if (totalVariation(drawn, rest, small, n1 + n2 - small) >= bar) atLeast++;
  }
  return { statistic: observed, p_value: (1 + atLeast) / (1 + permutations) };
}

/** The total variation distance test (`tvd`), categorical, drift when the permutation p < 0.05. */
export const tvd: DriftTest = {
  name: 'tvd',
  label: 'Total variation distance',
  columnTypes: ['categorical'],
  direction: 'p_value_below',
  defaultThreshold: 0.05,
  symmetric: true,
  computeCategorical(reference, current, options) {
    const table = contingencyRows(reference, current);
    return judge(tvd, tvdPermutationTest(table.reference, table.current, options), options);
  },
};
