import { createHash } from 'node:crypto';
import type { Notification } from '../../delivery/notification.js';
import { affectedGroups, formatValue, headline, plainText, primaryLink, statusLine, subjectTag } from '../notification-text.js';

const escapeHtml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
const hash = (s: string): string => createHash('sha256').update(s).digest('hex').slice(0, 32);
/** Subject lines are one line: a title with a newline would forge a header. */
const oneLine = (s: string): string => s.replace(/[\r\n\t]+/g, ' ').trim();

const COLOR: Record<string, string> = { CRITICAL: '#b42318', WARNING: '#b54708', INFO: '#175cd3' };
const KIND_COLOR: Record<string, string> = { acknowledge: '#b54708', resolve: '#067647' };

/** `[CRITICAL] Data drift on income — model loan-approval` (`[RESOLVED] …` for a resolution). */
export function emailSubject(n: Notification): string {
  return oneLine(`[${subjectTag(n)}] ${n.title}${n.model_id ? ` — model ${n.model_id}` : ''}`).slice(0, 250);
}

/**
 * Message-ID derived from the idempotency key: the same delivery sent twice (a crash between the
 * SMTP server's OK and our record of it) carries the same Message-ID, which mail stores and
 * clients use to drop the copy. References ties every mail of an incident into one thread.
 */
export function emailIds(n: Notification, domain: string): { messageId: string; references: string } {
  return { messageId: `<dw.${hash(n.idempotency_key)}@${domain}>`, references: `<dw.thread.${hash(n.dedup_key)}@${domain}>` };
}

/** The HTML part: a table-based layout with inline styles, as mail clients need. */
export function emailHtml(n: Notification): string {
  const color = n.kind === 'trigger' ? (COLOR[n.severity] ?? '#344054') : (KIND_COLOR[n.kind] ?? '#344054');
  const rows = n.metrics
    .map(
      (m) =>
        `<tr><td style="padding:4px 8px;border-bottom:1px solid #eaecf0;font-family:monospace">${escapeHtml(m.name)}</td>` +
        `<td style="padding:4px 8px;border-bottom:1px solid #eaecf0;text-align:right">${escapeHtml(formatValue(m.value))}</td>` +
        `<td style="padding:4px 8px;border-bottom:1px solid #eaecf0;text-align:right">${escapeHtml(formatValue(m.threshold))}</td>` +
        `<td style="padding:4px 8px;border-bottom:1px solid #eaecf0">${escapeHtml(affectedGroups(m).replace(/^affected: /, ''))}</td></tr>`,
    )
    .join('');
  const link = primaryLink(n);
  const status = statusLine(n);
  const parts = [
    `<div style="font-family:Arial,Helvetica,sans-serif;color:#101828;max-width:640px">`,
    `<div style="background:${color};color:#fff;padding:12px 16px;font-size:16px;font-weight:bold">${escapeHtml(headline(n))}</div>`,
    `<div style="padding:12px 16px">`,
    `<p style="margin:0 0 8px"><b>Severity:</b> ${escapeHtml(n.severity)} &nbsp; <b>Model:</b> ${escapeHtml(n.model_id ?? 'n/a')}` +
      `${n.incident_id ? ` &nbsp; <b>Incident:</b> ${escapeHtml(n.incident_id)}` : ''}</p>`,
    n.kind === 'trigger' && n.message ? `<p style="margin:0 0 8px">${escapeHtml(n.message)}</p>` : '',
    status ? `<p style="margin:0 0 8px"><b>${escapeHtml(status)}</b>${n.actor ? ` (by ${escapeHtml(n.actor)})` : ''}</p>` : '',
    n.notes ? `<p style="margin:0 0 8px"><b>Notes:</b> ${escapeHtml(n.notes)}</p>` : '',
    rows
      ? `<table style="border-collapse:collapse;margin:8px 0;font-size:14px"><tr><th style="text-align:left;padding:4px 8px">Metric</th><th style="text-align:right;padding:4px 8px">Value</th><th style="text-align:right;padding:4px 8px">Threshold</th><th style="text-align:left;padding:4px 8px">Affected groups</th></tr>${rows}</table>`
      : '',
    link ? `<p style="margin:12px 0"><a href="${escapeHtml(link)}" style="background:#1d2939;color:#fff;padding:8px 12px;text-decoration:none">Open in driftwatch</a></p>` : '',
    `<p style="margin:12px 0 0;color:#667085;font-size:12px">Started ${escapeHtml(new Date(n.started_at).toISOString())} · delivery ${escapeHtml(n.idempotency_key)}</p>`,
    `</div></div>`,
  ];
  return parts.filter(Boolean).join('\n');
}

/** Everything of the mail but the envelope. */
export function emailContent(n: Notification, domain: string) {
  const ids = emailIds(n, domain);
  return {
    subject: emailSubject(n),
    text: plainText(n),
    html: emailHtml(n),
    messageId: ids.messageId,
    references: ids.references,
    inReplyTo: n.kind === 'trigger' ? undefined : ids.references,
    headers: { 'X-Driftwatch-Idempotency-Key': n.idempotency_key, 'X-Driftwatch-Event': n.kind },
  };
}
