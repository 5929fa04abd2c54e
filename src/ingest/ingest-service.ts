import type { Readable } from 'node:stream';
import { AppError, type FieldProblem, validationError } from '../errors/catalog.js';
import { MODEL_ID_PATTERN, type Model } from '../domain/model-schema.js';
import { parseTimestamp } from '../domain/time.js';
import type { ColumnSet } from '../store/blocks/columns.js';
import type { OutcomeRecord, Store } from '../store/store.js';
import type { GroupCommitWriter } from './group-commit.js';
import { MAX_ID_LENGTH, isValidPredictionId } from './prediction-builder.js';
import { type NdjsonLimits, prepareNdjson } from './ndjson-ingest.js';
import { sharedParsePool } from './parse-pool.js';
import { type IngestOptions, type PreparedChunk, buildChunk, planRows } from './prepare-rows.js';

/** At most this many problems are listed in a response (the total is always given). */
export const MAX_LISTED_PROBLEMS = 1000;

export type { IngestOptions, PreparedChunk };

export interface IngestResult {
  /** rows newly stored */
  accepted: number;
  /** rows whose (model_id, prediction_id) was already stored (not written again) */
  duplicates: number;
  /** rows rejected (partial mode only; otherwise the request fails) */
  rejected: number;
  /** ids of the stored and duplicate rows, in request order (single and small requests only) */
  prediction_ids?: string[];
  errors: FieldProblem[];
}

/** The rows of one accepted batch, for metrics that look at columns (labels, confidence). */
export interface AcceptedBatch {
  columns: ColumnSet;
  /** rows of `columns` that were duplicates (not stored) */
  duplicateRows: readonly number[];
}

/** Listeners for metrics: what was ingested and what was rejected, per model. */
export interface IngestObserver {
  accepted?(model: Model, rows: number, versions: Map<string, number>, batch: AcceptedBatch): void;
  /** `reason`: the top-level field of the first problem ('body' for a row that is no object) */
  rejected?(reason: string, rows: number, kind?: 'prediction' | 'outcome'): void;
  /** outcomes stored for one model */
  outcomes?(modelId: string, rows: number): void;
}

/**
 * Validates and writes predictions and outcomes. Validation happens before anything is
 * written; the answer comes after the commit (through the group-commit writer).
 */
export class IngestService {
  constructor(
    private readonly store: Store,
    private readonly writer: GroupCommitWriter,
    private readonly clock: () => number = Date.now,
    private readonly observer: IngestObserver = {},
  ) {}

  /** Models by id (null when not registered). */
  async models(ids: Iterable<string>): Promise<Map<string, Model | null>> {
    const out = new Map<string, Model | null>();
    // an id that cannot have been registered is unknown without asking the store (it may hold
    // text the store cannot even compare, such as NUL on PostgreSQL)
    for (const id of ids) out.set(id, MODEL_ID_PATTERN.test(id) ? await this.store.getModel(id) : null);
    return out;
  }

  /** Ingest an array of prediction objects (the JSON endpoint and each NDJSON chunk). */
  async ingestPredictions(rows: unknown[], options: IngestOptions): Promise<IngestResult> {
    const prepared = await this.prepare(rows, options, 0);
    return this.commit([prepared], options, rows.length <= 1000);
  }

  /**
   * Validate a chunk of rows (row numbers start at `firstRow`). Nothing is written. Used by the
   * NDJSON stream, which validates chunk by chunk and commits everything at the end.
   */
  async prepare(rows: unknown[], options: IngestOptions, firstRow: number): Promise<PreparedChunk> {
    const now = this.clock();
    const plan = planRows(rows, options, firstRow);
    return buildChunk(rows, plan, await this.models(plan.groups.keys()), options, firstRow, now);
  }

  /**
   * Validate an NDJSON stream of any length (parsed on worker threads when it is large).
   * Nothing is written; commit the result.
   */
  async prepareNdjson(stream: Readable | AsyncIterable<Buffer | string>, options: IngestOptions, limits: NdjsonLimits): Promise<PreparedChunk[]> {
    return prepareNdjson(stream, options, this.clock(), (ids) => this.models(ids), limits, sharedParsePool());
  }

  /** Write validated chunks in one group commit (all or nothing unless partial). */
  async commit(chunks: PreparedChunk[], options: IngestOptions, withIds: boolean): Promise<IngestResult> {
    const problems = chunks.flatMap((c) => c.problems);
    const rejected = chunks.reduce((s, c) => s + c.rejectedRows, 0);
    const unknownRows = chunks.reduce((s, c) => s + c.unknownModelRows, 0);
    if (rejected > 0 && unknownRows === rejected && chunks.every((c) => c.batches.length === 0)) {
      const modelId = chunks.find((c) => c.unknownModels.length)!.unknownModels[0];
      throw new AppError('model_not_found', `no model "${modelId}" is registered`, { model_id: modelId });
    }
    if (problems.length > 0) {
      this.observer.rejected?.(problems[0].field.split('.')[0] || 'body', rejected);
      if (!options.partial) throw validationError(problems.slice(0, MAX_LISTED_PROBLEMS), `${rejected} row(s) rejected, nothing written: ${describe(problems[0])}`);
    }
    const batches = chunks.flatMap((c) => c.batches);
    const results = batches.length ? await this.writer.write(batches) : [];
    let accepted = 0;
    let duplicates = 0;
    for (const r of results) {
      accepted += r.inserted;
      duplicates += r.duplicates.length;
    }
    let i = 0;
    for (const c of chunks) {
      for (const a of c.accepted) {
        const r = results[i++];
        const versions = new Map<string, number>();
        const mv = batches[i - 1].columns.columns.get('mv');
        if (mv && mv.kind === 'dict') {
          const dup = new Set(r.duplicateRows);
          for (let row = 0; row < mv.codes.length; row++) {
            if (dup.has(row)) continue;
            const v = mv.codes[row] < 0 ? '' : mv.dict[mv.codes[row]];
            versions.set(v, (versions.get(v) ?? 0) + 1);
          }
        }
        if (a.count - r.duplicates.length > 0) this.observer.accepted?.(a.model, a.count - r.duplicates.length, versions, { columns: batches[i - 1].columns, duplicateRows: r.duplicateRows });
      }
    }
    const result: IngestResult = { accepted, duplicates, rejected, errors: problems.slice(0, MAX_LISTED_PROBLEMS) };
    if (withIds && chunks.length === 1) {
      const ids: string[] = [];
      const c = chunks[0];
      for (const o of c.order) {
        if (!o) continue;
        const col = c.batches[o.batch].columns.columns.get('id');
        if (col && col.kind === 'str') ids.push(col.values[o.row] as string);
      }
      result.prediction_ids = ids;
    }
    return result;
  }

