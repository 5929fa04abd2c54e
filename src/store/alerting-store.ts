import { type Kysely, sql, type Transaction } from 'kysely';
import type { Alert, AlertDecision, AlertRule, AuditEntry, Delivery, Incident, RuleState, Severity, Silence } from '../alerting/types.js';
import { AppError } from '../errors/catalog.js';
import { type AlertQuery, type AlertStatistics, type AuditQuery, type DecisionQuery, type IncidentQuery, type TimeRange, before, pageOf } from './alerting-queries.js';
import { fromAlert, fromAudit, fromDelivery, fromIncident, fromRule, fromRuleState, fromSilence, toAlert, toAudit, toDecision, toDelivery, toIncident, toRule, toRuleState, toSilence } from './alerting-rows.js';
import type { DB } from './db-types.js';
import type { Page, PageRequest } from './store.js';

export type { AlertQuery, AlertStatistics, AuditQuery, DecisionQuery, IncidentQuery, TimeRange };

/**
 * Rules, rule state, incidents, alerts, silences, the delivery outbox, the decision log and the
 * audit trail. Reached as `store.alerting`; inside `store.transaction(tx => …)` use
 * `tx.alerting`, whose writes commit or roll back with the rest of the transaction.
 */
export interface AlertingStore {
  /**
   * Serialise alerting writes about these keys (model ids) until the transaction ends: PostgreSQL
   * takes advisory transaction locks; SQLite transactions are serial already. Call inside a transaction.
   */
  lock(keys: string[]): Promise<void>;

  listRules(): Promise<AlertRule[]>;
  getRule(ruleId: string): Promise<AlertRule | null>;
  /** Throws AppError('conflict') when the id exists. */
  insertRule(rule: AlertRule): Promise<void>;
  updateRule(rule: AlertRule): Promise<void>;
  /** Deletes the rule and its state; false when unknown. */
  deleteRule(ruleId: string): Promise<boolean>;
  /** Insert the rules whose ids are not stored yet (never overwrites); returns the ids inserted. */
  insertMissingRules(rules: AlertRule[]): Promise<string[]>;

  ruleStates(modelId: string): Promise<RuleState[]>;
  /** Upsert by (rule_id, model_id, metric). */
  saveRuleStates(states: RuleState[]): Promise<void>;

  insertIncident(incident: Incident): Promise<void>;
  updateIncident(incident: Incident): Promise<void>;
  getIncident(incidentId: string): Promise<Incident | null>;
  /** The open or investigating incident of a condition key. */
  activeIncident(conditionKey: string): Promise<Incident | null>;
  /** The most recently resolved incident of a condition key, resolved at or after `since`. */
  recentlyResolvedIncident(conditionKey: string, since: number): Promise<Incident | null>;
  /** Open and investigating incidents of a model. */
  activeIncidentsOf(modelId: string): Promise<Incident[]>;
  /** Newest first. */
  listIncidents(query: IncidentQuery): Promise<Page<Incident>>;

  insertAlert(alert: Alert): Promise<void>;
  updateAlert(alert: Alert): Promise<void>;
  getAlert(alertId: string): Promise<Alert | null>;
  /** Newest unresolved alert with this model, metric and severity created at or after `since` (dedup). */
  latestUnresolvedAlert(modelId: string | null, metric: string, severity: Severity, since: number): Promise<Alert | null>;
  alertsOfIncident(incidentId: string): Promise<Alert[]>;
  unresolvedAlertsByFingerprint(fingerprint: string): Promise<Alert[]>;
  /** Newest first. */
  listAlerts(query: AlertQuery): Promise<Page<Alert>>;
  alertStatistics(query: TimeRange & { model_id?: string }): Promise<AlertStatistics>;

  insertDeliveries(rows: Delivery[]): Promise<void>;
  /** Highest sequence used for an incident's deliveries (or an alert's, when it has no incident); 0 when none. */
  lastSequence(scope: { incident_id: string } | { alert_id: string }): Promise<number>;
  /** Deliveries of an alert or of an incident, in sequence order. */
  deliveriesOf(scope: { incident_id: string } | { alert_id: string }): Promise<Delivery[]>;

