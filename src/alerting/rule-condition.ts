import { selectorMatches } from './selector.js';
import { type AlertRule, type Comparison, type ObservedFinding, severityRank } from './types.js';

/** `value <op> threshold`; a missing or NaN value never compares true (nothing was measured). */
export function compare(value: number | null, op: Comparison, threshold: number): boolean {
  if (value === null || Number.isNaN(value)) return false;
  switch (op) {
    case '<':
      return value < threshold;
    case '<=':
      return value <= threshold;
    case '>':
      return value > threshold;
    case '>=':
      return value >= threshold;
    case '==':
      return value === threshold;
    case '!=':
      return value !== threshold;
  }
}

/** Does the rule look at this model? */
export const ruleAppliesTo = (rule: AlertRule, modelId: string | null): boolean =>
  rule.models.includes('*') || (modelId !== null && rule.models.includes(modelId));

/** Does the rule's selector pick this finding? */
export const ruleSelects = (rule: AlertRule, finding: ObservedFinding): boolean => selectorMatches(rule.metric, finding.metric);

/**
 * Does a finding the rule selects breach it? Every condition the rule sets must hold: the
 * comparison of the value with the threshold, and the finding's own graded severity. A rule
 * with neither condition breaches on every finding it selects.
 */
export function breaches(rule: AlertRule, finding: ObservedFinding): boolean {
  if (rule.comparison !== null && rule.threshold !== null && !compare(finding.value, rule.comparison, rule.threshold)) return false;
  if (rule.severity_at_least !== null && severityRank(finding.severity) < severityRank(rule.severity_at_least)) return false;
  return true;
}

/** The threshold an alert from this rule reports: the rule's own, else the one the analysis judged by. */
export const reportedThreshold = (rule: AlertRule, finding: ObservedFinding): number | null => rule.threshold ?? finding.threshold;
