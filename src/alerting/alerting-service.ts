import { DEFAULT_THRESHOLDS, mergeThresholds } from '../analysis/thresholds.js';
import type { Finding } from '../analysis/types.js';
import type { Model } from '../domain/model-schema.js';
import { AppError } from '../errors/catalog.js';
import type { MonitoringRecordRow } from '../store/monitoring-store.js';
import type { Store } from '../store/store.js';
import { type CandidateOutcome, decisionRow, processCandidate, type RecordContext } from './alert-recorder.js';
import type { AlertingConfig } from './alerting-config.js';
import { defaultRules } from './default-rules.js';
import { type Evaluation, evaluateRules, stateKey } from './evaluate-rules.js';
import { resolveAlert, resolveWithNotices } from './incident-actions.js';
import { observeIncident, observer } from './incident-clearing.js';
import type { Alert, AlertCandidate, Incident, ObservedFinding, Severity } from './types.js';

/** Where alerting reports its decisions (pino's levels). */
export type AlertingLog = (level: 'info' | 'warn' | 'error', msg: string, extra?: Record<string, unknown>) => void;

/** Told about each alert recorded, after its transaction committed (metrics). Must not throw. */
export type AlertListener = (alert: Alert) => void;

export interface EvaluationResult {
  outcomes: CandidateOutcome[];
  /** candidates another rule spoke for */
  inhibited: number;
  /** incidents resolved because every condition stayed clear */
  resolved: Incident[];
}

const findingsOf = (record: MonitoringRecordRow): ObservedFinding[] => ((record.body.findings ?? []) as Finding[]).filter((f) => f && typeof f.metric === 'string');

/**
 * Turns monitoring records, self-monitoring measurements and external alerts into alerts,
 * incidents and outbox rows. Each evaluation is one transaction under the model's alerting
 * lock: rule state, decisions, alerts, incidents and outbox rows commit together, so `for`,
 * cooldown and dedup hold across restarts and concurrent analyses never make twins.
 */
export class AlertingService {
  constructor(
    private readonly store: Store,
    readonly config: AlertingConfig,
    private readonly clock: () => number = Date.now,
    private readonly log: AlertingLog = () => undefined,
  ) {}

  private readonly listeners: AlertListener[] = [];

  /** Be told about every alert recorded from now on (e.g. `metrics.alerting.alertCreated`). */
  onAlert(listener: AlertListener): void {
    this.listeners.push(listener);
  }

  /** Store the built-in rules this store does not have yet (never overwrites a changed one). */
  async init(): Promise<string[]> {
    return this.store.alerting.insertMissingRules(defaultRules(this.clock()));
  }

  /** The severity at which a model's alerts open incidents (its thresholds' `incident_severity`). */
  async incidentSeverityOf(modelId: string | null, model?: Model): Promise<Severity> {
    const m = model ?? (modelId ? await this.store.getModel(modelId) : null);
    return m ? mergeThresholds(m.settings.thresholds).incident_severity : DEFAULT_THRESHOLDS.incident_severity;
  }

  /** The MonitoringService listener: judge a stored record's findings. */
  async onRecord(record: MonitoringRecordRow, model: Model): Promise<EvaluationResult> {
    const ev: Evaluation = {
      model_id: record.model_id,
      kind: 'record',
      record_id: record.record_id,
      record_status: record.status,
      findings: findingsOf(record),
      period: { start: record.period_start, end: record.period_end },
    };
    return this.evaluate(ev, await this.incidentSeverityOf(record.model_id, model));
  }