  insertDecisions(rows: AlertDecision[]): Promise<void>;
  /** Newest first. */
  listDecisions(query: DecisionQuery): Promise<Page<AlertDecision>>;

  insertSilence(silence: Silence): Promise<void>;
  getSilence(silenceId: string): Promise<Silence | null>;
  /** Set a silence's end (expiring it). */
  setSilenceEnd(silenceId: string, endsAt: number): Promise<void>;
  /** Silences that have not ended at `now` (active and future ones). */
  unexpiredSilences(now: number): Promise<Silence[]>;
  /** Silences, newest first; `state` (with `now`) keeps the active, pending or expired ones. */
  listSilences(query: PageRequest & { state?: 'active' | 'pending' | 'expired'; now?: number }): Promise<Page<Silence>>;

  insertAudit(entry: AuditEntry): Promise<void>;
  /** Newest first. */
  listAudit(query: AuditQuery): Promise<Page<AuditEntry>>;
}

type Exec = Kysely<DB> | Transaction<DB>;
/** first key of PostgreSQL's two-key advisory locks: alerting's namespace ("al") */
export const ALERTING_LOCK_NAMESPACE = 0x616c;

/** The Kysely implementation both backends share. */
export class KyselyAlertingStore implements AlertingStore {
  constructor(
    private readonly db: Exec,
    private readonly backend: 'sqlite' | 'postgres',
  ) {}

  async lock(keys: string[]): Promise<void> {
    if (this.backend !== 'postgres') return;
    // sorted, so two transactions never wait on each other's keys in opposite orders
    for (const key of [...new Set(keys)].sort()) await sql`select pg_advisory_xact_lock(${ALERTING_LOCK_NAMESPACE}, hashtext(${key}))`.execute(this.db);
  }

  // ── rules ─────────────────────────────────────────────────────────────────────────────
  async listRules(): Promise<AlertRule[]> {
    return (await this.db.selectFrom('alert_rules').selectAll().orderBy('rule_id').execute()).map(toRule);
  }
  async getRule(ruleId: string): Promise<AlertRule | null> {
    const r = await this.db.selectFrom('alert_rules').selectAll().where('rule_id', '=', ruleId).executeTakeFirst();
    return r ? toRule(r) : null;
  }
  async insertRule(rule: AlertRule): Promise<void> {
    const r = await this.db.insertInto('alert_rules').values(fromRule(rule)).onConflict((oc) => oc.column('rule_id').doNothing()).executeTakeFirst();
    if (Number(r.numInsertedOrUpdatedRows ?? 0) === 0) throw new AppError('conflict', `a rule "${rule.rule_id}" already exists`);
  }
  async updateRule(rule: AlertRule): Promise<void> {
    await this.db.updateTable('alert_rules').set(fromRule(rule)).where('rule_id', '=', rule.rule_id).execute();
  }
  async deleteRule(ruleId: string): Promise<boolean> {
    await this.db.deleteFrom('alert_rule_state').where('rule_id', '=', ruleId).execute();
    const r = await this.db.deleteFrom('alert_rules').where('rule_id', '=', ruleId).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }
  async insertMissingRules(rules: AlertRule[]): Promise<string[]> {
    if (rules.length === 0) return [];
    const inserted = await this.db
      .insertInto('alert_rules')
      .values(rules.map(fromRule))
      .onConflict((oc) => oc.column('rule_id').doNothing())
      .returning('rule_id')
      .execute();
    return inserted.map((r) => r.rule_id);
  }

  // ── rule state ────────────────────────────────────────────────────────────────────────
  async ruleStates(modelId: string): Promise<RuleState[]> {
    return (await this.db.selectFrom('alert_rule_state').selectAll().where('model_id', '=', modelId).execute()).map(toRuleState);
  }
  async saveRuleStates(states: RuleState[]): Promise<void> {
    for (let i = 0; i < states.length; i += 200) {
      await this.db
        .insertInto('alert_rule_state')
        .values(states.slice(i, i + 200).map(fromRuleState))
        .onConflict((oc) =>
          oc.columns(['rule_id', 'model_id', 'metric']).doUpdateSet((eb) => ({
            consecutive: eb.ref('excluded.consecutive'),
            firing: eb.ref('excluded.firing'),
            last_value: eb.ref('excluded.last_value'),
            last_evaluated_at: eb.ref('excluded.last_evaluated_at'),
            last_fired_at: eb.ref('excluded.last_fired_at'),
          })),
        )
        .execute();
    }
  }

