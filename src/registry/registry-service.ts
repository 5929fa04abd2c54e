import { newId } from '../alerting/ids.js';
import type { MonitoringService } from '../analysis/monitoring-service.js';
import type { Model } from '../domain/model-schema.js';
import { AppError, type FieldProblem, validationError } from '../errors/catalog.js';
import type { Actor, AuditLog } from '../observability/audit.js';
import type { Store } from '../store/store.js';
import { evaluateGates } from './gates.js';
import { gateInputs, validationEvidence } from './gate-evidence.js';
import { type LifecycleConfig, combineOverrides, mergeLifecycle, parseLifecycleOverrides } from './lifecycle-config.js';
import { INITIAL_STAGES, assertMove } from './stage-rules.js';
import type { GateReport, ModelVersion, Stage, VersionEvent, VersionEventKind } from './types.js';

/** What registering a version takes. */
export interface RegisterVersion {
  version: string;
  artifact_uri?: string | null;
  metrics?: Record<string, number>;
  tags?: string[];
  description?: string;
  /** development (default) or staging */
  stage?: Stage;
  /** prediction-shaped rows (optionally with `actual`): latency, disparate impact and metrics are measured on them */
  validation_set?: unknown[];
}

/** The answer of a promotion or rollback. */
export interface StageChange {
  version: ModelVersion;
  /** the version that left production (archived), if any */
  replaced: ModelVersion | null;
  /** the gates, when the move was to production through them */
  gates: GateReport | null;
}

const VERSION_PATTERN = /^[^\u0000-\u001f\u007f]{1,128}$/;
/** path segments of /api/v1/models/:id/versions/… that cannot be versions */
const RESERVED_VERSIONS = new Set(['history', 'rollback']);

/** The model registry: versions, stages, promotion gates, rollback, history. Every change is one transaction, audited. */
export class RegistryService {
  constructor(
    private readonly store: Store,
    private readonly monitoring: MonitoringService,
    private readonly audit: AuditLog,
    private readonly clock: () => number = Date.now,
  ) {}

  async model(modelId: string): Promise<Model> {
    const m = await this.store.getModel(modelId);
    if (!m) throw new AppError('model_not_found', `no model "${modelId}" is registered`, { model_id: modelId });
    return m;
  }

  async config(modelId: string): Promise<{ effective: LifecycleConfig; overrides: Record<string, unknown> }> {
    const overrides = (await this.store.lifecycle.getLifecycleConfig(modelId)) ?? {};
    return { effective: mergeLifecycle(overrides), overrides };
  }

  /** Merge new overrides over the stored ones (validated as a whole) and store them. */
  async updateConfig(modelId: string, change: unknown, actor: Actor): Promise<{ effective: LifecycleConfig; overrides: Record<string, unknown> }> {
    await this.model(modelId);
    const stored = await this.store.lifecycle.getLifecycleConfig(modelId);
    const overrides = parseLifecycleOverrides(combineOverrides(stored, parseLifecycleOverrides(change)));
    await this.store.transaction(async (tx) => {
      await tx.lifecycle.saveLifecycleConfig(modelId, overrides, this.clock());
      await this.audit.record(actor, { action: 'model.lifecycle_update', target_type: 'model', target_id: modelId, details: { change: change as Record<string, unknown> } }, tx);
    });
    return { effective: mergeLifecycle(overrides), overrides };
  }

  async get(modelId: string, version: string): Promise<ModelVersion> {
    const v = VERSION_PATTERN.test(version) ? await this.store.lifecycle.getVersion(modelId, version) : null;
    if (!v) throw new AppError('not_found', `model "${modelId}" has no version "${version.slice(0, 128)}"`);
    return v;
  }

  list(modelId: string, stage?: Stage): Promise<ModelVersion[]> {
    return this.store.lifecycle.listVersions(modelId, stage);
  }

  history(modelId: string, version?: string): Promise<VersionEvent[]> {
    return this.store.lifecycle.versionEvents(modelId, version);
  }

  private event(v: Pick<ModelVersion, 'model_id' | 'version'>, kind: VersionEventKind, actor: Actor, now: number, change: { from?: Stage | null; to?: Stage | null; details?: Record<string, unknown> } = {}): VersionEvent {
    return { event_id: newId('VEV', now), model_id: v.model_id, version: v.version, kind, at: now, from_stage: change.from ?? null, to_stage: change.to ?? null, actor: actor.actor, details: change.details ?? {} };
  }

