import { componentOf } from './default-rules.js';
import { breaches, reportedThreshold, ruleAppliesTo, ruleSelects } from './rule-condition.js';
import { selectorSpecificity } from './selector.js';
import { type AlertCandidate, type AlertRule, type ObservedFinding, type RuleState, type Severity, maxSeverity, severityRank } from './types.js';

/** One evaluation of a model: the findings of a monitoring record, or a self-monitoring run's measurements. */
export interface Evaluation {
  model_id: string;
  /** `record`: an analysis' findings; `self`: the self-monitoring job's measurements */
  kind: 'record' | 'self';
  record_id: string | null;
  /** status of the record (null for self-monitoring) */
  record_status: 'completed' | 'skipped' | 'failed' | null;
  findings: ObservedFinding[];
  period: { start: number; end: number } | null;
}

export interface RuleCandidate {
  rule: AlertRule;
  candidate: AlertCandidate;
}

export interface RuleEvaluation {
  /** the state of every (rule, metric) the evaluation looked at, to be saved */
  states: RuleState[];
  /** one per metric at most: what goes through the pipeline */
  candidates: RuleCandidate[];
  /** rules that fired for a metric another rule speaks for (higher severity or more specific) */
  inhibited: (RuleCandidate & { reason: string })[];
  /** metrics breaching some rule now (ignoring `for`), with the highest such rule severity */
  breaching: Map<string, Severity>;
}

export const stateKey = (ruleId: string, metric: string) => `${ruleId}\u0000${metric}`;

const fmt = (v: number | null): string => (v === null ? 'n/a' : Number.isInteger(v) ? String(v) : v.toPrecision(4).replace(/\.?0+$/, ''));

function describe(rule: AlertRule, f: ObservedFinding): string {
  const parts = [`${f.metric} = ${fmt(f.value)}`];
  if (rule.comparison !== null && rule.threshold !== null) parts.push(`(rule: ${rule.comparison} ${fmt(rule.threshold)})`);
  else if (f.threshold !== null) parts.push(`(threshold ${fmt(f.threshold)}, graded ${f.severity})`);
  let text = parts.join(' ');
  if (f.affected_groups?.length) text += `; affected groups: ${f.affected_groups.join(', ')}`;
  if (f.message) text += `; ${f.message}`;
  return text;
}

function candidateOf(rule: AlertRule, f: ObservedFinding, ev: Evaluation): AlertCandidate {
  return {
    source: 'rule',
    rule_id: rule.rule_id,
    model_id: ev.model_id,
    metric: f.metric,
    value: f.value,
    threshold: reportedThreshold(rule, f),
    severity: rule.severity,
    component: componentOf(f.metric),
    title: `${rule.name}: ${f.metric} on ${ev.model_id}`,
    message: describe(rule, f),
    affected_groups: f.affected_groups ?? [],
    labels: {},
    monitoring_record_id: ev.record_id,
    period: ev.period,
    channels: rule.channels,
  };
}

/** Does `a` speak for a metric rather than `b`? Higher severity first, then the more specific selector. */
const outranks = (a: AlertRule, b: AlertRule): boolean =>
  severityRank(a.severity) !== severityRank(b.severity)
    ? severityRank(a.severity) > severityRank(b.severity)
    : selectorSpecificity(a.metric) !== selectorSpecificity(b.metric)
      ? selectorSpecificity(a.metric) > selectorSpecificity(b.metric)
      : a.rule_id < b.rule_id;

/**
 * Judge one evaluation against the rules: update each (rule, metric)'s consecutive breaches,
 * decide which rules fire (breaching for `for_count` analyses in a row), and keep one candidate
 * per metric. Pure: the states come in, the new ones go out.
 */
export function evaluateRules(rules: readonly AlertRule[], states: ReadonlyMap<string, RuleState>, ev: Evaluation, now: number): RuleEvaluation {
  const out: RuleEvaluation = { states: [], candidates: [], inhibited: [], breaching: new Map() };
  const firing = new Map<string, RuleCandidate[]>();
  for (const rule of rules) {
    if (!rule.enabled || !ruleAppliesTo(rule, ev.model_id)) continue;
    for (const f of ev.findings) {
      if (!ruleSelects(rule, f)) continue;
      const previous = states.get(stateKey(rule.rule_id, f.metric));
      const breach = breaches(rule, f);
      const consecutive = breach ? (previous?.consecutive ?? 0) + 1 : 0;
      const state: RuleState = {
        rule_id: rule.rule_id,
        model_id: ev.model_id,
        metric: f.metric,
        consecutive,
        firing: consecutive >= rule.for_count,
        last_value: f.value,
        last_evaluated_at: now,
        last_fired_at: previous?.last_fired_at ?? null,
      };
      out.states.push(state);
      if (!breach) continue;
      const seen = out.breaching.get(f.metric);
      out.breaching.set(f.metric, seen ? maxSeverity(seen, rule.severity) : rule.severity);
      if (!state.firing) continue;
      const list = firing.get(f.metric) ?? [];
      list.push({ rule, candidate: candidateOf(rule, f, ev) });
      firing.set(f.metric, list);
    }
  }
  for (const list of firing.values()) {
    const best = list.reduce((a, b) => (outranks(b.rule, a.rule) ? b : a));
    out.candidates.push(best);
    for (const other of list) {
      if (other === best) continue;
      out.inhibited.push({ ...other, reason: `rule ${best.rule.rule_id} (${best.rule.severity}) speaks for ${other.candidate.metric}` });
    }
  }
  return out;
}