  // ── incidents ─────────────────────────────────────────────────────────────────────────
  async insertIncident(incident: Incident): Promise<void> {
    await this.db.insertInto('incidents').values(fromIncident(incident)).execute();
  }
  async updateIncident(incident: Incident): Promise<void> {
    const { incident_id, exported_at: _e, ...rest } = fromIncident(incident);
    await this.db.updateTable('incidents').set(rest).where('incident_id', '=', incident_id).execute();
  }
  async getIncident(incidentId: string): Promise<Incident | null> {
    const r = await this.db.selectFrom('incidents').selectAll().where('incident_id', '=', incidentId).executeTakeFirst();
    return r ? toIncident(r) : null;
  }
  async activeIncident(conditionKey: string): Promise<Incident | null> {
    const r = await this.db
      .selectFrom('incidents')
      .selectAll()
      .where('condition_key', '=', conditionKey)
      .where('status', 'in', ['open', 'investigating'])
      .orderBy('created_at', 'desc')
      .executeTakeFirst();
    return r ? toIncident(r) : null;
  }
  async recentlyResolvedIncident(conditionKey: string, since: number): Promise<Incident | null> {
    const r = await this.db
      .selectFrom('incidents')
      .selectAll()
      .where('condition_key', '=', conditionKey)
      .where('status', '=', 'resolved')
      .where('resolved_at', '>=', since)
      .orderBy('resolved_at', 'desc')
      .executeTakeFirst();
    return r ? toIncident(r) : null;
  }
  async activeIncidentsOf(modelId: string): Promise<Incident[]> {
    const rows = await this.db.selectFrom('incidents').selectAll().where('model_id', '=', modelId).where('status', 'in', ['open', 'investigating']).orderBy('created_at').execute();
    return rows.map(toIncident);
  }
  async listIncidents(q: IncidentQuery): Promise<Page<Incident>> {
    let query = this.db.selectFrom('incidents').selectAll().orderBy('created_at', 'desc').orderBy('incident_id', 'desc').limit(q.limit + 1);
    if (q.model_id !== undefined) query = query.where('model_id', '=', q.model_id);
    if (q.status === 'active') query = query.where('status', 'in', ['open', 'investigating']);
    else if (q.status !== undefined) query = query.where('status', '=', q.status);
    if (q.severity !== undefined) query = query.where('severity', '=', q.severity);
    if (q.from !== undefined) query = query.where('created_at', '>=', q.from);
    if (q.to !== undefined) query = query.where('created_at', '<', q.to);
    const cursor = before(q.cursor, 'created_at', 'incident_id');
    if (cursor) query = query.where(cursor);
    return pageOf((await query.execute()).map(toIncident), q.limit, (i) => [i.created_at, i.incident_id]);
  }