  async register(modelId: string, input: RegisterVersion, actor: Actor): Promise<ModelVersion> {
    const model = await this.model(modelId);
    const problems: FieldProblem[] = [];
    if (typeof input.version !== 'string' || !VERSION_PATTERN.test(input.version)) problems.push({ field: 'version', problem: 'must be 1–128 printable characters' });
    else if (RESERVED_VERSIONS.has(input.version)) problems.push({ field: 'version', problem: `"${input.version}" names a route under /versions` });
    const stage = input.stage ?? 'development';
    if (!INITIAL_STAGES.includes(stage)) problems.push({ field: 'stage', problem: `a version is registered in ${INITIAL_STAGES.join(' or ')}; production is reached by promotion` });
    for (const [k, v] of Object.entries(input.metrics ?? {})) if (typeof v !== 'number' || !Number.isFinite(v)) problems.push({ field: `metrics.${k}`, problem: 'must be a finite number' });
    if (problems.length) throw validationError(problems);
    const validation = input.validation_set ? validationEvidence(model, this.monitoring.validationWindow(model, input.validation_set)) : null;
    const now = this.clock();
    const v: ModelVersion = {
      model_id: modelId,
      version: input.version,
      stage,
      artifact_uri: input.artifact_uri ?? null,
      metrics: input.metrics ?? {},
      tags: [...new Set(input.tags ?? [])],
      description: input.description ?? '',
      validation,
      sign_off: null,
      created_by: actor.actor,
      created_at: now,
      updated_at: now,
      stage_changed_at: now,
    };
    await this.store.transaction(async (tx) => {
      await tx.lifecycle.lock(modelId);
      await tx.lifecycle.insertVersion(v);
      await tx.lifecycle.insertVersionEvent(this.event(v, 'registered', actor, now, { to: stage, details: { artifact_uri: v.artifact_uri } }));
      await this.audit.record(actor, { action: 'model_version.register', target_type: 'model_version', target_id: `${modelId}@${v.version}`, details: { stage, artifact_uri: v.artifact_uri } }, tx);
    });
    return v;
  }

  async signOff(modelId: string, version: string, by: string, notes: string | null, actor: Actor): Promise<ModelVersion> {
    const found = await this.get(modelId, version);
    if (found.stage === 'archived') throw new AppError('conflict', `version "${version}" is archived: stage it again before signing it off`);
    const now = this.clock();
    const signed: ModelVersion = { ...found, sign_off: { by, at: now, notes }, updated_at: now };
    await this.store.transaction(async (tx) => {
      await tx.lifecycle.lock(modelId);
      await tx.lifecycle.updateVersion(signed);
      await tx.lifecycle.insertVersionEvent(this.event(signed, 'signed_off', actor, now, { details: { by, notes } }));
      await this.audit.record(actor, { action: 'model_version.sign_off', target_type: 'model_version', target_id: `${modelId}@${version}`, details: { by, notes } }, tx);
    });
    return signed;
  }

  /** The gates' verdict for a version as things stand (nothing changes). */
  async evaluate(modelId: string, version: string): Promise<GateReport> {
    const [model, candidate] = await Promise.all([this.model(modelId), this.get(modelId, version)]);
    const production = await this.store.lifecycle.productionVersion(modelId);
    const { effective } = await this.config(modelId);
    const now = this.clock();
    return evaluateGates(await gateInputs(this.store, model, candidate, production, effective.gates, now), effective.gates, now);
  }

  /**
   * Move a version to another stage. To production it goes through the gates: a refusal is
   * recorded (history and audit) and thrown as a 409 whose details carry every gate's verdict;
   * on success the previous production version is archived in the same transaction.
   */
  async promote(modelId: string, version: string, to: Stage, actor: Actor, notes: string | null = null): Promise<StageChange> {
    const candidate = await this.get(modelId, version);
    assertMove(version, candidate.stage, to);
    let gates: GateReport | null = null;
    if (to === 'production') {
      gates = await this.evaluate(modelId, version);
      if (!gates.passed) {
        const failed = gates.gates.filter((g) => !g.passed);
        const now = this.clock();
        await this.store.transaction(async (tx) => {
          await tx.lifecycle.insertVersionEvent(this.event(candidate, 'promotion_refused', actor, now, { from: candidate.stage, to, details: { failed: failed.map((g) => g.gate), gates } }));
          await this.audit.record(actor, { action: 'model_version.promotion_refused', target_type: 'model_version', target_id: `${modelId}@${version}`, details: { failed: failed.map((g) => ({ gate: g.gate, value: g.value, threshold: g.threshold })) } }, tx);
        });
        throw new AppError('conflict', `promotion of "${version}" to production refused: ${failed.map((g) => `${g.gate} (${g.message})`).join('; ')}`, {
          failed_gates: failed.map((g) => g.gate),
          gates,
        });
      }
    }
    const change = await this.move(modelId, version, to, actor, { expectedProduction: gates?.baseline_version ?? null, kind: 'stage_changed', details: { notes, ...(gates ? { gates } : {}) } });
    return { ...change, gates };
  }

