import type { Model } from '../domain/model-schema.js';
import { newId, ulid } from '../domain/ids.js';
import { HOUR_MS, toIso } from '../domain/time.js';
import { AppError, type FieldProblem, validationError } from '../errors/catalog.js';
import { PredictionBuilder } from '../ingest/prediction-builder.js';
import { MAX_LISTED_PROBLEMS } from '../ingest/ingest-service.js';
import type { BaselineRow, MonitoringRecordRow } from '../store/monitoring-store.js';
import type { Store } from '../store/store.js';
import { type AnalysisArea, compareWithBaseline, periodOf, severityCounts } from './analyze.js';
import { buildBaseline, loadBaseline } from './baseline-profile.js';
import { explanationEdges } from './explanation-drift.js';
import { mergeThresholds, type Thresholds } from './thresholds.js';
import { type WindowData, windowFromColumns } from './window.js';
import { loadWindow, type WindowLoadTiming } from './window-loader.js';

export type AnalysisTrigger = 'schedule' | 'manual' | 'deploy' | 'cli';

/** Called after every stored record (alerting, metrics). Errors are logged, never thrown into the analysis. */
export type RecordListener = (record: MonitoringRecordRow, model: Model) => Promise<void> | void;

export interface BaselineOptions {
  model_version?: string | null;
  metadata?: Record<string, unknown>;
  created_by?: string | null;
  /** make it the active baseline (archiving the previous); default true */
  activate?: boolean;
}

const prefixed = (prefix: string, o: object) => Object.fromEntries(Object.entries(o).map(([k, v]) => [prefix + k, v]));

export const recordId = (now: number) => `MON-${new Date(now).getUTCFullYear()}-${ulid(now)}`;

/** Baselines and analyses of models: the monitoring loop's domain service. */
export class MonitoringService {
  private readonly listeners: RecordListener[] = [];

  constructor(
    private readonly store: Store,
    private readonly clock: () => number = Date.now,
    private readonly log: (level: 'info' | 'warn' | 'error', msg: string, extra?: Record<string, unknown>) => void = () => undefined,
  ) {}

  onRecord(listener: RecordListener): void {
    this.listeners.push(listener);
  }

  thresholdsOf(model: Model): Thresholds {
    return mergeThresholds(model.settings.thresholds);
  }

  private async model(modelId: string): Promise<Model> {
    const m = await this.store.getModel(modelId);
    if (!m) throw new AppError('model_not_found', `no model "${modelId}" is registered`);
    return m;
  }

  /**
   * Validation data (prediction-shaped rows, each optionally with `actual`) → a window. All rows
   * must be valid; every problem is listed.
   */
  validationWindow(model: Model, rows: unknown[]): WindowData {
    if (!Array.isArray(rows) || rows.length === 0) throw validationError([{ field: 'validation_data', problem: 'must be a non-empty array of predictions' }]);
    const problems: FieldProblem[] = [];
    const builder = new PredictionBuilder(model, rows.length, this.clock());
    const actuals: unknown[] = [];
    rows.forEach((row, i) => {
      let actual: unknown;
      let input = row;
      if (row && typeof row === 'object' && !Array.isArray(row) && 'actual' in row) {
        const { actual: a, ...rest } = row as Record<string, unknown>;
        actual = a;
        input = rest;
      }
      if (!builder.add(input, i, problems)) return;
      if (actual !== undefined && actual !== null) {
        const ok = model.schema.task === 'regression' ? typeof actual === 'number' && Number.isFinite(actual) : model.schema.labels.includes(String(actual));
        if (!ok) problems.push({ row: i, field: 'actual', problem: model.schema.task === 'regression' ? 'must be a finite number' : `must be one of the model's labels` });
      }
      actuals.push(actual ?? null);
    });
    if (problems.length) throw validationError(problems.slice(0, MAX_LISTED_PROBLEMS), `${new Set(problems.map((p) => p.row)).size} validation row(s) rejected`);
    const w = windowFromColumns(model.schema, [builder.build()], builder.rows);
    if (actuals.some((a) => a !== null)) {
      if (model.schema.task === 'regression') {
        w.actualValue = Float64Array.from(actuals, (a) => (a === null ? NaN : (a as number)));
        w.labelled = actuals.filter((a) => a !== null).length;
      } else {
        const index = new Map(model.schema.labels.map((l, i) => [l, i]));
        w.actualLabel = Int32Array.from(actuals, (a) => (a === null ? -1 : index.get(String(a))!));
        w.labelled = actuals.filter((a) => a !== null).length;
      }
    }
    return w;
  }

  /** Freeze a baseline from validation data. */
  async createBaselineFromRows(modelId: string, rows: unknown[], options: BaselineOptions = {}): Promise<BaselineRow> {
    const model = await this.model(modelId);
    return this.freeze(model, this.validationWindow(model, rows), 'validation_data', options);
  }

  /** Freeze a baseline from the predictions (and outcomes) logged in [from, to). */
  async createBaselineFromRange(modelId: string, from: number, to: number, options: BaselineOptions = {}): Promise<BaselineRow> {
    const model = await this.model(modelId);
    const w = await loadWindow(this.store, model, from, to);
    if (w.rows === 0) throw new AppError('validation_failed', `no predictions of "${modelId}" between ${toIso(from)} and ${toIso(to)}`, { problems: [{ field: 'from', problem: 'the range holds no predictions' }] });
    return this.freeze(model, w, 'time_range', { ...options, metadata: { ...options.metadata, range: { from: toIso(from), to: toIso(to) } } });
  }

