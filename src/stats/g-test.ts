/**
 * G-test (log-likelihood ratio test) of homogeneity on the 2×k table of reference and current
 * category counts: `scipy.stats.chi2_contingency(table, correction=False,
 * lambda_="log-likelihood")`, G = 2 Σ O·ln(O/E). Drift when p < 0.05.
 *
 * Evidently's `g_test` is a goodness-of-fit variant (`power_divergence(current, reference)`),
 * not the test of homogeneity used here.
 */
import { contingencyTestOfSamples } from './contingency.js';
import { judge } from './drift-result.js';
import type { DriftTest } from './types.js';

/** The G-test (`g_test`), categorical, drift when p < 0.05. */
export const gTest: DriftTest = {
  name: 'g_test',
  label: 'G-test',
  columnTypes: ['categorical'],
  direction: 'p_value_below',
  defaultThreshold: 0.05,
  symmetric: true,
  computeCategorical(reference, current, options) {
    const { statistic, p_value } = contingencyTestOfSamples(reference, current, 'log-likelihood');
    return judge(gTest, { statistic, p_value }, options);
  },
};
