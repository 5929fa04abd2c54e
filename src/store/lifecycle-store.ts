import { type Kysely, sql, type Transaction } from 'kysely';
import type { Incident } from '../alerting/types.js';
import { AppError } from '../errors/catalog.js';
import type { ModelVersion, RetrainTrigger, Stage, TriggerKind, VersionEvent } from '../registry/types.js';
import { toIncident } from './alerting-rows.js';
import type { DB } from './db-types.js';
import {
  type EvidenceBundleRow,
  type HistorySnapshot,
  fromSnapshot,
  fromTrigger,
  fromVersion,
  fromVersionEvent,
  toBundle,
  toSnapshot,
  toTrigger,
  toVersion,
  toVersionEvent,
} from './lifecycle-rows.js';
import type { OutcomeRecord } from './store.js';

export type { EvidenceBundleRow, HistorySnapshot };

/** An incident whose analysis period is on legal hold, with when (if ever) it was exported. */
export interface HeldIncident {
  incident: Incident;
  exported_at: number | null;
}

/**
 * The model registry (versions, their history, per-model lifecycle settings), retraining
 * triggers, evidence bundles, legal holds and imported history snapshots. Reached as
 * `store.lifecycle`; inside `store.transaction(tx => …)` use `tx.lifecycle`.
 */
export interface LifecycleStore {
  /** Serialise registry writes of a model until the transaction ends (PostgreSQL advisory lock; SQLite is serial). */
  lock(modelId: string): Promise<void>;

  /** Throws AppError('conflict') when the version exists. */
  insertVersion(version: ModelVersion): Promise<void>;
  updateVersion(version: ModelVersion): Promise<void>;
  getVersion(modelId: string, version: string): Promise<ModelVersion | null>;
  /** Newest first (by created_at, then version). */
  listVersions(modelId: string, stage?: Stage): Promise<ModelVersion[]>;
  productionVersion(modelId: string): Promise<ModelVersion | null>;
  insertVersionEvent(event: VersionEvent): Promise<void>;
  /** Oldest first. */
  versionEvents(modelId: string, version?: string): Promise<VersionEvent[]>;

  /** The model's stored lifecycle overrides (null when it has none). */
  getLifecycleConfig(modelId: string): Promise<Record<string, unknown> | null>;
  saveLifecycleConfig(modelId: string, config: Record<string, unknown>, now: number): Promise<void>;

  /** Store a fired trigger; false (nothing written) when its (model, dedup_key) fired already. */
  insertTrigger(trigger: RetrainTrigger): Promise<boolean>;
  /** Newest first. */
  listTriggers(modelId: string, query?: { kind?: TriggerKind; limit?: number }): Promise<RetrainTrigger[]>;

  insertBundle(bundle: EvidenceBundleRow): Promise<void>;
  getBundle(bundleId: string): Promise<EvidenceBundleRow | null>;
  /** Newest first. */
  bundlesOf(incidentId: string): Promise<EvidenceBundleRow[]>;
  /** Set incidents.exported_at (the first export's time is kept). */
  markIncidentExported(incidentId: string, at: number): Promise<void>;
  incidentExportedAt(incidentId: string): Promise<number | null>;
  /**
   * Incidents with an analysis period whose hold is not released: not exported yet (when export
   * releases holds) and not resolved (when resolution does). Oldest first.
   */
  heldIncidents(query: { releaseOnExport: boolean; releaseOnResolution: boolean; model_id?: string }): Promise<HeldIncident[]>;

  /** Outcomes of predictions made in [from, to), in (prediction_ts, prediction_id) order after `after`. */
  outcomePage(modelId: string, from: number, to: number, after: [number, string] | null, limit: number): Promise<OutcomeRecord[]>;

  /** Insert snapshots whose ids are not stored yet; returns the ids inserted. */
  insertSnapshots(rows: HistorySnapshot[]): Promise<string[]>;
  /** Oldest first. */
  listSnapshots(query: { model_id: string; kind?: HistorySnapshot['kind']; from?: number; to?: number; limit: number }): Promise<HistorySnapshot[]>;
}

type Exec = Kysely<DB> | Transaction<DB>;
/** first key of PostgreSQL's two-key advisory locks: the registry's namespace ("rg") */
const LOCK_NAMESPACE = 0x7267;

