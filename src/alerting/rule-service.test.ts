import { describe, expect, it } from 'vitest';
import { defaultRules } from './default-rules.js';
import { applyRuleInput, ruleProblems } from './rule-service.js';

const base = { ...defaultRules(0)[0], rule_id: 'r1', builtin: false };

describe('rule input', () => {
  it('applies a partial change; null clears a condition, absent keeps it', () => {
    const r = applyRuleInput({ ...base, comparison: '>', threshold: 1 }, { severity: 'WARNING', cooldown: '2h', models: ['a', 'a', 'b'] }, 5);
    expect(r).toMatchObject({ comparison: '>', threshold: 1, severity: 'WARNING', cooldown_ms: 7_200_000, models: ['a', 'b'], updated_at: 5 });
    const cleared = applyRuleInput(r, { comparison: null, threshold: null }, 6);
    expect([cleared.comparison, cleared.threshold]).toEqual([null, null]);
  });

  it('lists every problem of a rule', () => {
    expect(ruleProblems(base)).toEqual([]);
    const bad = applyRuleInput(base, { name: ' ', metric: 'a..b', comparison: '>', for: 0, cooldown: 'later', channels: ['no spaces'], models: [] }, 1);
    expect(ruleProblems(bad).map((p) => p.field)).toEqual(['name', 'metric', 'threshold', 'models', 'for', 'cooldown', 'channels']);
    expect(ruleProblems({ ...base, name: 'x\u0000' }).map((p) => p.field)).toEqual(['name']);
  });
});
