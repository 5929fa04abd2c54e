import type { Model } from '../domain/model-schema.js';
import { AppError, type FieldProblem } from '../errors/catalog.js';
import { MAX_ID_LENGTH, PredictionBuilder } from './prediction-builder.js';
import type { IngestOptions, PreparedChunk } from './prepare-rows.js';

/** A line that is not JSON, numbered within its chunk (row and line start at 0). */
export interface LineError {
  row: number;
  line: number;
  message: string;
}

/** A chunk of NDJSON validated into columns; rows and lines are numbered from the chunk's start. */
export interface ChunkResult {
  chunk: PreparedChunk;
  lineErrors: LineError[];
  /** non-blank lines (rows) and all lines in the chunk */
  rows: number;
  lines: number;
}

/** Resolves models by id (null when not registered). */
export type ModelResolver = (ids: string[]) => Promise<ReadonlyMap<string, Model | null>>;

/** The rows of one model within a chunk. */
interface Group {
  /** the model: undefined until resolved, null when not registered */
  model: Model | null | undefined;
  builder?: PredictionBuilder;
  problems: FieldProblem[];
  /** rows waiting for their model (unresolved or unknown): row numbers and parsed values */
  rows: number[];
  values: unknown[];
}

/**
 * Parse and validate one chunk of NDJSON: whole lines (the last one of the stream may lack its
 * newline). `first` marks the stream's first chunk, the only place a byte order mark is
 * dropped. Lines: CR before LF is dropped, blank lines are skipped and count as lines but not
 * rows, a line that is not JSON is a row with a line error. Runs on the main thread or in a
 * parse worker with the same result, which is what planRows + buildChunk give for the rows.
 *
 * Rows of a model in `known` are validated as soon as they are parsed, so their objects die
 * young (no promotion to the old generation, less GC); rows of other models wait for `resolve`.
 */
export async function prepareNdjsonChunk(
  bytes: Uint8Array,
  first: boolean,
  options: IngestOptions,
  now: number,
  resolve: ModelResolver,
  known: ReadonlyMap<string, Model | null> = new Map(),
): Promise<ChunkResult> {
  const text = new TextDecoder('utf-8', { fatal: false, ignoreBOM: !first }).decode(bytes);
  // rows <= lines: builders sized once
  let capacity = 1;
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) capacity++;
  const lineErrors: LineError[] = [];
  const planProblems: FieldProblem[] = [];
  const groups = new Map<string, Group>();
  let rows = 0;
  let lines = 0;
  let start = 0;
  const end = text.length;
  while (start < end) {
    let nl = text.indexOf('\n', start);
    if (nl < 0) nl = end;
    let stop = nl;
    if (stop > start && text.charCodeAt(stop - 1) === 13) stop--;
    const line = text.slice(start, stop);
    if (line.trim() !== '') {
      const row = rows++;
      let value: unknown;
      try {
        value = JSON.parse(line) as unknown;
      } catch (e) {
        lineErrors.push({ row, line: lines, message: (e as Error).message });
      }
      const modelId = modelOf(value, options, row, planProblems);
      if (modelId !== undefined) {
        let g = groups.get(modelId);
        if (!g) groups.set(modelId, (g = { model: known.get(modelId), problems: [], rows: [], values: [] }));
        if (g.model) (g.builder ??= new PredictionBuilder(g.model, capacity, now)).add(value, row, g.problems);
        else {
          g.rows.push(row);
          g.values.push(value);
        }
      }
    }
    lines++;
    start = nl + 1;
  }
  const unresolved = [...groups].filter(([, g]) => g.model === undefined).map(([id]) => id);
  if (unresolved.length) {
    const models = await resolve(unresolved);
    for (const id of unresolved) {
      const g = groups.get(id)!;
      g.model = models.get(id) ?? null;
      if (!g.model) continue;
      g.builder = new PredictionBuilder(g.model, g.rows.length, now);
      for (let k = 0; k < g.rows.length; k++) g.builder.add(g.values[k], g.rows[k], g.problems);
      g.rows = [];
      g.values = [];
    }
  }
  return { chunk: assemble(groups, planProblems, options), lineErrors, rows, lines };
}

/** planRows for one row: the model it names, or undefined with the problem recorded. */
function modelOf(value: unknown, options: IngestOptions, row: number, problems: FieldProblem[]): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    problems.push({ row, field: '', problem: 'a prediction must be a JSON object' });
    return undefined;
  }
  const modelId = (value as Record<string, unknown>).model_id ?? options.defaultModelId;
  if (typeof modelId !== 'string' || modelId.length === 0 || modelId.length > MAX_ID_LENGTH) {
    problems.push({ row, field: 'model_id', problem: 'is required (in the row or as ?model_id=)' });
    return undefined;
  }
  return modelId;
}

/** The chunk as buildChunk makes it: problems of the plan first, then each model's in order of appearance. */
function assemble(groups: Map<string, Group>, planProblems: FieldProblem[], options: IngestOptions): PreparedChunk {
  const problems = planProblems;
  const batches: PreparedChunk['batches'] = [];
  const accepted: PreparedChunk['accepted'] = [];
  const unknownModels: string[] = [];
  let unknownModelRows = 0;
  for (const [modelId, g] of groups) {
    if (!g.model) {
      if (!options.partial) throw new AppError('model_not_found', `no model "${modelId}" is registered`, { model_id: modelId });
      for (const row of g.rows) problems.push({ row, field: 'model_id', problem: `no model "${modelId}" is registered` });
      unknownModels.push(modelId);
      unknownModelRows += g.rows.length;
      continue;
    }
    for (const p of g.problems) problems.push(p);
    const b = g.builder!;
    if (b.rows > 0) {
      batches.push({ model_id: modelId, schema_version: g.model.schema_version, columns: b.build() });
      accepted.push({ model: g.model, count: b.rows });
    }
  }
  const rejectedRows = new Set(problems.map((p) => p.row)).size;
  return { batches, accepted, problems, rejectedRows, order: [], unknownModels, unknownModelRows };
}
