import { describe, expect, it } from 'vitest';
import { defaultRules } from './default-rules.js';
import { breaches, compare, ruleAppliesTo } from './rule-condition.js';
import type { AlertRule, ObservedFinding } from './types.js';

const rule = (over: Partial<AlertRule>): AlertRule => ({ ...defaultRules(0)[0], builtin: false, rule_id: 'r', metric: '*', severity_at_least: null, ...over });
const finding = (over: Partial<ObservedFinding>): ObservedFinding => ({ metric: 'data_drift.psi.income', value: 0.3, threshold: 0.25, severity: 'CRITICAL', ...over });

describe('rule conditions', () => {
  it('compares with every operator', () => {
    expect([compare(0.3, '>', 0.25), compare(0.25, '>', 0.25), compare(0.25, '>=', 0.25)]).toEqual([true, false, true]);
    expect([compare(0.7, '<', 0.8), compare(0.8, '<', 0.8), compare(0.8, '<=', 0.8)]).toEqual([true, false, true]);
    expect([compare(0, '==', 0), compare(1, '==', 0), compare(1, '!=', 0), compare(0, '!=', 0)]).toEqual([true, false, true, false]);
  });

  it('never compares a missing value true, not even with !=', () => {
    for (const op of ['<', '<=', '>', '>=', '==', '!='] as const) {
      expect(compare(null, op, 0)).toBe(false);
      expect(compare(NaN, op, 0)).toBe(false);
    }
  });

  it('PSI ≥ 0.25 and disparate impact < 0.8 as explicit rules', () => {
    const psi = rule({ metric: 'data_drift.psi.*', comparison: '>=', threshold: 0.25 });
    expect(breaches(psi, finding({ value: 0.25 }))).toBe(true);
    expect(breaches(psi, finding({ value: 0.2499 }))).toBe(false);
    const di = rule({ metric: 'fairness.disparate_impact', comparison: '<', threshold: 0.8 });
    expect(breaches(di, finding({ metric: 'fairness.disparate_impact.gender', value: 0.74 }))).toBe(true);
    expect(breaches(di, finding({ metric: 'fairness.disparate_impact.gender', value: 0.85 }))).toBe(false);
  });

  it('severity_at_least looks at the grade the analysis gave', () => {
    const warn = rule({ severity_at_least: 'WARNING' });
    expect(breaches(warn, finding({ severity: 'INFO' }))).toBe(false);
    expect(breaches(warn, finding({ severity: 'WARNING' }))).toBe(true);
    expect(breaches(warn, finding({ severity: 'CRITICAL' }))).toBe(true);
  });

  it('needs every condition it sets', () => {
    const both = rule({ comparison: '>', threshold: 0.5, severity_at_least: 'WARNING' });
    expect(breaches(both, finding({ value: 0.6, severity: 'WARNING' }))).toBe(true);
    expect(breaches(both, finding({ value: 0.6, severity: 'INFO' }))).toBe(false);
    expect(breaches(both, finding({ value: 0.4, severity: 'CRITICAL' }))).toBe(false);
  });

  it('scopes rules to models', () => {
    expect(ruleAppliesTo(rule({ models: ['*'] }), 'any')).toBe(true);
    expect(ruleAppliesTo(rule({ models: ['a', 'b'] }), 'b')).toBe(true);
    expect(ruleAppliesTo(rule({ models: ['a', 'b'] }), 'c')).toBe(false);
    expect(ruleAppliesTo(rule({ models: ['a'] }), null)).toBe(false);
  });
});