  // ── alerts ────────────────────────────────────────────────────────────────────────────
  async insertAlert(alert: Alert): Promise<void> {
    await this.db.insertInto('alerts').values(fromAlert(alert)).execute();
  }
  async updateAlert(alert: Alert): Promise<void> {
    const { alert_id, ...rest } = fromAlert(alert);
    await this.db.updateTable('alerts').set(rest).where('alert_id', '=', alert_id).execute();
  }
  async getAlert(alertId: string): Promise<Alert | null> {
    const r = await this.db.selectFrom('alerts').selectAll().where('alert_id', '=', alertId).executeTakeFirst();
    return r ? toAlert(r) : null;
  }
  async latestUnresolvedAlert(modelId: string | null, metric: string, severity: Severity, since: number): Promise<Alert | null> {
    const r = await this.db
      .selectFrom('alerts')
      .selectAll()
      .where((eb) => (modelId === null ? eb('model_id', 'is', null) : eb('model_id', '=', modelId)))
      .where('metric_name', '=', metric)
      .where('severity', '=', severity)
      .where('created_at', '>=', since)
      .where('resolved_at', 'is', null)
      .orderBy('created_at', 'desc')
      .executeTakeFirst();
    return r ? toAlert(r) : null;
  }
  async alertsOfIncident(incidentId: string): Promise<Alert[]> {
    return (await this.db.selectFrom('alerts').selectAll().where('incident_id', '=', incidentId).orderBy('created_at').orderBy('alert_id').execute()).map(toAlert);
  }
  async unresolvedAlertsByFingerprint(fingerprint: string): Promise<Alert[]> {
    const rows = await this.db.selectFrom('alerts').selectAll().where('fingerprint', '=', fingerprint).where('resolved_at', 'is', null).orderBy('created_at').execute();
    return rows.map(toAlert);
  }
  async listAlerts(q: AlertQuery): Promise<Page<Alert>> {
    let query = this.db.selectFrom('alerts').selectAll().orderBy('created_at', 'desc').orderBy('alert_id', 'desc').limit(q.limit + 1);
    if (q.model_id !== undefined) query = query.where('model_id', '=', q.model_id);
    if (q.severity !== undefined) query = query.where('severity', '=', q.severity);
    if (q.status !== undefined) query = query.where('status', '=', q.status);
    if (q.acknowledged !== undefined) query = query.where('acknowledged', '=', q.acknowledged ? 1 : 0);
    if (q.incident_id !== undefined) query = query.where('incident_id', '=', q.incident_id);
    if (q.from !== undefined) query = query.where('created_at', '>=', q.from);
    if (q.to !== undefined) query = query.where('created_at', '<', q.to);
    const cursor = before(q.cursor, 'created_at', 'alert_id');
    if (cursor) query = query.where(cursor);
    return pageOf((await query.execute()).map(toAlert), q.limit, (a) => [a.created_at, a.alert_id]);
  }
  async alertStatistics(q: TimeRange & { model_id?: string }): Promise<AlertStatistics> {
    let base = this.db.selectFrom('alerts');
    if (q.model_id !== undefined) base = base.where('model_id', '=', q.model_id);
    if (q.from !== undefined) base = base.where('created_at', '>=', q.from);
    if (q.to !== undefined) base = base.where('created_at', '<', q.to);
    const rows = await base
      .select(['severity', 'status', 'component', 'acknowledged', (eb) => eb.fn.countAll().as('n')])
      .groupBy(['severity', 'status', 'component', 'acknowledged'])
      .execute();
    const out: AlertStatistics = { total: 0, by_severity: { CRITICAL: 0, WARNING: 0, INFO: 0 }, by_status: {}, by_component: {}, acknowledged: 0, unacknowledged: 0 };
    for (const r of rows) {
      const n = Number(r.n);
      out.total += n;
      out.by_severity[r.severity] = (out.by_severity[r.severity] ?? 0) + n;
      out.by_status[r.status] = (out.by_status[r.status] ?? 0) + n;
      out.by_component[r.component] = (out.by_component[r.component] ?? 0) + n;
      if (Number(r.acknowledged) === 1) out.acknowledged += n;
      else out.unacknowledged += n;
    }
    return out;
  }

  // ── outbox ────────────────────────────────────────────────────────────────────────────
  async insertDeliveries(rows: Delivery[]): Promise<void> {
    if (rows.length) await this.db.insertInto('deliveries').values(rows.map(fromDelivery)).execute();
  }
  async lastSequence(scope: { incident_id: string } | { alert_id: string }): Promise<number> {
    let q = this.db.selectFrom('deliveries').select((eb) => eb.fn.max('sequence').as('s'));
    q = 'incident_id' in scope ? q.where('incident_id', '=', scope.incident_id) : q.where('alert_id', '=', scope.alert_id).where('incident_id', 'is', null);
    const r = await q.executeTakeFirst();
    return r?.s === null || r?.s === undefined ? 0 : Number(r.s);
  }
  async deliveriesOf(scope: { incident_id: string } | { alert_id: string }): Promise<Delivery[]> {
    let q = this.db.selectFrom('deliveries').selectAll().orderBy('sequence').orderBy('channel');
    q = 'incident_id' in scope ? q.where('incident_id', '=', scope.incident_id) : q.where('alert_id', '=', scope.alert_id);
    return (await q.execute()).map(toDelivery);
  }