  /** Judge one evaluation of a model against the rules, record what passes, and let clear conditions resolve incidents. */
  async evaluate(ev: Evaluation, incidentSeverity: Severity): Promise<EvaluationResult> {
    const result = await this.store.transaction(async (tx) => {
      const a = tx.alerting;
      await a.lock([ev.model_id]);
      const now = this.clock();
      const previous = new Map((await a.ruleStates(ev.model_id)).map((s) => [stateKey(s.rule_id, s.metric), s]));
      const judged = evaluateRules(await a.listRules(), previous, ev, now);
      const states = new Map(judged.states.map((s) => [stateKey(s.rule_id, s.metric), s]));
      const inhibited = judged.inhibited.map((i) => decisionRow(i.candidate, 'inhibited', i.reason, now));
      await a.insertDecisions(inhibited);
      const ctx: RecordContext = { now, config: this.config, incidentSeverity, silences: judged.candidates.length ? await a.unexpiredSilences(now) : [] };
      const outcomes: CandidateOutcome[] = [];
      for (const { rule, candidate } of judged.candidates) {
        const state = states.get(stateKey(rule.rule_id, candidate.metric))!;
        const outcome = await processCandidate(a, candidate, { rule, state: previous.get(stateKey(rule.rule_id, candidate.metric)) ?? null }, ctx);
        if (outcome.decision === 'recorded') state.last_fired_at = now;
        outcomes.push(outcome);
      }
      if (judged.states.length) await a.saveRuleStates(judged.states);

      const observe = observer(ev, judged.breaching);
      const resolved: Incident[] = [];
      for (const incident of await a.activeIncidentsOf(ev.model_id)) {
        const seen = observeIncident(incident, observe, this.config.auto_resolve_after, now);
        if (!seen.changed) continue;
        if (!seen.resolve) await a.updateIncident(seen.incident);
        else resolved.push(await resolveWithNotices(a, seen.incident, 'driftwatch', `every condition clear for ${this.config.auto_resolve_after} analyses`, now, true));
      }
      return { outcomes, inhibited: inhibited.length, resolved, inhibitedRows: inhibited };
    });
    for (const d of result.inhibitedRows) this.log('info', 'alert inhibited', { evaluation: ev.kind, record_id: ev.record_id, decision: d.decision, reason: d.reason, model_id: d.model_id, rule_id: d.rule_id, metric: d.metric, severity: d.severity });
    this.report(result.outcomes, { evaluation: ev.kind, record_id: ev.record_id });
    for (const i of result.resolved) this.log('info', 'incident resolved: conditions clear', { incident_id: i.incident_id, model_id: i.model_id });
    return { outcomes: result.outcomes, inhibited: result.inhibited, resolved: result.resolved };
  }

  /**
   * External alerts (POST /alerts/trigger, Alertmanager's firing alerts) through the same
   * pipeline. An incident the producer names must exist (404 otherwise).
   */
  async submit(candidates: AlertCandidate[]): Promise<CandidateOutcome[]> {
    const severities = new Map<string, Severity>();
    for (const c of candidates) if (!severities.has(c.model_id ?? '')) severities.set(c.model_id ?? '', await this.incidentSeverityOf(c.model_id));
    const outcomes = await this.store.transaction(async (tx) => {
      const a = tx.alerting;
      const keys = new Set(candidates.map((c) => c.model_id ?? '-'));
      for (const c of candidates) {
        if (!c.incident_id) continue;
        const named = await a.getIncident(c.incident_id);
        if (!named) throw new AppError('not_found', `no incident "${c.incident_id}"`, { incident_id: c.incident_id });
        keys.add(named.model_id ?? '-');
      }
      await a.lock([...keys]);
      const now = this.clock();
      const silences = await a.unexpiredSilences(now);
      const out: CandidateOutcome[] = [];
      for (const c of candidates) {
        out.push(await processCandidate(a, c, null, { now, config: this.config, silences, incidentSeverity: severities.get(c.model_id ?? '')! }));
      }
      return out;
    });
    this.report(outcomes, { evaluation: 'external' });
    return outcomes;
  }

  /** Alertmanager says an alert is over: resolve the unresolved alerts with its fingerprint (and their incidents when every condition has cleared). */
  async resolveFingerprint(fingerprint: string, by: string): Promise<{ alerts: string[]; incidents: string[] }> {
    const models = new Set((await this.store.alerting.unresolvedAlertsByFingerprint(fingerprint)).map((x) => x.model_id ?? '-'));
    if (models.size === 0) return { alerts: [], incidents: [] };
    return this.store.transaction(async (tx) => {
      const a = tx.alerting;
      await a.lock([...models]);
      const now = this.clock();
      const out = { alerts: [] as string[], incidents: [] as string[] };
      for (const alert of await a.unresolvedAlertsByFingerprint(fingerprint)) {
        const r = await resolveAlert(a, alert, by, now);
        out.alerts.push(alert.alert_id);
        if (r.incident?.status === 'resolved') out.incidents.push(r.incident.incident_id);
      }
      return out;
    });
  }

  private report(outcomes: CandidateOutcome[], extra: Record<string, unknown>): void {
    for (const o of outcomes) {
      if (o.alert) for (const l of this.listeners) l(o.alert);
      this.log('info', `alert ${o.decision}`, {
        ...extra,
        decision: o.decision,
        reason: o.reason,
        model_id: o.candidate.model_id,
        rule_id: o.candidate.rule_id,
        metric: o.candidate.metric,
        severity: o.candidate.severity,
        ...(o.alert ? { alert_id: o.alert.alert_id, incident_id: o.alert.incident_id } : {}),
      });
    }
  }
}