/** The Kysely implementation both backends share. */
export class KyselyLifecycleStore implements LifecycleStore {
  constructor(
    private readonly db: Exec,
    private readonly backend: 'sqlite' | 'postgres',
  ) {}

  async lock(modelId: string): Promise<void> {
    if (this.backend === 'postgres') await sql`select pg_advisory_xact_lock(${LOCK_NAMESPACE}, hashtext(${modelId}))`.execute(this.db);
  }

  // ── versions ──────────────────────────────────────────────────────────────────────────
  async insertVersion(version: ModelVersion): Promise<void> {
    const r = await this.db
      .insertInto('model_versions')
      .values(fromVersion(version))
      .onConflict((oc) => oc.columns(['model_id', 'version']).doNothing())
      .executeTakeFirst();
    if (Number(r.numInsertedOrUpdatedRows ?? 0) === 0) throw new AppError('conflict', `version "${version.version}" of model "${version.model_id}" is already registered`);
  }
  async updateVersion(version: ModelVersion): Promise<void> {
    const { model_id, version: v, ...rest } = fromVersion(version);
    await this.db.updateTable('model_versions').set(rest).where('model_id', '=', model_id).where('version', '=', v).execute();
  }
  async getVersion(modelId: string, version: string): Promise<ModelVersion | null> {
    const r = await this.db.selectFrom('model_versions').selectAll().where('model_id', '=', modelId).where('version', '=', version).executeTakeFirst();
    return r ? toVersion(r) : null;
  }
  async listVersions(modelId: string, stage?: Stage): Promise<ModelVersion[]> {
    let q = this.db.selectFrom('model_versions').selectAll().where('model_id', '=', modelId).orderBy('created_at', 'desc').orderBy('version', 'desc');
    if (stage) q = q.where('stage', '=', stage);
    return (await q.execute()).map(toVersion);
  }
  async productionVersion(modelId: string): Promise<ModelVersion | null> {
    return (await this.listVersions(modelId, 'production'))[0] ?? null;
  }
  async insertVersionEvent(event: VersionEvent): Promise<void> {
    await this.db.insertInto('model_version_events').values(fromVersionEvent(event)).execute();
  }
  async versionEvents(modelId: string, version?: string): Promise<VersionEvent[]> {
    let q = this.db.selectFrom('model_version_events').selectAll().where('model_id', '=', modelId).orderBy('at').orderBy('event_id');
    if (version !== undefined) q = q.where('version', '=', version);
    return (await q.execute()).map(toVersionEvent);
  }

  // ── lifecycle settings ────────────────────────────────────────────────────────────────
  async getLifecycleConfig(modelId: string): Promise<Record<string, unknown> | null> {
    const r = await this.db.selectFrom('model_lifecycle').select('config').where('model_id', '=', modelId).executeTakeFirst();
    return r ? (JSON.parse(r.config) as Record<string, unknown>) : null;
  }
  async saveLifecycleConfig(modelId: string, config: Record<string, unknown>, now: number): Promise<void> {
    const text = JSON.stringify(config);
    await this.db
      .insertInto('model_lifecycle')
      .values({ model_id: modelId, config: text, updated_at: now })
      .onConflict((oc) => oc.column('model_id').doUpdateSet({ config: text, updated_at: now }))
      .execute();
  }

