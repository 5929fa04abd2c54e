import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { selectorMatches, selectorProblem, selectorSpecificity } from './selector.js';

describe('metric selectors', () => {
  it.each([
    ['data_drift.psi.income', 'data_drift.psi.income', true],
    ['data_drift.psi.income', 'data_drift.psi.incomes', false],
    ['data_drift.psi.*', 'data_drift.psi.income', true],
    ['data_drift.psi.*', 'data_drift.psi', false],
    ['data_drift.psi.*', 'data_drift.ks.income', false],
    ['fairness.disparate_impact', 'fairness.disparate_impact.gender', true],
    ['fairness.disparate_impact', 'fairness.disparate_impact_ratio.gender', false],
    ['fairness', 'fairness.demographic_parity.gender', true],
    ['*.psi', 'data_drift.psi.income', true],
    ['*.psi', 'prediction_drift.prediction_shift', false],
    ['*', 'analysis.failed', true],
    ['analysis.failed', 'analysis.failed', true],
    ['performance.f1.drop', 'performance.f1', false],
    ['data_drift.psi.my.feature', 'data_drift.psi.my.feature', true],
  ])('%s vs %s → %s', (selector, metric, expected) => {
    expect(selectorMatches(selector, metric)).toBe(expected);
  });

  it('a selector always matches the metrics it is a whole-segment prefix of', () => {
    const segment = fc.stringMatching(/^[a-z_]{1,6}$/);
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 5 }), fc.integer({ min: 1, max: 5 }), (segments, cut) => {
        const metric = segments.join('.');
        const prefix = segments.slice(0, Math.min(cut, segments.length)).join('.');
        expect(selectorMatches(prefix, metric)).toBe(true);
        const starred = segments.map((s, i) => (i % 2 ? '*' : s)).join('.');
        expect(selectorMatches(starred, metric)).toBe(true);
        expect(selectorMatches(`${metric}.x`, metric)).toBe(false);
      }),
    );
  });

  it('validates selectors', () => {
    expect(selectorProblem('data_drift.psi.*')).toBeNull();
    expect(selectorProblem('*')).toBeNull();
    expect(selectorProblem('')).toMatch(/1 to/);
    expect(selectorProblem('data_drift..psi')).toMatch(/empty segments/);
    expect(selectorProblem('.psi')).toMatch(/empty segments/);
    expect(selectorProblem('data_drift.ps*')).toMatch(/whole segment/);
    expect(selectorProblem('a\u0001b')).toMatch(/control/);
  });

  it('ranks literal segments above wildcards', () => {
    expect(selectorSpecificity('analysis.failed')).toBeGreaterThan(selectorSpecificity('*'));
    expect(selectorSpecificity('data_drift.psi.income')).toBeGreaterThan(selectorSpecificity('data_drift.psi.*'));
    expect(selectorSpecificity('data_drift.psi.*')).toBeGreaterThan(selectorSpecificity('data_drift.psi'));
  });
});
