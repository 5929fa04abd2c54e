import type { MonitoringService } from '../analysis/monitoring-service.js';
import type { Model } from '../domain/model-schema.js';
import type { MonitoringRecordRow } from '../store/monitoring-store.js';
import type { Store } from '../store/store.js';
import { type Scheduler, type SchedulerLog, type TickInfo, cronProblem } from './scheduler.js';

/** Scheduled analyses are jobs named `analysis:<model_id>`. */
export const ANALYSIS_JOB_PREFIX = 'analysis:';
export const analysisJobName = (modelId: string) => `${ANALYSIS_JOB_PREFIX}${modelId}`;

export interface AnalysisSchedulingOptions {
  /** how often the registered models are read again, to pick up new models and schedule changes (ms, default 60 000) */
  refreshMs?: number;
  /** analyses running at once across models (default 1: a window can be large) */
  concurrency?: number;
  /**
   * Where a scheduled window ends: at the cron tick's slot (default; the same on every instance,
   * so a tick's record can be found again by an instance taking the tick over), or at the
   * monitoring service's clock (tests that inject one).
   */
  windowEnd?: 'tick' | 'clock';
  log?: SchedulerLog;
}

/** What a refresh changed. */
export interface RefreshResult {
  added: string[];
  changed: string[];
  removed: string[];
  /** models whose schedule is not a valid cron expression (logged, not scheduled) */
  invalid: string[];
}

/**
 * One cron job per registered model on `model.settings.schedule` (UTC), running
 * `monitoring.analyze(model, 'schedule')`. The model list is read again every `refreshMs`, so
 * new models, removed models and schedule changes are picked up without a restart. A failed
 * analysis is a failed record and job run (MonitoringService sees to that) and the next tick
 * runs as usual.
 */
export class AnalysisScheduling {
  private readonly schedules = new Map<string, string>();
  private timer?: NodeJS.Timeout;
  private refreshing?: Promise<RefreshResult>;
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly refreshMs: number;
  private readonly concurrency: number;
  private readonly windowEnd: 'tick' | 'clock';
  private readonly log?: SchedulerLog;

  constructor(
    private readonly scheduler: Scheduler,
    private readonly store: Store,
    private readonly monitoring: MonitoringService,
    options: AnalysisSchedulingOptions = {},
  ) {
    this.refreshMs = options.refreshMs ?? 60_000;
    this.concurrency = Math.max(1, options.concurrency ?? 1);
    this.windowEnd = options.windowEnd ?? 'tick';
    this.log = options.log;
  }

  /** Schedule every model now and re-read the models every `refreshMs`. */
  async start(): Promise<RefreshResult> {
    const first = await this.refresh().catch((e: unknown): RefreshResult => {
      this.log?.error({ err: e }, 'reading the models for scheduling failed; retrying at the next refresh');
      return { added: [], changed: [], removed: [], invalid: [] };
    });
    this.timer ??= setInterval(() => void this.refresh().catch((e: unknown) => this.log?.error({ err: e }, 'reading the models for scheduling failed')), this.refreshMs);
    this.timer.unref();
    return first;
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Bring the per-model jobs in line with the registered models (one refresh at a time). */
  refresh(): Promise<RefreshResult> {
    this.refreshing ??= this.sync().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async sync(): Promise<RefreshResult> {
    const out: RefreshResult = { added: [], changed: [], removed: [], invalid: [] };
    const seen = new Set<string>();
    let cursor: string | undefined;
    do {
      const page = await this.store.listModels({ limit: 500, cursor });
      for (const model of page.items) {
        seen.add(model.model_id);
        this.place(model, out);
      }
      cursor = page.next_cursor;
    } while (cursor);
    for (const id of [...this.schedules.keys()]) {
      if (seen.has(id)) continue;
      this.scheduler.remove(analysisJobName(id));
      this.schedules.delete(id);
      out.removed.push(id);
    }
    if (out.added.length || out.changed.length || out.removed.length) this.log?.info(out, 'analysis schedules updated');
    return out;
  }

  private place(model: Model, out: RefreshResult): void {
    const id = model.model_id;
    const cron = model.settings.schedule;
    const current = this.schedules.get(id);
    if (current === cron) return;
    const problem = cronProblem(cron);
    if (current !== undefined) this.scheduler.remove(analysisJobName(id));
    this.schedules.delete(id);
    if (problem) {
      this.log?.error({ model_id: id, schedule: cron, problem }, 'the model schedule is not a valid cron expression; its analyses are not scheduled');
      out.invalid.push(id);
      return;
    }
    this.scheduler.add({ name: analysisJobName(id), cron, run: (signal, tick) => this.analyze(id, signal, tick) });
    this.schedules.set(id, cron);
    (current === undefined ? out.added : out.changed).push(id);
  }

  /** The cron expression a model is scheduled on here (undefined when not scheduled). */
  scheduleOf(modelId: string): string | undefined {
    return this.schedules.get(modelId);
  }

  /**
   * One scheduled analysis, waiting for a free slot; skipped when the scheduler stops meanwhile.
   * A cron tick analyses the window that ends at the tick's slot, so the record of a tick is the
   * same whichever instance computes it and can be found again: an instance taking over a tick
   * whose holder died first looks for the record the holder may have stored, and when it is
   * there only tells the listeners again instead of storing a second record.
   */
  private async analyze(modelId: string, signal: AbortSignal, tick?: TickInfo): Promise<MonitoringRecordRow | { status: 'skipped' }> {
    if (this.active < this.concurrency) this.active++;
    else await new Promise<void>((resolve) => this.waiting.push(resolve)); // the slot is handed over
    try {
      if (signal.aborted) return { status: 'skipped' };
      const at = this.windowEnd === 'tick' ? tick?.at : undefined;
      if (at !== undefined && tick?.takeover) {
        const stored = await this.recordOfTick(modelId, at);
        if (stored) {
          this.log?.info({ model_id: modelId, record_id: stored.record_id }, 'the tick’s record was stored before the takeover; telling its listeners again');
          await this.monitoring.republish(stored);
          return stored;
        }
      }
      try {
        return await this.monitoring.analyze(modelId, 'schedule', at !== undefined ? { now: at } : {});
      } catch (e) {
        // another instance stored this tick's record first (the store refuses a second one)
        const stored = at !== undefined ? await this.recordOfTick(modelId, at).catch(() => undefined) : undefined;
        if (!stored) throw e;
        this.log?.warn({ model_id: modelId, record_id: stored.record_id }, 'another instance stored this tick’s record first; keeping it');
        return stored;
      }
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }

  private async recordOfTick(modelId: string, tickAt: number): Promise<MonitoringRecordRow | undefined> {
    const page = await this.store.listRecords({ model_id: modelId, from: tickAt, to: tickAt + 1, limit: 10 });
    return page.items.find((r) => r.trigger === 'schedule');
  }
}
