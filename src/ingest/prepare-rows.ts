import { AppError, type FieldProblem } from '../errors/catalog.js';
import type { Model } from '../domain/model-schema.js';
import type { PredictionBatch } from '../store/store.js';
import { MAX_ID_LENGTH, PredictionBuilder } from './prediction-builder.js';

/** Options of one ingestion request. */
export interface IngestOptions {
  /** keep the good rows and report the rejected ones (default: all or nothing) */
  partial: boolean;
  /** model of rows that do not name one */
  defaultModelId?: string;
}

/** Validated rows of one chunk, ready to commit. */
export interface PreparedChunk {
  batches: PredictionBatch[];
  accepted: { model: Model; count: number }[];
  problems: FieldProblem[];
  rejectedRows: number;
  order: { batch: number; row: number }[];
  /** models named by rows that are not registered (partial mode), and how many rows named them */
  unknownModels: string[];
  unknownModelRows: number;
}

/** Rows grouped by the model they name, and the rows that name none. */
export interface RowPlan {
  groups: Map<string, number[]>;
  problems: FieldProblem[];
}

/**
 * First pass over a chunk: which model each row belongs to. Pure and synchronous, so it runs
 * the same on the main thread and in the NDJSON parse workers.
 */
export function planRows(rows: readonly unknown[], options: IngestOptions, firstRow: number): RowPlan {
  const problems: FieldProblem[] = [];
  const groups = new Map<string, number[]>();
  rows.forEach((row, i) => {
    if (row === null || typeof row !== 'object' || Array.isArray(row)) {
      problems.push({ row: firstRow + i, field: '', problem: 'a prediction must be a JSON object' });
      return;
    }
    const modelId = (row as Record<string, unknown>).model_id ?? options.defaultModelId;
    if (typeof modelId !== 'string' || modelId.length === 0 || modelId.length > MAX_ID_LENGTH) {
      problems.push({ row: firstRow + i, field: 'model_id', problem: 'is required (in the row or as ?model_id=)' });
      return;
    }
    const list = groups.get(modelId);
    if (list) list.push(i);
    else groups.set(modelId, [i]);
  });
  return { groups, problems };
}

/**
 * Second pass: validate each group against its model straight into columns. `models` holds
 * every model the plan names (null when unknown). Throws model_not_found for an unknown model
 * unless partial. Nothing is written.
 */
export function buildChunk(
  rows: readonly unknown[],
  plan: RowPlan,
  models: ReadonlyMap<string, Model | null>,
  options: IngestOptions,
  firstRow: number,
  now: number,
): PreparedChunk {
  const problems = plan.problems;
  const batches: PredictionBatch[] = [];
  const accepted: { model: Model; count: number }[] = [];
  const order: { batch: number; row: number }[] = new Array(rows.length);
  const unknownModels: string[] = [];
  let unknownModelRows = 0;
  for (const [modelId, indices] of plan.groups) {
    const model = models.get(modelId);
    if (!model) {
      if (!options.partial) throw new AppError('model_not_found', `no model "${modelId}" is registered`, { model_id: modelId });
      // partial: row problems here; commit() answers 404 when nothing but unknown models was sent
      for (const i of indices) problems.push({ row: firstRow + i, field: 'model_id', problem: `no model "${modelId}" is registered` });
      unknownModels.push(modelId);
      unknownModelRows += indices.length;
      continue;
    }
    const builder = new PredictionBuilder(model, indices.length, now);
    for (const i of indices) {
      if (builder.add(rows[i], firstRow + i, problems)) order[i] = { batch: batches.length, row: builder.rows - 1 };
    }
    if (builder.rows > 0) {
      batches.push({ model_id: modelId, schema_version: model.schema_version, columns: builder.build() });
      accepted.push({ model, count: builder.rows });
    }
  }
  const rejectedRows = new Set(problems.map((p) => p.row)).size;
  return { batches, accepted, problems, rejectedRows, order, unknownModels, unknownModelRows };
}
