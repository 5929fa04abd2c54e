import { newAlertId, newId, newIncidentId } from './ids.js';
import type { AlertingStore } from '../store/alerting-store.js';
import type { AlertingConfig } from './alerting-config.js';
import { attachAlert, conditionKey, openIncident, planIncident } from './incident-lifecycle.js';
import { outboxRows, scopeOf } from './outbox.js';
import { runStages } from './pipeline/run-stages.js';
import type { PipelineState } from './pipeline/types.js';
import { type Alert, type AlertCandidate, type AlertDecision, type AlertRule, type DecisionKind, type Incident, type RuleState, type Severity, type Silence, severityRank } from './types.js';

/** What recording needs besides the candidate; `now` is the one clock reading of the transaction. */
export interface RecordContext {
  now: number;
  config: AlertingConfig;
  /** alerts at or above this severity open incidents (the model's `incident_severity`) */
  incidentSeverity: Severity;
  /** unexpired silences, read once per transaction */
  silences: readonly Silence[];
}

/** What happened to a candidate. */
export interface CandidateOutcome {
  decision: DecisionKind;
  reason: string;
  candidate: AlertCandidate;
  alert?: Alert;
  incident?: Incident;
}


export function decisionRow(c: AlertCandidate, decision: DecisionKind, reason: string, now: number, alertId: string | null = null): AlertDecision {
  return { id: newId('DEC', now), at: now, model_id: c.model_id, rule_id: c.rule_id, metric: c.metric, severity: c.severity, decision, reason, alert_id: alertId };
}

/** The newest unresolved alert a candidate would duplicate: by Alertmanager fingerprint when it has one, else by model, metric and severity. */
async function recentAlert(a: AlertingStore, c: AlertCandidate, since: number): Promise<Alert | null> {
  if (c.fingerprint) {
    const same = (await a.unresolvedAlertsByFingerprint(c.fingerprint)).filter((x) => x.created_at >= since);
    return same.length ? same[same.length - 1] : null;
  }
  return a.latestUnresolvedAlert(c.model_id, c.metric, c.severity, since);
}

function alertOf(c: AlertCandidate, alertId: string, incidentId: string | null, now: number): Alert {
  return {
    alert_id: alertId,
    incident_id: incidentId,
    model_id: c.model_id,
    rule_id: c.rule_id,
    metric_name: c.metric,
    metric_value: c.value,
    threshold: c.threshold,
    severity: c.severity,
    status: 'pending',
    source: c.source,
    component: c.component,
    title: c.title,
    message: c.message,
    created_at: now,
    acknowledged: false,
    acknowledged_by: null,
    acknowledged_at: null,
    acknowledgment_notes: null,
    resolved_at: null,
    fingerprint: c.fingerprint ?? null,
    channels_notified: [],
    labels: c.labels,
    affected_groups: c.affected_groups,
    monitoring_record_id: c.monitoring_record_id,
  };
}

/**
 * Put one candidate through silence → dedup → cooldown and, when it passes, record it: the
 * alert (`pending`), its incident (opened, linked or reopened), one `trigger` outbox row per
 * channel and the decision. Call inside the transaction that holds the model's alerting lock:
 * all of it commits together or not at all.
 */
export async function processCandidate(a: AlertingStore, c: AlertCandidate, rule: { rule: AlertRule; state: RuleState | null } | null, ctx: RecordContext): Promise<CandidateOutcome> {
  const { now, config } = ctx;
  const state: PipelineState = {
    silences: ctx.silences,
    recentAlert: await recentAlert(a, c, now - config.dedup_window_ms),
    dedupWindowMs: config.dedup_window_ms,
    ruleState: rule?.state ?? null,
    cooldownMs: rule ? rule.rule.cooldown_ms : null,
  };
  const result = runStages(c, state, now);
  if (result.decision !== 'pass') {
    await a.insertDecisions([decisionRow(c, result.decision, result.reason, now)]);
    return { decision: result.decision, reason: result.reason, candidate: c };
  }

  const alertId = newAlertId(now);
  const named = c.incident_id ? await a.getIncident(c.incident_id) : null;
  const key = conditionKey(c.model_id, c.component);
  const active = named ? null : await a.activeIncident(key);
  const opens = severityRank(c.severity) >= severityRank(ctx.incidentSeverity);
  const recentlyResolved = !named && !active && opens ? await a.recentlyResolvedIncident(key, now - config.reopen_window_ms) : null;
  const plan = planIncident({ named, active, recentlyResolved }, opens);

  let incident: Incident | null = null;
  if (plan.kind === 'open') {
    incident = openIncident(newIncidentId(now), c, alertId, now);
    await a.insertIncident(incident);
  } else if (plan.kind !== 'none') {
    incident = attachAlert(plan.incident, c, alertId, now);
    await a.updateIncident(incident);
  }
  const alert = alertOf(c, alertId, incident?.incident_id ?? null, now);
  await a.insertAlert(alert);

  const channels = c.channels.length ? c.channels : config.default_channels;
  const sequence = (await a.lastSequence(scopeOf({ alert, incident }))) + 1;
  await a.insertDeliveries(outboxRows({ kind: 'trigger', alert, incident }, channels, sequence, now));

  const what = plan.kind === 'open' ? `opened ${incident!.incident_id}` : plan.kind === 'none' ? 'no incident' : `${plan.kind === 'reopen' ? 'reopened' : 'linked to'} ${incident!.incident_id}`;
  const reason = `${result.reason}; ${what}; ${channels.length} channel(s): ${channels.join(', ')}`;
  await a.insertDecisions([decisionRow(c, 'recorded', reason, now, alertId)]);
  return { decision: 'recorded', reason, candidate: c, alert, incident: incident ?? undefined };
}
