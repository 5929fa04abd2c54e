/**
 * Metric selectors of alert rules. A metric name is dot-separated segments
 * (`data_drift.psi.income`, `fairness.disparate_impact.gender`, `analysis.failed`). A selector is
 * segments too, where a `*` segment matches any one segment, and a selector with fewer segments
 * than the metric matches the metric's leading segments:
 *
 *   `data_drift.psi.income`      exactly that metric
 *   `data_drift.psi.*`           PSI of every feature
 *   `fairness.disparate_impact`  disparate impact of every protected attribute
 *   `*.psi`                      PSI of any area
 *   `*`                          every metric
 */

const MAX_SELECTOR = 256;

/** Null when `selector` is usable, else what is wrong with it. */
export function selectorProblem(selector: string): string | null {
  if (selector.length === 0 || selector.length > MAX_SELECTOR) return `must be 1 to ${MAX_SELECTOR} characters`;
  if (/[\u0000-\u001f\u007f]/.test(selector)) return 'must not contain control characters';
  const segments = selector.split('.');
  if (segments.some((s) => s.length === 0)) return 'must not have empty segments (two dots in a row, or a leading or trailing dot)';
  if (segments.some((s) => s !== '*' && s.includes('*'))) return '`*` must be a whole segment (e.g. `data_drift.psi.*`)';
  return null;
}

/** Does the selector match the metric (exact, `*` segments, or as a prefix of whole segments)? */
export function selectorMatches(selector: string, metric: string): boolean {
  if (selector === metric || selector === '*') return true;
  const want = selector.split('.');
  const have = metric.split('.');
  if (want.length > have.length) return false;
  for (let i = 0; i < want.length; i++) if (want[i] !== '*' && want[i] !== have[i]) return false;
  return true;
}

/**
 * How specific a selector is: literal segments count most, then length. When several rules
 * match one finding at the same severity, the most specific one speaks for it.
 */
export function selectorSpecificity(selector: string): number {
  const segments = selector.split('.');
  return segments.filter((s) => s !== '*').length * 100 + segments.length;
}
