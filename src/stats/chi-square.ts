/**
 * Pearson's chi-square test of homogeneity on the 2×k table of reference and current category
 * counts: `scipy.stats.chi2_contingency(table, correction=False)`. Drift when p < 0.05.
 *
 * Evidently's `chisquare` is a goodness-of-fit test instead (current counts against reference
 * shares scaled to the current size, `scipy.stats.chisquare`); the test of homogeneity treats both
 * samples as samples, which is why it is symmetric and better behaved for small references.
 */
import { contingencyTestOfSamples } from './contingency.js';
import { judge } from './drift-result.js';
import type { DriftTest } from './types.js';

/** The chi-square test (`chi_square`), categorical, drift when p < 0.05. */
export const chiSquare: DriftTest = {
  name: 'chi_square',
  label: 'Chi-square test',
  columnTypes: ['categorical'],
  direction: 'p_value_below',
  defaultThreshold: 0.05,
  symmetric: true,
  computeCategorical(reference, current, options) {
    const { statistic, p_value } = contingencyTestOfSamples(reference, current, 'pearson');
    return judge(chiSquare, { statistic, p_value }, options);
  },
};
