import type { AlertCandidate, SilenceMatcher } from './types.js';

/**
 * Silence matchers, with Alertmanager's semantics: every matcher of a silence must match; a
 * label the candidate does not have is the empty string; `=~` and `!~` are regular expressions
 * anchored at both ends (`loan-.*` matches `loan-approval`, not `my-loan-approval`).
 */

/** Labels that silences match on: model_id, metric, severity, rule_id, component, and any labels the alert came with. */
export function candidateLabels(c: AlertCandidate): Record<string, string> {
  return {
    ...c.labels,
    model_id: c.model_id ?? '',
    metric: c.metric,
    severity: c.severity,
    rule_id: c.rule_id ?? '',
    component: c.component,
  };
}

const compiled = new Map<string, RegExp | null>();

/** The anchored expression of a matcher value (null when it does not compile). Cached. */
function regex(value: string): RegExp | null {
  let re = compiled.get(value);
  if (re === undefined) {
    try {
      re = new RegExp(`^(?:${value})$`, 'u');
    } catch {
      re = null;
    }
    if (compiled.size > 1000) compiled.clear();
    compiled.set(value, re);
  }
  return re;
}

export function matcherMatches(m: SilenceMatcher, labels: Record<string, string>): boolean {
  const v = Object.prototype.hasOwnProperty.call(labels, m.label) ? labels[m.label] : '';
  switch (m.op) {
    case '=':
      return v === m.value;
    case '!=':
      return v !== m.value;
    case '=~':
      return regex(m.value)?.test(v) ?? false;
    case '!~': {
      const re = regex(m.value);
      return re !== null && !re.test(v);
    }
  }
}

export const silenceMatches = (matchers: readonly SilenceMatcher[], labels: Record<string, string>): boolean =>
  matchers.length > 0 && matchers.every((m) => matcherMatches(m, labels));

const LABEL = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** Problems with a silence's matchers (empty when usable), as `matchers[i].field: problem`. */
export function matcherProblems(matchers: readonly SilenceMatcher[]): { field: string; problem: string }[] {
  const problems: { field: string; problem: string }[] = [];
  if (matchers.length === 0) problems.push({ field: 'matchers', problem: 'needs at least one matcher' });
  matchers.forEach((m, i) => {
    if (!LABEL.test(m.label)) problems.push({ field: `matchers.${i}.label`, problem: 'must be a label name (letters, digits, underscores)' });
    if ((m.op === '=~' || m.op === '!~') && regex(m.value) === null) problems.push({ field: `matchers.${i}.value`, problem: 'is not a valid regular expression' });
  });
  // as Alertmanager insists: a silence whose every matcher matches an empty label would silence everything
  if (matchers.length > 0 && problems.length === 0 && matchers.every((m) => matcherMatches(m, {}))) {
    problems.push({ field: 'matchers', problem: 'at least one matcher must not match an empty label (this silence would match every alert)' });
  }
  return problems;
}
