import { describe, expect, it } from 'vitest';
import { matcherMatches, matcherProblems, silenceMatches } from './silence-matchers.js';

const labels = { model_id: 'loan-approval', metric: 'data_drift.psi.income', severity: 'CRITICAL', rule_id: '', component: 'model' };

describe('silence matchers', () => {
  it('matches like Alertmanager: anchored regexes, missing labels are empty', () => {
    expect(matcherMatches({ label: 'model_id', op: '=~', value: 'loan-.*' }, labels)).toBe(true);
    expect(matcherMatches({ label: 'model_id', op: '=~', value: 'loan' }, labels)).toBe(false);
    expect(matcherMatches({ label: 'model_id', op: '!~', value: 'loan' }, labels)).toBe(true);
    expect(matcherMatches({ label: 'instance', op: '=', value: '' }, labels)).toBe(true);
    expect(matcherMatches({ label: 'instance', op: '!=', value: 'x' }, labels)).toBe(true);
    expect(matcherMatches({ label: 'constructor', op: '=', value: '' }, labels)).toBe(true);
    expect(silenceMatches([], labels)).toBe(false);
    expect(silenceMatches([{ label: 'model_id', op: '=', value: 'loan-approval' }, { label: 'severity', op: '=', value: 'WARNING' }], labels)).toBe(false);
  });

  it('rejects unusable matchers and silences that would match everything', () => {
    expect(matcherProblems([])).toEqual([{ field: 'matchers', problem: expect.stringMatching(/at least one/) }]);
    expect(matcherProblems([{ label: 'model id', op: '=', value: 'x' }])[0].field).toBe('matchers.0.label');
    expect(matcherProblems([{ label: 'metric', op: '=~', value: '(' }])[0].field).toBe('matchers.0.value');
    expect(matcherProblems([{ label: 'metric', op: '=~', value: '.*' }])[0].problem).toMatch(/every alert/);
    expect(matcherProblems([{ label: 'metric', op: '=~', value: '.+' }])).toEqual([]);
  });
});
