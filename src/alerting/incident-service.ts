import { AppError } from '../errors/catalog.js';
import type { Actor, AuditLog } from '../observability/audit.js';
import type { Store } from '../store/store.js';
import { acknowledgeWithNotices, resolveWithNotices } from './incident-actions.js';
import { commentOnIncident, isActive } from './incident-lifecycle.js';
import type { Alert, Incident } from './types.js';

const ALERT_ID = /^ALT-\d{4}-[0-9A-Z]{26}$/;
const INCIDENT_ID = /^INC-\d{4}-[0-9A-Z]{26}$/;

/** Incidents and alerts as people handle them: acknowledge, resolve, comment. One transaction each, audited inside it. */
export class IncidentService {
  constructor(
    private readonly store: Store,
    private readonly audit: AuditLog,
    private readonly clock: () => number = Date.now,
  ) {}

  async getAlert(alertId: string): Promise<Alert> {
    const alert = ALERT_ID.test(alertId) ? await this.store.alerting.getAlert(alertId) : null;
    if (!alert) throw new AppError('not_found', `no alert "${alertId.slice(0, 64)}"`);
    return alert;
  }

  async getIncident(incidentId: string): Promise<Incident> {
    const incident = INCIDENT_ID.test(incidentId) ? await this.store.alerting.getIncident(incidentId) : null;
    if (!incident) throw new AppError('not_found', `no incident "${incidentId.slice(0, 64)}"`);
    return incident;
  }

  /**
   * Acknowledge an alert: in ONE transaction the alert becomes acknowledged, its incident
   * investigating (with a response action), `acknowledge` outbox rows go to the channels that
   * took its trigger, and the audit entry is written. Acknowledging again changes nothing.
   */
  async acknowledge(alertId: string, by: string, notes: string | null, actor: Actor): Promise<{ alert: Alert; incident: Incident | null; already: boolean }> {
    const found = await this.getAlert(alertId);
    return this.store.transaction(async (tx) => {
      const a = tx.alerting;
      await a.lock([found.model_id ?? '-']);
      const alert = (await a.getAlert(alertId))!; // read again under the lock: a concurrent acknowledgment may have won
      if (alert.acknowledged) return { alert, incident: alert.incident_id ? await a.getIncident(alert.incident_id) : null, already: true };
      const done = (await acknowledgeWithNotices(a, alert, by, notes, this.clock()))!;
      await this.audit.record(actor, { action: 'alert.acknowledge', target_type: 'alert', target_id: alertId, details: { acknowledged_by: by, notes, incident_id: alert.incident_id } }, tx);
      return { ...done, already: false };
    });
  }

  /** Resolve an incident by hand (resolve rows for every channel that took a trigger). Resolving a resolved incident changes nothing. */
  async resolve(incidentId: string, by: string, notes: string | null, actor: Actor): Promise<{ incident: Incident; already: boolean }> {
    const found = await this.getIncident(incidentId);
    return this.store.transaction(async (tx) => {
      const a = tx.alerting;
      await a.lock([found.model_id ?? '-']);
      const incident = (await a.getIncident(incidentId))!;
      if (!isActive(incident)) return { incident, already: true };
      const resolved = await resolveWithNotices(a, incident, by, notes, this.clock(), false);
      await this.audit.record(actor, { action: 'incident.resolve', target_type: 'incident', target_id: incidentId, details: { resolved_by: by, notes } }, tx);
      return { incident: resolved, already: false };
    });
  }

  async comment(incidentId: string, author: string, text: string, actor: Actor): Promise<Incident> {
    const found = await this.getIncident(incidentId);
    return this.store.transaction(async (tx) => {
      const a = tx.alerting;
      await a.lock([found.model_id ?? '-']);
      const incident = commentOnIncident((await a.getIncident(incidentId))!, author, text, this.clock());
      await a.updateIncident(incident);
      await this.audit.record(actor, { action: 'incident.comment', target_type: 'incident', target_id: incidentId, details: { author, text } }, tx);
      return incident;
    });
  }
}