  // ── decisions ─────────────────────────────────────────────────────────────────────────
  async insertDecisions(rows: AlertDecision[]): Promise<void> {
    if (rows.length) await this.db.insertInto('alert_decisions').values(rows).execute();
  }
  async listDecisions(q: DecisionQuery): Promise<Page<AlertDecision>> {
    let query = this.db.selectFrom('alert_decisions').selectAll().orderBy('at', 'desc').orderBy('id', 'desc').limit(q.limit + 1);
    if (q.model_id !== undefined) query = query.where('model_id', '=', q.model_id);
    if (q.rule_id !== undefined) query = query.where('rule_id', '=', q.rule_id);
    if (q.decision !== undefined) query = query.where('decision', '=', q.decision);
    if (q.from !== undefined) query = query.where('at', '>=', q.from);
    if (q.to !== undefined) query = query.where('at', '<', q.to);
    const cursor = before(q.cursor, 'at', 'id');
    if (cursor) query = query.where(cursor);
    return pageOf((await query.execute()).map(toDecision), q.limit, (d) => [d.at, d.id]);
  }

  // ── silences ──────────────────────────────────────────────────────────────────────────
  async insertSilence(silence: Silence): Promise<void> {
    await this.db.insertInto('silences').values(fromSilence(silence)).execute();
  }
  async getSilence(silenceId: string): Promise<Silence | null> {
    const r = await this.db.selectFrom('silences').selectAll().where('silence_id', '=', silenceId).executeTakeFirst();
    return r ? toSilence(r) : null;
  }
  async setSilenceEnd(silenceId: string, endsAt: number): Promise<void> {
    await this.db.updateTable('silences').set({ ends_at: endsAt }).where('silence_id', '=', silenceId).execute();
  }
  async unexpiredSilences(now: number): Promise<Silence[]> {
    return (await this.db.selectFrom('silences').selectAll().where('ends_at', '>', now).orderBy('starts_at').execute()).map(toSilence);
  }
  async listSilences(page: PageRequest & { state?: 'active' | 'pending' | 'expired'; now?: number }): Promise<Page<Silence>> {
    let query = this.db.selectFrom('silences').selectAll().orderBy('created_at', 'desc').orderBy('silence_id', 'desc').limit(page.limit + 1);
    const now = page.now ?? Date.now();
    if (page.state === 'expired') query = query.where('ends_at', '<=', now);
    if (page.state === 'active') query = query.where('ends_at', '>', now).where('starts_at', '<=', now);
    if (page.state === 'pending') query = query.where('ends_at', '>', now).where('starts_at', '>', now);
    const cursor = before(page.cursor, 'created_at', 'silence_id');
    if (cursor) query = query.where(cursor);
    return pageOf((await query.execute()).map(toSilence), page.limit, (s) => [s.created_at, s.silence_id]);
  }

  // ── audit ─────────────────────────────────────────────────────────────────────────────
  async insertAudit(entry: AuditEntry): Promise<void> {
    await this.db.insertInto('audit_log').values(fromAudit(entry)).execute();
  }
  async listAudit(q: AuditQuery): Promise<Page<AuditEntry>> {
    let query = this.db.selectFrom('audit_log').selectAll().orderBy('at', 'desc').orderBy('id', 'desc').limit(q.limit + 1);
    if (q.actor !== undefined) query = query.where('actor', '=', q.actor);
    if (q.action !== undefined) query = query.where('action', '=', q.action);
    if (q.target_type !== undefined) query = query.where('target_type', '=', q.target_type);
    if (q.target_id !== undefined) query = query.where('target_id', '=', q.target_id);
    if (q.from !== undefined) query = query.where('at', '>=', q.from);
    if (q.to !== undefined) query = query.where('at', '<', q.to);
    const cursor = before(q.cursor, 'at', 'id');
    if (cursor) query = query.where(cursor);
    return pageOf((await query.execute()).map(toAudit), q.limit, (e) => [e.at, e.id]);
  }
}