  // ── triggers ──────────────────────────────────────────────────────────────────────────
  async insertTrigger(trigger: RetrainTrigger): Promise<boolean> {
    const r = await this.db
      .insertInto('retrain_triggers')
      .values(fromTrigger(trigger))
      .onConflict((oc) => oc.columns(['model_id', 'dedup_key']).doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
  }
  async listTriggers(modelId: string, query: { kind?: TriggerKind; limit?: number } = {}): Promise<RetrainTrigger[]> {
    let q = this.db.selectFrom('retrain_triggers').selectAll().where('model_id', '=', modelId).orderBy('fired_at', 'desc').orderBy('trigger_id', 'desc').limit(query.limit ?? 1000);
    if (query.kind) q = q.where('kind', '=', query.kind);
    return (await q.execute()).map(toTrigger);
  }

  // ── evidence and legal holds ──────────────────────────────────────────────────────────
  async insertBundle(bundle: EvidenceBundleRow): Promise<void> {
    await this.db.insertInto('evidence_bundles').values({ ...bundle, summary: JSON.stringify(bundle.summary) }).execute();
  }
  async getBundle(bundleId: string): Promise<EvidenceBundleRow | null> {
    const r = await this.db.selectFrom('evidence_bundles').selectAll().where('bundle_id', '=', bundleId).executeTakeFirst();
    return r ? toBundle(r) : null;
  }
  async bundlesOf(incidentId: string): Promise<EvidenceBundleRow[]> {
    return (await this.db.selectFrom('evidence_bundles').selectAll().where('incident_id', '=', incidentId).orderBy('created_at', 'desc').execute()).map(toBundle);
  }
  async markIncidentExported(incidentId: string, at: number): Promise<void> {
    await this.db.updateTable('incidents').set({ exported_at: at }).where('incident_id', '=', incidentId).where('exported_at', 'is', null).execute();
  }
  async incidentExportedAt(incidentId: string): Promise<number | null> {
    const r = await this.db.selectFrom('incidents').select('exported_at').where('incident_id', '=', incidentId).executeTakeFirst();
    return r?.exported_at == null ? null : Number(r.exported_at);
  }
  async heldIncidents(query: { releaseOnExport: boolean; releaseOnResolution: boolean; model_id?: string }): Promise<HeldIncident[]> {
    let q = this.db.selectFrom('incidents').selectAll().where('period_start', 'is not', null).where('period_end', 'is not', null).orderBy('created_at');
    if (query.releaseOnExport) q = q.where('exported_at', 'is', null);
    if (query.releaseOnResolution) q = q.where('status', '!=', 'resolved');
    if (query.model_id !== undefined) q = q.where('model_id', '=', query.model_id);
    return (await q.execute()).map((r) => ({ incident: toIncident(r), exported_at: r.exported_at === null ? null : Number(r.exported_at) }));
  }

  async outcomePage(modelId: string, from: number, to: number, after: [number, string] | null, limit: number): Promise<OutcomeRecord[]> {
    // the page starts at the last one's time (one range bound the index seeks to; an OR of the
    // keyset terms made SQLite scan from `from` on every page: quadratic over a long period)
    let q = this.db
      .selectFrom('outcomes')
      .selectAll()
      .where('model_id', '=', modelId)
      .where('prediction_ts', '>=', after ? Math.max(from, after[0]) : from)
      .where('prediction_ts', '<', to)
      .orderBy('prediction_ts')
      .orderBy('prediction_id')
      .limit(limit);
    if (after) {
      const [ts, id] = after;
      q = q.where((eb) => eb.not(eb.and([eb('prediction_ts', '=', ts), eb('prediction_id', '<=', id)])));
    }
    return (await q.execute()).map((r) => ({
      model_id: r.model_id,
      prediction_id: r.prediction_id,
      label: r.label,
      value: r.value === null ? null : Number(r.value),
      timestamp: Number(r.ts),
      received_at: Number(r.received_at),
      prediction_ts: r.prediction_ts === null ? null : Number(r.prediction_ts),
      pred_label: r.pred_label,
      pred_score: r.pred_score === null ? null : Number(r.pred_score),
      pred_value: r.pred_value === null ? null : Number(r.pred_value),
    }));
  }

  // ── imported history ──────────────────────────────────────────────────────────────────
  async insertSnapshots(rows: HistorySnapshot[]): Promise<string[]> {
    const out: string[] = [];
    for (let i = 0; i < rows.length; i += 200) {
      const inserted = await this.db
        .insertInto('history_snapshots')
        .values(rows.slice(i, i + 200).map(fromSnapshot))
        .onConflict((oc) => oc.column('snapshot_id').doNothing())
        .returning('snapshot_id')
        .execute();
      for (const r of inserted) out.push(r.snapshot_id);
    }
    return out;
  }
  async listSnapshots(query: { model_id: string; kind?: HistorySnapshot['kind']; from?: number; to?: number; limit: number }): Promise<HistorySnapshot[]> {
    let q = this.db.selectFrom('history_snapshots').selectAll().where('model_id', '=', query.model_id).orderBy('ts').orderBy('snapshot_id').limit(query.limit);
    if (query.kind) q = q.where('kind', '=', query.kind);
    if (query.from !== undefined) q = q.where('ts', '>=', query.from);
    if (query.to !== undefined) q = q.where('ts', '<', query.to);
    return (await q.execute()).map(toSnapshot);
  }
}
