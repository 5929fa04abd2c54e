import type { Notification } from '../../delivery/notification.js';
import { affectedGroups, formatValue, headline, primaryLink, statusLine } from '../notification-text.js';

/** Slack's mrkdwn treats these three as control characters. */
export const escapeMrkdwn = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const clip = (s: string, n: number): string => (s.length <= n ? s : `${s.slice(0, n - 1)}…`);

const ICON: Record<string, string> = { CRITICAL: ':rotating_light:', WARNING: ':warning:', INFO: ':information_source:' };
const KIND_ICON: Record<string, string> = { acknowledge: ':eyes:', resolve: ':white_check_mark:', comment: ':speech_balloon:', event: ':bell:' };

/** `<!date^…>` renders in each reader's time zone; the ISO text is the fallback. */
const slackDate = (ms: number): string => `<!date^${Math.floor(ms / 1000)}^{date_short_pretty} {time}|${new Date(ms).toISOString()}>`;

/** Slack Block Kit blocks (a subset: header, section, actions, context). */
export type SlackBlock = Record<string, unknown>;

/**
 * The Block Kit message of a notification: severity, model, metrics with value against threshold
 * and affected groups, a button to the dashboard, and the delivery's idempotency key in the
 * footer (Slack's webhooks cannot drop repeats themselves; people and bots reading the channel can).
 * `text` is the fallback shown in notifications and by clients that render no blocks.
 */
export function slackMessage(n: Notification): { text: string; blocks: SlackBlock[] } {
  const icon = n.kind === 'trigger' ? (ICON[n.severity] ?? ':bell:') : (KIND_ICON[n.kind] ?? ':bell:');
  const text = `${icon} ${headline(n)}`;
  const blocks: SlackBlock[] = [{ type: 'header', text: { type: 'plain_text', text: clip(`${n.kind === 'trigger' ? n.severity : headline(n).split(':')[0]}: ${n.title}`, 150), emoji: true } }];

  const fields = [
    `*Severity*\n${n.severity}`,
    `*Model*\n${escapeMrkdwn(n.model_id ?? 'n/a')}`,
    n.incident_id ? `*Incident*\n${escapeMrkdwn(n.incident_id)}` : null,
    `*${n.kind === 'trigger' ? 'Started' : 'At'}*\n${slackDate(n.kind === 'trigger' ? n.started_at : n.occurred_at)}`,
  ].filter((f): f is string => f !== null);
  blocks.push({ type: 'section', fields: fields.map((f) => ({ type: 'mrkdwn', text: f })) });

  if (n.kind === 'trigger' && n.message) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: clip(escapeMrkdwn(n.message), 2900) } });
  if (n.kind !== 'trigger') {
    const lines = [statusLine(n), n.actor ? `By ${n.actor}` : null, n.notes ? `Notes: ${n.notes}` : null].filter((l): l is string => l !== null);
    if (lines.length) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: clip(escapeMrkdwn(lines.join('\n')), 2900) } });
  }
  if (n.metrics.length) {
    const shown = n.metrics.slice(0, 10).map((m) => {
      const groups = affectedGroups(m);
      return `• *${escapeMrkdwn(m.name)}*: ${formatValue(m.value)}${m.threshold !== null ? ` (threshold ${formatValue(m.threshold)})` : ''}${groups ? ` — ${escapeMrkdwn(groups)}` : ''}`;
    });
    if (n.metrics.length > 10) shown.push(`…and ${n.metrics.length - 10} more`);
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: clip(`*Metrics*\n${shown.join('\n')}`, 2900) } });
  }
  const link = primaryLink(n);
  if (link) {
    blocks.push({
      type: 'actions',
      elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open in driftwatch' }, url: clip(link, 3000), ...(n.kind === 'trigger' && n.severity === 'CRITICAL' ? { style: 'danger' } : {}) }],
    });
  }
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: escapeMrkdwn(`driftwatch · ${n.kind} · ${n.idempotency_key}`) }] });
  return { text: clip(text, 3000), blocks };
}