  /** Validate and store outcomes (delayed ground truth). */
  async ingestOutcomes(rows: unknown[], options: IngestOptions): Promise<{ accepted: number; linked: number; rejected: number; errors: FieldProblem[] }> {
    const now = this.clock();
    const problems: FieldProblem[] = [];
    const modelIds = new Set<string>();
    for (const r of rows) {
      const m = r !== null && typeof r === 'object' && !Array.isArray(r) ? ((r as Record<string, unknown>).model_id ?? options.defaultModelId) : undefined;
      if (typeof m === 'string' && m.length > 0 && m.length <= MAX_ID_LENGTH) modelIds.add(m);
    }
    const models = await this.models(modelIds);
    const good: OutcomeRecord[] = [];
    let unknownModel: string | undefined;
    let unknownRows = 0;
    rows.forEach((input, row) => {
      const before = problems.length;
      const bad = (field: string, problem: string) => problems.push({ row, field, problem });
      if (input === null || typeof input !== 'object' || Array.isArray(input)) return bad('', 'an outcome must be a JSON object');
      const o = input as Record<string, unknown>;
      const modelId = o.model_id ?? options.defaultModelId;
      if (typeof modelId !== 'string' || modelId.length === 0 || modelId.length > MAX_ID_LENGTH) return bad('model_id', 'is required (in the row or as ?model_id=)');
      const model = models.get(modelId);
      if (!model) {
        if (!options.partial && modelIds.size >= 1) throw new AppError('model_not_found', `no model "${modelId}" is registered`, { model_id: modelId });
        unknownModel ??= modelId;
        unknownRows++;
        return bad('model_id', `no model "${modelId}" is registered`);
      }
      let pid = o.prediction_id;
      if (typeof pid === 'number' && Number.isSafeInteger(pid)) pid = String(pid);
      if (!isValidPredictionId(pid)) bad('prediction_id', `is required: a string of 1–${MAX_ID_LENGTH} printable characters (well-formed Unicode)`);
      let ts = now;
      if (o.timestamp !== undefined && o.timestamp !== null) {
        ts = parseTimestamp(o.timestamp);
        if (Number.isNaN(ts)) bad('timestamp', 'must be an ISO-8601 date-time or epoch milliseconds');
      }
      let label: string | null = null;
      let value: number | null = null;
      const actual = o.actual ?? o.label ?? o.value ?? o.actual_label ?? o.actual_value;
      if (model.schema.task === 'regression') {
        if (typeof actual !== 'number' || !Number.isFinite(actual)) bad('actual', 'must be a finite number (the true value)');
        else value = actual;
      } else {
        const a = typeof actual === 'number' || typeof actual === 'boolean' ? String(actual) : actual;
        if (typeof a !== 'string' || !model.schema.labels.includes(a)) bad('actual', `must be one of the model's labels (${model.schema.labels.slice(0, 10).join(', ')})`);
        else label = a;
      }
      if (problems.length === before) good.push({ model_id: modelId, prediction_id: pid as string, label, value, timestamp: ts, received_at: now, prediction_ts: null });
    });
    const rejected = new Set(problems.map((p) => p.row)).size;
    // as for predictions: a request that names nothing but unknown models is a 404, partial or not
    if (unknownModel !== undefined && unknownRows === rows.length) throw new AppError('model_not_found', `no model "${unknownModel}" is registered`, { model_id: unknownModel });
    if (problems.length) this.observer.rejected?.(problems[0].field.split('.')[0] || 'body', rejected, 'outcome');
    if (problems.length && !options.partial) throw validationError(problems.slice(0, MAX_LISTED_PROBLEMS), `${rejected} outcome(s) rejected, nothing written: ${describe(problems[0])}`);
    // one outcome per prediction per write: a later row replaces an earlier one (a correction), and
    // PostgreSQL refuses an upsert that touches the same row twice in one statement
    const latest = new Map<string, OutcomeRecord>();
    for (const o of good) {
      const key = `${o.model_id}\u0000${o.prediction_id}`;
      latest.delete(key);
      latest.set(key, o);
    }
    const { linked } = await this.store.writeOutcomes([...latest.values()]);
    if (this.observer.outcomes) {
      const perModel = new Map<string, number>();
      for (const o of latest.values()) perModel.set(o.model_id, (perModel.get(o.model_id) ?? 0) + 1);
      for (const [m, n] of perModel) this.observer.outcomes(m, n);
    }
    return { accepted: good.length, linked, rejected, errors: problems.slice(0, MAX_LISTED_PROBLEMS) };
  }
}

const describe = (p: FieldProblem) => `${p.row !== undefined ? `row ${p.row}: ` : ''}${p.field ? `${p.field} ` : ''}${p.problem}`;
