import { type AlertCandidate, type Incident, type ResponseAction, type TriggeredMetric, maxSeverity } from './types.js';

/**
 * Incidents as pure transitions: open → investigating (acknowledged) → resolved, and back to
 * open when the condition returns soon after. Every function returns a new incident.
 */

/** At most one open or investigating incident exists per model and component. */
export const conditionKey = (modelId: string | null, component: string): string => `${modelId ?? '-'}|${component}`;

export const isActive = (i: Incident): boolean => i.status !== 'resolved';

/** What a recorded alert does to the incidents of its condition. */
export type IncidentPlan = { kind: 'none' } | { kind: 'link'; incident: Incident } | { kind: 'reopen'; incident: Incident } | { kind: 'open' };

/**
 * An alert joins the incident its producer named, else the active incident of its condition.
 * Without one, an alert severe enough to open incidents reopens the condition's incident
 * resolved within the reopen window, or opens a new one; a milder alert stays on its own.
 */
export function planIncident(found: { named: Incident | null; active: Incident | null; recentlyResolved: Incident | null }, opensIncidents: boolean): IncidentPlan {
  if (found.named) return isActive(found.named) ? { kind: 'link', incident: found.named } : { kind: 'reopen', incident: found.named };
  if (found.active) return { kind: 'link', incident: found.active };
  if (!opensIncidents) return { kind: 'none' };
  if (found.recentlyResolved) return { kind: 'reopen', incident: found.recentlyResolved };
  return { kind: 'open' };
}

function triggered(c: AlertCandidate, now: number): TriggeredMetric {
  return {
    metric_name: c.metric,
    value: c.value,
    threshold: c.threshold,
    severity: c.severity,
    affected_groups: c.affected_groups,
    source: c.source,
    first_seen: now,
    last_seen: now,
    clear_count: 0,
    cleared: false,
  };
}

const push = (i: Incident, action: ResponseAction): ResponseAction[] => [...i.response_actions, action];

/** A new incident opened by an alert. */
export function openIncident(incidentId: string, c: AlertCandidate, alertId: string, now: number): Incident {
  const subject = c.model_id ? `${c.model_id}` : c.component;
  return {
    incident_id: incidentId,
    model_id: c.model_id,
    component: c.component,
    condition_key: conditionKey(c.model_id, c.component),
    title: `${c.severity} ${c.component === 'model' ? 'drift' : c.component} incident: ${subject}`,
    severity: c.severity,
    status: 'open',
    created_at: now,
    updated_at: now,
    acknowledged_at: null,
    resolved_at: null,
    monitoring_record_id: c.monitoring_record_id,
    period_start: c.period?.start ?? null,
    period_end: c.period?.end ?? null,
    clear_count: 0,
    metrics_triggered: [triggered(c, now)],
    alert_ids: [alertId],
    response_actions: [
      { action: 'opened', taken_by: 'driftwatch', taken_at: now, alert_id: alertId, metric: c.metric, automatic: true, notes: c.title },
    ],
    resolved_by: null,
    resolution_notes: null,
  };
}

/** An alert joins an incident (reopening it when it was resolved): its metric is updated or added, the severity can only rise. */
export function attachAlert(i: Incident, c: AlertCandidate, alertId: string, now: number): Incident {
  const reopening = i.status === 'resolved';
  const existing = i.metrics_triggered.find((m) => m.metric_name === c.metric);
  const metrics = existing
    ? i.metrics_triggered.map((m) =>
        m === existing ? { ...m, value: c.value, threshold: c.threshold, severity: maxSeverity(m.severity, c.severity), affected_groups: c.affected_groups, last_seen: now, clear_count: 0, cleared: false } : m,
      )
    : [...i.metrics_triggered, triggered(c, now)];
  const actions = reopening ? push(i, { action: 'reopened', taken_by: 'driftwatch', taken_at: now, alert_id: alertId, metric: c.metric, automatic: true }) : i.response_actions;
  return {
    ...i,
    status: reopening ? 'open' : i.status,
    resolved_at: reopening ? null : i.resolved_at,
    resolved_by: reopening ? null : i.resolved_by,
    resolution_notes: reopening ? null : i.resolution_notes,
    severity: maxSeverity(i.severity, c.severity),
    updated_at: now,
    monitoring_record_id: c.monitoring_record_id ?? i.monitoring_record_id,
    clear_count: 0,
    metrics_triggered: metrics,
    alert_ids: i.alert_ids.includes(alertId) ? i.alert_ids : [...i.alert_ids, alertId],
    response_actions: [...actions, { action: 'alert', taken_by: 'driftwatch', taken_at: now, alert_id: alertId, metric: c.metric, automatic: true, notes: c.title }],
  };
}

/** Someone acknowledged one of its alerts: an open incident is now being investigated. */
export function acknowledgeIncident(i: Incident, by: string, notes: string | null, alertId: string, now: number): Incident {
  return {
    ...i,
    status: i.status === 'open' ? 'investigating' : i.status,
    acknowledged_at: i.acknowledged_at ?? now,
    updated_at: now,
    response_actions: push(i, { action: 'acknowledged', taken_by: by, taken_at: now, alert_id: alertId, ...(notes ? { notes } : {}) }),
  };
}

export function resolveIncident(i: Incident, by: string, notes: string | null, now: number, automatic: boolean): Incident {
  return {
    ...i,
    status: 'resolved',
    resolved_at: now,
    resolved_by: by,
    resolution_notes: notes,
    updated_at: now,
    response_actions: push(i, { action: 'resolved', taken_by: by, taken_at: now, automatic, ...(notes ? { notes } : {}) }),
  };
}

export function commentOnIncident(i: Incident, author: string, text: string, now: number): Incident {
  return { ...i, updated_at: now, response_actions: push(i, { action: 'comment', taken_by: author, taken_at: now, notes: text }) };
}
