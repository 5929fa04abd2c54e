import { describe, expect, it } from 'vitest';
import { defaultRules, SELF_METRICS } from './default-rules.js';
import { type Evaluation, evaluateRules, stateKey } from './evaluate-rules.js';
import type { AlertRule, ObservedFinding, RuleState } from './types.js';

const NOW = Date.UTC(2026, 5, 1);
const RULES = defaultRules(0);
const ev = (findings: ObservedFinding[], over: Partial<Evaluation> = {}): Evaluation => ({
  model_id: 'm1',
  kind: 'record',
  record_id: 'MON-1',
  record_status: 'completed',
  findings,
  period: { start: NOW - 86_400_000, end: NOW },
  ...over,
});
const f = (metric: string, severity: ObservedFinding['severity'], value = 0.3): ObservedFinding => ({ metric, severity, value, threshold: 0.25 });

/** Run evaluations in sequence, carrying the state as the store would. */
function run(rules: readonly AlertRule[], evaluations: Evaluation[]) {
  const states = new Map<string, RuleState>();
  return evaluations.map((e, i) => {
    const r = evaluateRules(rules, states, e, NOW + i);
    for (const s of r.states) states.set(stateKey(s.rule_id, s.metric), s);
    return r;
  });
}

describe('evaluateRules', () => {
  it('a CRITICAL finding fires the critical rule at once; the warning rule is inhibited once it fires too', () => {
    const [first, second] = run(RULES, [ev([f('data_drift.psi.income', 'CRITICAL')]), ev([f('data_drift.psi.income', 'CRITICAL')])]);
    expect(first.candidates.map((c) => c.rule.rule_id)).toEqual(['builtin.critical-findings']);
    expect(first.candidates[0].candidate).toMatchObject({ metric: 'data_drift.psi.income', severity: 'CRITICAL', component: 'model', model_id: 'm1', monitoring_record_id: 'MON-1' });
    expect(first.inhibited).toEqual([]); // the warning rule needs two analyses
    expect(second.candidates.map((c) => c.rule.rule_id)).toEqual(['builtin.critical-findings']);
    expect(second.inhibited.map((c) => c.rule.rule_id)).toEqual(['builtin.warning-findings']);
    expect(second.inhibited[0].reason).toMatch(/builtin.critical-findings/);
  });

  it('a warning fires only when it persists (for = 2), and a clear analysis in between starts over', () => {
    const w = (sev: ObservedFinding['severity']) => ev([f('fairness.disparate_impact.gender', sev, 0.85)]);
    const results = run(RULES, [w('WARNING'), w('INFO'), w('WARNING'), w('WARNING'), w('WARNING')]);
    expect(results.map((r) => r.candidates.length)).toEqual([0, 0, 0, 1, 1]);
    expect(results[3].candidates[0].candidate.severity).toBe('WARNING');
    const state = results[4].states.find((s) => s.rule_id === 'builtin.warning-findings')!;
    expect(state).toMatchObject({ consecutive: 3, firing: true, last_value: 0.85 });
  });

  it('the more specific rule speaks for a metric at equal severity', () => {
    const [r] = run(RULES, [ev([{ metric: 'analysis.failed', severity: 'CRITICAL', value: 1, threshold: null, message: 'boom' }], { record_status: 'failed' })]);
    expect(r.candidates.map((c) => c.rule.rule_id)).toEqual(['builtin.analysis-failed']);
    expect(r.candidates[0].candidate.component).toBe('analyzer');
    expect(r.inhibited.map((c) => c.rule.rule_id)).toEqual(['builtin.critical-findings']);
  });

  it('self-monitoring measurements are judged by their own rules only', () => {
    const stale = { metric: SELF_METRICS.hoursSinceAnalysis, value: 13, threshold: null, severity: 'INFO' as const };
    const stopped = { metric: SELF_METRICS.predictionsLastDay, value: 0, threshold: null, severity: 'INFO' as const };
    const [r] = run(RULES, [ev([stale, stopped], { kind: 'self', record_id: null, record_status: null })]);
    expect(r.candidates.map((c) => [c.rule.rule_id, c.candidate.severity, c.candidate.component])).toEqual([
      ['builtin.no-analysis', 'CRITICAL', 'analyzer'],
      ['builtin.predictions-stopped', 'WARNING', 'ingest'],
    ]);
    const [fresh] = run(RULES, [ev([{ ...stale, value: 11.9 }, { ...stopped, value: 5 }], { kind: 'self' })]);
    expect(fresh.candidates).toEqual([]);
    expect(fresh.breaching.size).toBe(0);
  });

  it('skips disabled rules and rules scoped to other models', () => {
    const custom: AlertRule = { ...RULES[0], rule_id: 'psi-only-m2', builtin: false, metric: 'data_drift.psi.*', severity_at_least: null, comparison: '>', threshold: 0.2, models: ['m2'] };
    const disabled = RULES.map((r) => ({ ...r, enabled: false }));
    const [r] = run([...disabled, custom], [ev([f('data_drift.psi.income', 'CRITICAL')])]);
    expect(r.candidates).toEqual([]);
    expect(r.states).toEqual([]);
    const [r2] = run([custom], [ev([f('data_drift.psi.income', 'INFO', 0.21)], { model_id: 'm2' })]);
    expect(r2.candidates[0].candidate).toMatchObject({ rule_id: 'psi-only-m2', threshold: 0.2, severity: 'CRITICAL' });
    expect(r2.candidates[0].candidate.message).toMatch(/data_drift.psi.income = 0.21 \(rule: > 0.2\)/);
  });

  it('reports breaching metrics (ignoring for) with the highest rule severity', () => {
    const [r] = run(RULES, [ev([f('a.b', 'WARNING'), f('c.d', 'CRITICAL'), f('e.f', 'INFO')])]);
    expect(Object.fromEntries(r.breaching)).toEqual({ 'a.b': 'WARNING', 'c.d': 'CRITICAL' });
  });
});
