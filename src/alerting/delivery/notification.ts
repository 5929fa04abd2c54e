import type { DeliveryKind, DeliverySubject, OutboxDelivery } from '../../store/delivery-store.js';

export type NotificationSeverity = 'CRITICAL' | 'WARNING' | 'INFO';

/** One metric as a notification shows it: its value against the threshold it was judged by. */
export interface NotificationMetric {
  name: string;
  value: number | null;
  threshold: number | null;
  severity: NotificationSeverity | null;
  affected_groups: string[];
}

/**
 * What a channel renders: an outbox row's payload (the snapshot the alerting pipeline wrote with
 * it, see src/alerting/outbox.ts) read defensively, with what the payload lacks taken from the
 * stored alert and incident. Channels see only this, never the raw payload.
 */
export interface Notification {
  kind: DeliveryKind;
  delivery_id: string;
  /** unique per delivery: receivers drop repeats by it */
  idempotency_key: string;
  sequence: number;
  /** stable per incident (the alert when it has none): PagerDuty's dedup_key */
  dedup_key: string;
  alert_id: string | null;
  incident_id: string | null;
  severity: NotificationSeverity;
  title: string;
  message: string;
  model_id: string | null;
  component: string | null;
  /** rule | external | alertmanager */
  source: string | null;
  incident_status: string | null;
  /** the alert's metric first, then the incident's other triggered metrics */
  metrics: NotificationMetric[];
  /** who acknowledged, resolved or commented */
  actor: string | null;
  notes: string | null;
  /** when the alert (or incident) began */
  started_at: number;
  /** when this event was written to the outbox */
  occurred_at: number;
  /** absolute dashboard URLs */
  links: { alert: string | null; incident: string | null };
  /** an `event` delivery's own type and data (e.g. `retrain.recommended`), absent for alert notices */
  event?: { type: string; data: Record<string, unknown> };
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const numOrNull = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const severity = (v: unknown): NotificationSeverity | null => (v === 'CRITICAL' || v === 'WARNING' || v === 'INFO' ? v : null);
function time(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string') {
    const t = Date.parse(v);
    return Number.isFinite(t) ? t : null;
  }
  return null;
}

const KINDS: readonly DeliveryKind[] = ['trigger', 'acknowledge', 'resolve', 'comment', 'event'];

function metricOf(m: Obj, nameKey: 'metric_name' | 'name', valueKey: 'metric_value' | 'value'): NotificationMetric | null {
  const name = str(m[nameKey]);
  if (!name) return null;
  return { name, value: numOrNull(m[valueKey]), threshold: numOrNull(m.threshold), severity: severity(m.severity), affected_groups: strings(m.affected_groups) };
}

/** Join a path (`/alerts/ALT-1`) to the dashboard's base URL. */
export function dashboardLink(publicUrl: string, path: string | null): string | null {
  if (path === null) return null;
  if (/^https?:\/\//.test(path)) return path;
  return `${publicUrl.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

/**
 * Build the notification of a delivery. `subject` is the stored alert and incident, consulted for
 * whatever the payload's snapshot does not carry (a payload always wins: it says what was true
 * when the event happened).
 */
export function toNotification(d: OutboxDelivery, subject: DeliverySubject, publicUrl: string): Notification {
  const p = d.payload;
  const alert: Obj = { ...(subject.alert ?? {}), ...(isObj(p.alert) ? p.alert : {}) };
  const incident: Obj = { ...(subject.incident ?? {}), ...(isObj(p.incident) ? p.incident : {}) };
  const hasAlert = Object.keys(alert).length > 0;
  const kind = KINDS.includes(p.kind as DeliveryKind) ? (p.kind as DeliveryKind) : d.kind;

  const metrics: NotificationMetric[] = [];
  const own = hasAlert ? metricOf(alert, 'metric_name', 'metric_value') : null;
  if (own) metrics.push(own);
  if (Array.isArray(incident.metrics_triggered)) {
    for (const m of incident.metrics_triggered) {
      const nm = isObj(m) ? metricOf(m, 'metric_name', 'value') : null;
      if (nm && !metrics.some((x) => x.name === nm.name)) metrics.push(nm);
    }
  }

  const links = isObj(p.links) ? p.links : {};
  const alertId = d.alert_id ?? str(alert.alert_id);
  const incidentId = d.incident_id ?? str(incident.incident_id);
  const title = str(alert.title) ?? str(incident.title) ?? str(p.title) ?? (own ? `${own.name} on ${str(alert.model_id) ?? 'unknown model'}` : `Alert ${alertId ?? incidentId ?? d.delivery_id}`);
  return {
    kind,
    delivery_id: d.delivery_id,
    idempotency_key: d.idempotency_key,
    sequence: d.sequence,
    dedup_key: str(p.dedup_key) ?? incidentId ?? alertId ?? d.idempotency_key,
    alert_id: alertId,
    incident_id: incidentId,
    severity: severity(alert.severity) ?? severity(incident.severity) ?? severity(p.severity) ?? 'WARNING',
    title,
    message: str(alert.message) ?? str(p.message) ?? '',
    model_id: str(alert.model_id) ?? str(incident.model_id) ?? str(p.model_id),
    component: str(alert.component) ?? str(incident.component),
    source: str(alert.source),
    incident_status: str(incident.status),
    metrics,
    actor: str(p.actor),
    notes: str(p.notes),
    started_at: time(alert.created_at) ?? time(incident.created_at) ?? d.created_at,
    occurred_at: d.created_at,
    links: {
      alert: dashboardLink(publicUrl, str(links.alert) ?? (alertId ? `/alerts/${alertId}` : null)),
      incident: dashboardLink(publicUrl, str(links.incident) ?? (incidentId ? `/incidents/${incidentId}` : null)),
    },
    ...(kind === 'event' && str(p.event) ? { event: { type: str(p.event)!, data: isObj(p.data) ? p.data : {} } } : {}),
  };
}
