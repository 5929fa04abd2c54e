import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { newId } from '../domain/ids.js';
import type { Model } from '../domain/model-schema.js';
import { DAY_MS, toIso } from '../domain/time.js';
import { AuditLog, SYSTEM_ACTOR } from '../observability/audit.js';
import type { JobRunRecord, RetentionPlan, Store } from '../store/store.js';
import { LegalHolds } from './legal-hold.js';

export const RETENTION_JOB = 'retention';

/** How a retention run behaves. */
export interface RetentionOptions {
  /** at most this many predictions per delete (one short transaction each); default 2000 */
  batchSize?: number;
  clock?: () => number;
  /** stops the run between batches (shutdown); the run is recorded as failed with what was done */
  signal?: AbortSignal;
  /**
   * Move a model's cutoff earlier (e.g. a legal hold keeps an incident's period). Receives the
   * cutoff from `settings.retention_days` and returns the one to use (never later).
   */
  cutoffFor?: (model: Model, cutoff: number) => Promise<number> | number;
  /**
   * Legal holds: the analysis periods of incidents not yet released (open or not exported) are
   * never deleted. Default: holds computed from the store's incidents, released by export or
   * resolution.
   */
  holds?: LegalHolds;
}

/** What one retention run did, also stored as the job run's details. */
export interface RetentionResult {
  run_id: string;
  status: 'succeeded' | 'failed';
  /** predictions deleted per model */
  deleted: Record<string, number>;
  total_deleted: number;
  /** cutoff (ISO) per model: whole UTC days before its day are deleted */
  cutoffs: Record<string, string>;
  /** per-model failures (the other models are still processed) */
  errors: Record<string, string>;
  /** incidents whose analysis period was kept, per model (legal hold) */
  held: Record<string, string[]>;
  /** whole time partitions detached and dropped (PostgreSQL), counted in `deleted` too */
  partitions_dropped: string[];
}

async function* allModels(store: Store): AsyncGenerator<Model> {
  let cursor: string | undefined;
  do {
    const page = await store.listModels({ limit: 100, cursor });
    yield* page.items;
    cursor = page.next_cursor;
  } while (cursor);
}

/**
 * Delete every model's predictions older than its `settings.retention_days`, in small batches
 * through `store.deletePredictionsBefore`, yielding to the event loop between batches so
 * ingestion in the same process keeps its latency. Records a job run (`retention`) when it
 * starts and again with the counts when it ends; never throws for a failure of the deletes
 * (those are recorded), only when the job run itself cannot be recorded.
 */
export async function runRetention(store: Store, options: RetentionOptions = {}): Promise<RetentionResult> {
  const clock = options.clock ?? Date.now;
  const batchSize = Math.max(1, options.batchSize ?? 2000);
  const run: JobRunRecord = {
    id: newId('job', clock()),
    job: RETENTION_JOB,
    model_id: null,
    status: 'running',
    started_at: clock(),
    finished_at: null,
    details: {},
    error: null,
  };
  await store.recordJobRun(run);
  const result: RetentionResult = { run_id: run.id, status: 'succeeded', deleted: {}, total_deleted: 0, cutoffs: {}, errors: {}, held: {}, partitions_dropped: [] };
  const holds = options.holds ?? new LegalHolds(store);
  const aborted = () => options.signal?.aborted === true;
  const count = (modelId: string, n: number) => {
    result.deleted[modelId] = (result.deleted[modelId] ?? 0) + n;
    result.total_deleted += n;
  };
  // every model's cutoff and held periods first: a time partition goes whole only when every
  // model with blocks in it may lose them (a model whose plan failed keeps its partitions)
  const plans: RetentionPlan[] = [];
  try {
    for await (const model of allModels(store)) {
      if (aborted()) break;
      try {
        const byAge = run.started_at - model.settings.retention_days * DAY_MS;
        const cutoff = options.cutoffFor ? Math.min(byAge, await options.cutoffFor(model, byAge)) : byAge;
        result.cutoffs[model.model_id] = toIso(cutoff);
        // read once per model: a hold placed during the run protects what the next run would delete
        const kept = await holds.keepFor(model.model_id);
        if (kept.incidents.length) result.held[model.model_id] = kept.incidents;
        plans.push({ model_id: model.model_id, before: cutoff, keep: kept.ranges });
      } catch (e) {
        result.errors[model.model_id] = e instanceof Error ? e.message : String(e);
      }
    }
  } catch (e) {
    result.errors['*'] = `listing models failed: ${e instanceof Error ? e.message : String(e)}`;
  }
  if (plans.length && !aborted()) {
    try {
      const dropped = await store.dropExpiredPartitions(plans);
      result.partitions_dropped = dropped.partitions;
      for (const [modelId, n] of Object.entries(dropped.deleted)) count(modelId, n);
    } catch (e) {
      result.errors['*partitions'] = `dropping partitions failed: ${e instanceof Error ? e.message : String(e)}`;
    }
  }
  for (const plan of plans) {
    if (aborted()) break;
    try {
      let deleted = 0;
      for (;;) {
        const step = await store.deletePredictionsBefore(plan.model_id, plan.before, batchSize, plan.keep);
        deleted += step.deleted;
        if (step.done || aborted()) break;
        await yieldToEventLoop();
      }
      count(plan.model_id, deleted);
    } catch (e) {
      result.errors[plan.model_id] = e instanceof Error ? e.message : String(e);
    }
    await yieldToEventLoop();
  }
  const problems = Object.entries(result.errors).map(([m, err]) => `${m}: ${err}`);
  if (aborted()) problems.push('interrupted (shutdown) before every model was processed');
  result.status = problems.length ? 'failed' : 'succeeded';
  const details = { deleted: result.deleted, total_deleted: result.total_deleted, cutoffs: result.cutoffs, held: result.held, partitions_dropped: result.partitions_dropped, batch_size: batchSize };
  await store.recordJobRun({
    ...run,
    status: result.status,
    finished_at: clock(),
    details,
    error: problems.length ? problems.join('; ').slice(0, 4000) : null,
  });
  // the audit trail says what retention removed and what legal holds kept
  await new AuditLog(store, clock).record(SYSTEM_ACTOR, { action: 'retention.run', target_type: 'job_run', target_id: run.id, details: { status: result.status, ...details, errors: result.errors } });
  return result;
}
