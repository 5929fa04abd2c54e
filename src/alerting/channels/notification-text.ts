import type { Notification, NotificationMetric } from '../delivery/notification.js';

/** A number as people read it: at most 4 significant digits, no exponent for ordinary sizes. */
export function formatValue(v: number | null): string {
  if (v === null) return 'n/a';
  if (Number.isInteger(v) && Math.abs(v) < 1e9) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e9)) return v.toExponential(2);
  return String(Number(v.toPrecision(4)));
}

/** `data_drift.psi.income 0.312 (threshold 0.2)`. */
export function metricSummary(m: NotificationMetric): string {
  return `${m.name} ${formatValue(m.value)}${m.threshold !== null ? ` (threshold ${formatValue(m.threshold)})` : ''}`;
}

/** `affected: women, age 65+` (empty when no group is named). */
export const affectedGroups = (m: NotificationMetric): string => (m.affected_groups.length ? `affected: ${m.affected_groups.join(', ')}` : '');

/** One line per metric: value against threshold, then the groups it hurts. */
export const metricLines = (n: Notification): string[] =>
  n.metrics.map((m) => [metricSummary(m), affectedGroups(m)].filter(Boolean).join(' — '));

const VERB: Record<Notification['kind'], string> = {
  trigger: 'Alert',
  acknowledge: 'Acknowledged',
  resolve: 'Resolved',
  comment: 'Comment',
  event: 'Event',
};

/** The tag a subject line starts with: the severity for a new alert, the event otherwise. */
export const subjectTag = (n: Notification): string => (n.kind === 'trigger' ? n.severity : VERB[n.kind].toUpperCase());

/** One line that says what happened: `CRITICAL: Data drift on income — model loan-approval`. */
export function headline(n: Notification): string {
  const model = n.model_id ? ` — model ${n.model_id}` : '';
  switch (n.kind) {
    case 'trigger':
      return `${n.severity}: ${n.title}${model}`;
    case 'acknowledge':
      return `Acknowledged${n.actor ? ` by ${n.actor}` : ''}: ${n.title}${model}`;
    case 'resolve':
      return `Resolved${n.actor ? ` by ${n.actor}` : ''}: ${n.title}${model}`;
    case 'comment':
      return `Comment${n.actor ? ` by ${n.actor}` : ''} on ${n.title}${model}`;
    default:
      return `${VERB[n.kind]}: ${n.title}${model}`;
  }
}

/** The status line after an acknowledgment or resolution. */
export function statusLine(n: Notification): string | null {
  if (n.kind === 'acknowledge') return 'Status: investigating';
  if (n.kind === 'resolve') return 'Status: resolved';
  return n.incident_status ? `Status: ${n.incident_status}` : null;
}

/** The link a person should follow: the incident when there is one, else the alert. */
export const primaryLink = (n: Notification): string | null => n.links.incident ?? n.links.alert;

/** The whole notification as plain text (console, file, email's text part). */
export function plainText(n: Notification): string {
  const lines = [headline(n)];
  if (n.kind === 'trigger' && n.message) lines.push(n.message);
  lines.push(...metricLines(n).map((l) => `  • ${l}`));
  const status = statusLine(n);
  if (status) lines.push(status);
  if (n.notes) lines.push(`Notes: ${n.notes}`);
  if (n.incident_id) lines.push(`Incident: ${n.incident_id}`);
  if (n.alert_id) lines.push(`Alert: ${n.alert_id}`);
  const link = primaryLink(n);
  if (link) lines.push(`Dashboard: ${link}`);
  return lines.join('\n');
}
