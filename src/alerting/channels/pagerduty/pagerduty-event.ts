import type { Notification } from '../../delivery/notification.js';
import { headline, plainText, primaryLink } from '../notification-text.js';

/** PagerDuty's public Events API v2 endpoint. */
export const PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue';

const PD_SEVERITY: Record<string, string> = { CRITICAL: 'critical', WARNING: 'warning', INFO: 'info' };

/** The kinds PagerDuty has an event action for. */
export const PAGERDUTY_ACTIONS = new Set(['trigger', 'acknowledge', 'resolve']);

/**
 * An Events API v2 event. The dedup_key is the incident id (the alert's when there is none), so
 * a repeated trigger joins the open PagerDuty incident instead of paging twice, and acknowledge
 * and resolve find it. Our idempotency key rides in custom_details for whoever audits.
 */
export function pagerdutyEvent(n: Notification, routingKey: string): Record<string, unknown> {
  const base = { routing_key: routingKey, event_action: n.kind, dedup_key: n.dedup_key };
  if (n.kind !== 'trigger') return base;
  const link = primaryLink(n);
  return {
    ...base,
    payload: {
      summary: headline(n).slice(0, 1024),
      source: n.model_id ? `driftwatch/${n.model_id}` : 'driftwatch',
      severity: PD_SEVERITY[n.severity] ?? 'warning',
      timestamp: new Date(n.started_at).toISOString(),
      ...(n.model_id ? { component: n.model_id } : {}),
      ...(n.component ? { group: n.component } : {}),
      ...(n.metrics[0] ? { class: n.metrics[0].name } : {}),
      custom_details: {
        details: plainText(n),
        metrics: n.metrics,
        alert_id: n.alert_id,
        incident_id: n.incident_id,
        idempotency_key: n.idempotency_key,
      },
    },
    client: 'driftwatch',
    ...(link ? { client_url: link, links: [{ href: link, text: 'Open in driftwatch' }] } : {}),
  };
}
