/**
 * Tests of homogeneity on the 2×k table of reference and current counts, as
 * `scipy.stats.chi2_contingency(table, correction=False, lambda_=...)`: expected counts
 * E[i][j] = row_i · col_j / N, dof = k − 1, p = chi2.sf(statistic, dof).
 */
import { contingencyRows } from './categorical.js';
import type { Measured } from './drift-result.js';
import type { CategoricalSample } from './types.js';
import { lazyFunction } from './lazy-function.js';

/** The regularized incomplete gamma function (@stdlib), loaded on first use */
const gammainc = lazyFunction<(x: number, a: number, regularized?: boolean, upper?: boolean) => number>('@stdlib/math-base-special-gammainc');

/** Which power-divergence statistic: Pearson's X² or the G (log-likelihood ratio) statistic. */
export type DivergenceKind = 'pearson' | 'log-likelihood';

/** A contingency test's numbers, with its degrees of freedom. */
export interface ContingencyResult extends Measured {
  readonly statistic: number;
  readonly p_value: number;
  readonly dof: number;
}

/** chi2.sf(x, dof): the upper regularised incomplete gamma Q(dof/2, x/2), accurate in the far tail. */
export function chiSquareSurvival(x: number, dof: number): number {
  if (x <= 0) return 1;
  return gammainc(x / 2, dof / 2, true, true);
}

/**
 * The power-divergence statistic of a 2×k table given as two rows of counts, and its p-value.
 * A table with a single column has dof 0: statistic 0, p-value 1 (as scipy).
 * @throws RangeError when a row is empty (scipy raises: an expected frequency is zero)
 */
export function contingencyTest(
  reference: Float64Array,
  current: Float64Array,
  kind: DivergenceKind,
): ContingencyResult {
  const k = reference.length;
  let n1 = 0;
  let n2 = 0;
  for (let j = 0; j < k; j++) {
    n1 += reference[j];
    n2 += current[j];
  }
  if (n1 === 0 || n2 === 0) {
    throw new RangeError('a contingency test needs at least one non-missing value in each sample');
  }
  const dof = k - 1;
  if (dof === 0) return { statistic: 0, p_value: 1, dof };
  const total = n1 + n2;
  let statistic = 0;
  for (let j = 0; j < k; j++) {
    const column = reference[j] + current[j];
    statistic += term(reference[j], (n1 * column) / total, kind) + term(current[j], (n2 * column) / total, kind);
  }
  return { statistic, p_value: chiSquareSurvival(statistic, dof), dof };
}

function term(observed: number, expected: number, kind: DivergenceKind): number {
  if (kind === 'pearson') {
    const d = observed - expected;
    return (d * d) / expected;
  }
  // 2·xlogy(O, O/E): a zero count contributes nothing
  return observed === 0 ? 0 : 2 * observed * Math.log(observed / expected);
}

/** {@link contingencyTest} on two categorical samples over reference ∪ current categories. */
export function contingencyTestOfSamples(
  reference: CategoricalSample,
  current: CategoricalSample,
  kind: DivergenceKind,
): ContingencyResult {
  const table = contingencyRows(reference, current);
  return contingencyTest(table.reference, table.current, kind);
}