  /** Promote the version that was in production before the current one (no gates: it passed them once). */
  async rollback(modelId: string, actor: Actor, reason: string | null = null): Promise<StageChange> {
    await this.model(modelId);
    const current = await this.store.lifecycle.productionVersion(modelId);
    if (!current) throw new AppError('conflict', `model "${modelId}" has no production version to roll back from`);
    const events = await this.store.lifecycle.versionEvents(modelId);
    const left = events.filter((e) => e.from_stage === 'production' && e.version !== current.version).pop();
    const previous = left ? await this.store.lifecycle.getVersion(modelId, left.version) : null;
    if (!previous) throw new AppError('conflict', `model "${modelId}" has no earlier production version to roll back to`);
    return this.move(modelId, previous.version, 'production', actor, { expectedProduction: current.version, kind: 'rolled_back', details: { reason, rolled_back_from: current.version } });
  }

  /**
   * Flow 7: a version went live. It becomes the production version (registered now when the
   * registry does not know it), the previous one is archived, and the deployment is on the
   * version's history. The gates are evaluated and reported, not enforced: a deploy records
   * what is already serving.
   */
  async recordDeployment(modelId: string, version: string, validationSet: unknown[] | undefined, actor: Actor, details: Record<string, unknown>): Promise<StageChange> {
    const model = await this.model(modelId);
    let found = await this.store.lifecycle.getVersion(modelId, version);
    if (!found) found = await this.register(modelId, { version, stage: 'staging', validation_set: validationSet, description: 'registered by a deployment' }, actor);
    else if (validationSet?.length) {
      found = { ...found, validation: validationEvidence(model, this.monitoring.validationWindow(model, validationSet)), updated_at: this.clock() };
      await this.store.lifecycle.updateVersion(found);
    }
    const gates = await this.evaluate(modelId, version);
    if (found.stage === 'production') {
      const now = this.clock();
      await this.store.lifecycle.insertVersionEvent(this.event(found, 'deployed', actor, now, { from: 'production', to: 'production', details: { ...details, gates_passed: gates.passed } }));
      return { version: found, replaced: null, gates };
    }
    const change = await this.move(modelId, version, 'production', actor, { expectedProduction: undefined, kind: 'deployed', details: { ...details, gates_passed: gates.passed, failed_gates: gates.gates.filter((g) => !g.passed).map((g) => g.gate) } });
    return { ...change, gates };
  }

  /** One transaction: the version to `to`, a replaced production version to archived, events and audit. */
  private async move(modelId: string, version: string, to: Stage, actor: Actor, o: { expectedProduction: string | null | undefined; kind: VersionEventKind; details: Record<string, unknown> }): Promise<StageChange> {
    return this.store.transaction(async (tx) => {
      const l = tx.lifecycle;
      await l.lock(modelId);
      const v = await l.getVersion(modelId, version);
      if (!v) throw new AppError('not_found', `model "${modelId}" has no version "${version}"`);
      const now = this.clock();
      let replaced: ModelVersion | null = null;
      if (to === 'production') {
        const prod = await l.productionVersion(modelId);
        // the gates were judged against this production version: another promotion won meanwhile
        if (o.expectedProduction !== undefined && (prod?.version ?? null) !== o.expectedProduction) {
          throw new AppError('conflict', `the production version of "${modelId}" changed while this request ran (now ${prod?.version ?? 'none'}); try again`);
        }
        if (prod && prod.version !== version) {
          replaced = { ...prod, stage: 'archived', updated_at: now, stage_changed_at: now };
          await l.updateVersion(replaced);
          await l.insertVersionEvent(this.event(prod, 'stage_changed', actor, now, { from: 'production', to: 'archived', details: { replaced_by: version } }));
        }
      }
      const moved: ModelVersion = { ...v, stage: to, updated_at: now, stage_changed_at: now };
      await l.updateVersion(moved);
      await l.insertVersionEvent(this.event(v, o.kind, actor, now, { from: v.stage, to, details: { ...o.details, ...(replaced ? { replaced: replaced.version } : {}) } }));
      const action = o.kind === 'rolled_back' ? 'model_version.rollback' : o.kind === 'deployed' ? 'model_version.deploy' : 'model_version.promote';
      const { gates: _g, ...auditDetails } = o.details;
      await this.audit.record(actor, { action, target_type: 'model_version', target_id: `${modelId}@${version}`, details: { ...auditDetails, from_stage: v.stage, to_stage: to, replaced: replaced?.version ?? null } }, tx);
      return { version: moved, replaced, gates: null };
    });
  }
}
