import { newId } from '../alerting/ids.js';
import type { Model } from '../domain/model-schema.js';
import { AppError } from '../errors/catalog.js';
import { type Actor, type AuditLog, SYSTEM_ACTOR } from '../observability/audit.js';
import type { MonitoringRecordRow } from '../store/monitoring-store.js';
import type { Store } from '../store/store.js';
import type { RegistryService } from './registry-service.js';
import { retrainEventRows } from './retrain-event.js';
import { type TriggerCandidate, coolingDown, scheduledCandidate, triggersFromRecord } from './triggers.js';
import type { RetrainTrigger } from './types.js';

/** What became of a trigger that wanted to fire. */
export type FireOutcome = { fired: RetrainTrigger; channels: string[] } | { fired: null; reason: 'already_fired' | 'cooling_down' };

export interface TriggerServiceOptions {
  /** channels that receive retrain.recommended (read at each firing: channels can be added) */
  eventChannels: () => string[];
  /** rung after a firing committed its outbox rows (the delivery worker sends them at once) */
  ring?: () => void;
  clock?: () => number;
  log?: (level: 'info' | 'warn' | 'error', msg: string, extra?: Record<string, unknown>) => void;
}

/**
 * Retraining triggers: evaluates analyses (data drift on key features, performance drop), the
 * monthly schedule and manual requests. A firing is one transaction: the trigger row (unique
 * per model and key, so it fires exactly once however many processes look), one outbox row per
 * event channel, and the audit entry. driftwatch recommends; it never trains.
 */
export class TriggerService {
  private readonly clock: () => number;

  constructor(
    private readonly store: Store,
    private readonly registry: RegistryService,
    private readonly audit: AuditLog,
    private readonly options: TriggerServiceOptions,
  ) {
    this.clock = options.clock ?? Date.now;
  }

  /** Fire a candidate unless its key fired already or (drift and performance triggers) the model's last one of its kind is recent. */
  async fire(modelId: string, candidate: TriggerCandidate, actor: Actor, cooldownHours: number): Promise<FireOutcome> {
    const now = this.clock();
    const channels = this.options.eventChannels();
    const outcome = await this.store.transaction(async (tx): Promise<FireOutcome> => {
      const l = tx.lifecycle;
      await l.lock(modelId);
      if (candidate.kind === 'data_drift' || candidate.kind === 'performance_drop') {
        const [last] = await l.listTriggers(modelId, { kind: candidate.kind, limit: 1 });
        if (last && last.dedup_key === `${candidate.kind}:${candidate.record_id}`) return { fired: null, reason: 'already_fired' };
        if (coolingDown(last?.fired_at ?? null, now, cooldownHours)) return { fired: null, reason: 'cooling_down' };
      }
      const trigger: RetrainTrigger = {
        trigger_id: newId('RT', now),
        model_id: modelId,
        kind: candidate.kind,
        fired_at: now,
        dedup_key: candidate.dedup_key,
        reason: candidate.reason,
        record_id: candidate.record_id,
        model_version: (await l.productionVersion(modelId))?.version ?? null,
        actor: actor.actor,
        details: candidate.details,
      };
      if (!(await l.insertTrigger(trigger))) return { fired: null, reason: 'already_fired' };
      if (channels.length) await tx.alerting.insertDeliveries(retrainEventRows(trigger, channels, now));
      await this.audit.record(actor, { action: 'model.retrain_recommended', target_type: 'model', target_id: modelId, details: { trigger_id: trigger.trigger_id, kind: trigger.kind, reason: trigger.reason, record_id: trigger.record_id, channels } }, tx);
      return { fired: trigger, channels };
    });
    if (outcome.fired) {
      this.options.log?.('info', 'retraining recommended', { model_id: modelId, trigger_id: outcome.fired.trigger_id, kind: outcome.fired.kind, channels: outcome.channels });
      if (outcome.channels.length) this.options.ring?.();
    }
    return outcome;
  }

  /** Judge a stored analysis (the monitoring service's record listener). */
  async onRecord(record: MonitoringRecordRow, model: Model): Promise<FireOutcome[]> {
    if (record.status !== 'completed') return [];
    const { effective } = await this.registry.config(model.model_id);
    const out: FireOutcome[] = [];
    for (const c of triggersFromRecord(record, model, effective.triggers)) out.push(await this.fire(model.model_id, c, SYSTEM_ACTOR, effective.triggers.cooldown_hours));
    return out;
  }

  /** A person asks for retraining (always fires: the key is fresh). */
  async manual(modelId: string, reason: string, actor: Actor): Promise<RetrainTrigger> {
    await this.registry.model(modelId);
    const now = this.clock();
    const outcome = await this.fire(modelId, { kind: 'manual', dedup_key: `manual:${newId('M', now)}`, reason, record_id: null, details: { requested_by: actor.actor } }, actor, 0);
    if (!outcome.fired) throw new AppError('conflict', 'the trigger could not be recorded');
    return outcome.fired;
  }

  /**
   * The scheduled job: every model whose schedule trigger is on and whose cron ticked in the
   * last day (and after the model was created) gets its recommendation, once per tick.
   */
  async runScheduled(signal?: AbortSignal): Promise<{ fired: string[]; checked: number }> {
    const fired: string[] = [];
    let checked = 0;
    let cursor: string | undefined;
    do {
      const page = await this.store.listModels({ limit: 100, cursor });
      for (const model of page.items) {
        if (signal?.aborted) return { fired, checked };
        checked++;
        const { effective } = await this.registry.config(model.model_id);
        if (!effective.triggers.schedule.enabled) continue;
        const c = scheduledCandidate(effective.triggers.schedule.cron, this.clock(), model.created_at);
        if (!c) continue;
        try {
          const r = await this.fire(model.model_id, c, SYSTEM_ACTOR, 0);
          if (r.fired) fired.push(model.model_id);
        } catch (e) {
          this.options.log?.('error', 'scheduled retraining trigger failed', { model_id: model.model_id, err: e instanceof Error ? e.message : String(e) });
        }
      }
      cursor = page.next_cursor;
    } while (cursor);
    return { fired, checked };
  }
}