  private async freeze(model: Model, w: WindowData, source: BaselineRow['source'], options: BaselineOptions): Promise<BaselineRow> {
    const row = buildBaseline(model, w, {
      now: this.clock(),
      createdBy: options.created_by ?? null,
      source,
      modelVersion: options.model_version ?? null,
      metadata: options.metadata ?? {},
      activate: options.activate !== false,
      thresholds: this.thresholdsOf(model),
    });
    await this.store.createBaseline(row);
    const { data: _data, ...rest } = row;
    return rest;
  }

  /**
   * Analyse a model's current window against its active baseline and store the record:
   * completed, skipped (no baseline, too few predictions) or failed. Never throws for an
   * analysis failure: that becomes a failed record and a failed job run.
   */
  async analyze(modelId: string, trigger: AnalysisTrigger, options: { now?: number; windowHours?: number } = {}): Promise<MonitoringRecordRow> {
    const model = await this.model(modelId);
    const started = performance.now();
    const now = options.now ?? this.clock();
    const to = now;
    const from = now - (options.windowHours ?? model.settings.window_hours) * HOUR_MS;
    const id = recordId(now);
    const jobId = newId('job', now);
    await this.store.recordJobRun({ id: jobId, job: 'analysis', model_id: modelId, status: 'running', started_at: this.clock(), finished_at: null, details: { trigger, record_id: id }, error: null });
    const base: Omit<MonitoringRecordRow, 'status' | 'body' | 'error' | 'sample_count' | 'duration_ms'> = {
      record_id: id,
      model_id: modelId,
      timestamp: now,
      period_start: from,
      period_end: to,
      baseline_id: null,
      aggregated_score: null,
      max_severity: null,
      trigger,
    };
    let record: MonitoringRecordRow;
    try {
      const thresholds = this.thresholdsOf(model);
      const baselineRow = await this.store.getActiveBaseline(modelId, true);
      const count = await this.store.countPredictions(modelId, from, to);
      const skipped = !baselineRow
        ? 'no active baseline: create one with POST /api/v1/monitoring/baselines'
        : count < model.settings.min_samples
          ? `only ${count} predictions in the window; at least ${model.settings.min_samples} are needed`
          : null;
      if (skipped || !baselineRow) {
        record = {
          ...base,
          baseline_id: baselineRow?.snapshot_id ?? null,
          status: 'skipped',
          sample_count: count,
          duration_ms: performance.now() - started,
          error: null,
          body: { analysis_period: periodOf(from, to), sample_count: count, skipped_reason: skipped, findings: [], summary: severityCounts([]) },
        };
      } else {
        const baseline = loadBaseline(baselineRow);
        const t0 = performance.now();
        const loadTiming: WindowLoadTiming = { count: 0, outcomes: 0, scan: 0, copy: 0 };
        // explanations are binned while the window loads (only their bins are compared)
        const w = await loadWindow(this.store, model, from, to, { timing: loadTiming, explanationEdges: explanationEdges(baseline.summary, baseline.samples) });
        const t1 = performance.now();
        const areaTiming: Partial<Record<AnalysisArea, number>> = {};
        const result = await compareWithBaseline(this.store, model, baseline, w, now, thresholds, { extraTests: model.settings.drift_tests, timing: areaTiming });
        const t2 = performance.now();
        record = {
          ...base,
          baseline_id: baselineRow.snapshot_id,
          status: 'completed',
          sample_count: w.rows,
          aggregated_score: result.aggregated_score,
          max_severity: result.max_severity,
          duration_ms: performance.now() - started,
          error: null,
          body: {
            analysis_period: periodOf(from, to),
            sample_count: w.rows,
            labelled_count: w.labelled,
            schema_version: model.schema_version,
            metrics: result.metrics,
            findings: result.findings,
            aggregated_score: result.aggregated_score,
            max_severity: result.max_severity,
            summary: severityCounts(result.findings),
            timing_ms: { load_window: t1 - t0, compute: t2 - t1, ...prefixed('load_', loadTiming), ...areaTiming },
          },
        };
      }
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      this.log('error', 'analysis failed', { model_id: modelId, record_id: id, err: message });
      record = {
        ...base,
        status: 'failed',
        sample_count: 0,
        duration_ms: performance.now() - started,
        error: message.slice(0, 2000),
        body: {
          analysis_period: periodOf(from, to),
          findings: [{ metric: 'analysis.failed', category: 'analysis', value: 1, threshold: null, severity: 'CRITICAL', message: message.slice(0, 500) }],
          max_severity: 'CRITICAL',
          summary: { critical_count: 1, warning_count: 0, info_count: 0 },
        },
      };
    }
    await this.store.insertRecord(record);
    await this.store.recordJobRun({
      id: jobId,
      job: 'analysis',
      model_id: modelId,
      status: record.status === 'completed' ? 'succeeded' : record.status,
      started_at: now,
      finished_at: this.clock(),
      details: { trigger, record_id: id, sample_count: record.sample_count, duration_ms: Math.round(record.duration_ms), ...(record.status === 'skipped' ? { reason: record.body.skipped_reason } : {}) },
      error: record.error,
    });
    await this.notify(record, model);
    return record;
  }

  /**
   * Tell the record listeners (alerting, retraining triggers, metrics) about a stored record
   * again: a scheduled tick taken over from an instance that stored the record and may have
   * died before its listeners ran (alerting's dedup keeps a repeat from alerting twice).
   */
  async republish(record: MonitoringRecordRow): Promise<void> {
    await this.notify(record, await this.model(record.model_id));
  }

  private async notify(record: MonitoringRecordRow, model: Model): Promise<void> {
    for (const l of this.listeners) {
      try {
        await l(record, model);
      } catch (e) {
        this.log('error', 'record listener failed', { record_id: record.record_id, err: e instanceof Error ? e.message : String(e) });
      }
    }
  }
}
