import type { AlertingStore } from '../store/alerting-store.js';
import { allCleared, clearMetric } from './incident-clearing.js';
import { acknowledgeIncident, isActive, resolveIncident } from './incident-lifecycle.js';
import { notifiedChannels, type OutboxEvent, outboxRows, scopeOf } from './outbox.js';
import type { Alert, Incident } from './types.js';

/**
 * State changes that also tell the channels, written in the caller's transaction: the change and
 * its outbox rows commit together.
 */

/** Outbox rows for an event, to the channels that took the trigger of the alert (or of any alert of the incident). */
async function notify(a: AlertingStore, event: OutboxEvent, channelsFrom: { alert_id: string } | { incident_id: string }, alerts: Alert[], now: number): Promise<number> {
  const channels = notifiedChannels(await a.deliveriesOf(channelsFrom), alerts);
  if (channels.length === 0) return 0;
  const sequence = (await a.lastSequence(scopeOf(event))) + 1;
  const rows = outboxRows(event, channels, sequence, now);
  await a.insertDeliveries(rows);
  return rows.length;
}

/**
 * Resolve an incident: its unresolved alerts are resolved with it, and every channel that took
 * a trigger for it gets a `resolve` row, whatever silences match now (Alertmanager sends no
 * resolved notice for silenced alerts, which leaves pages open; we do).
 */
export async function resolveWithNotices(a: AlertingStore, incident: Incident, by: string, notes: string | null, now: number, automatic: boolean): Promise<Incident> {
  const resolved = resolveIncident(incident, by, notes, now, automatic);
  const alerts = await a.alertsOfIncident(incident.incident_id);
  for (const alert of alerts) if (alert.resolved_at === null) await a.updateAlert({ ...alert, status: 'resolved', resolved_at: now });
  await a.updateIncident(resolved);
  await notify(a, { kind: 'resolve', alert: null, incident: resolved, actor: by, notes }, { incident_id: incident.incident_id }, alerts, now);
  return resolved;
}

/**
 * Acknowledge an alert: the alert, its incident (now investigating, with a response action) and
 * `acknowledge` rows for the channels that took its trigger. Returns null when it already was
 * acknowledged (nothing is written twice).
 */
export async function acknowledgeWithNotices(a: AlertingStore, alert: Alert, by: string, notes: string | null, now: number): Promise<{ alert: Alert; incident: Incident | null } | null> {
  if (alert.acknowledged) return null;
  const acked: Alert = {
    ...alert,
    acknowledged: true,
    acknowledged_by: by,
    acknowledged_at: now,
    acknowledgment_notes: notes,
    status: alert.status === 'resolved' ? 'resolved' : 'acknowledged',
  };
  await a.updateAlert(acked);
  let incident = alert.incident_id ? await a.getIncident(alert.incident_id) : null;
  if (incident && isActive(incident)) {
    incident = acknowledgeIncident(incident, by, notes, alert.alert_id, now);
    await a.updateIncident(incident);
  }
  // a resolved alert's channels already heard the resolution: an acknowledgment would only confuse them
  if (alert.status !== 'resolved') await notify(a, { kind: 'acknowledge', alert: acked, incident, actor: by, notes }, { alert_id: alert.alert_id }, [alert], now);
  return { alert: acked, incident };
}

/**
 * An alert's condition is over (Alertmanager sent `resolved`): the alert is resolved; its
 * incident clears that metric and resolves when every metric has cleared. An alert without an
 * incident sends its own `resolve` rows.
 */
export async function resolveAlert(a: AlertingStore, alert: Alert, by: string, now: number): Promise<{ alert: Alert; incident: Incident | null }> {
  const resolved: Alert = { ...alert, status: 'resolved', resolved_at: now };
  await a.updateAlert(resolved);
  if (!alert.incident_id) {
    await notify(a, { kind: 'resolve', alert: resolved, incident: null, actor: by }, { alert_id: alert.alert_id }, [alert], now);
    return { alert: resolved, incident: null };
  }
  let incident = await a.getIncident(alert.incident_id);
  if (!incident || !isActive(incident)) return { alert: resolved, incident };
  const others = (await a.alertsOfIncident(incident.incident_id)).filter((x) => x.alert_id !== alert.alert_id && x.resolved_at === null && x.metric_name === alert.metric_name);
  if (others.length === 0) incident = clearMetric(incident, alert.metric_name, by, now);
  if (allCleared(incident)) incident = await resolveWithNotices(a, incident, by, `every condition cleared (${by})`, now, true);
  else await a.updateIncident(incident);
  return { alert: resolved, incident };
}
