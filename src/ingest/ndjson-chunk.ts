import type { Model } from '../domain/model-schema.js';
import { type IngestOptions, type PreparedChunk, buildChunk, planRows } from './prepare-rows.js';

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

/**
 * Parse and validate one chunk of NDJSON: whole lines (the last one of the stream may lack its
 * newline). `first` marks the stream's first chunk, the only place a byte order mark is
 * dropped. Lines: CR before LF is dropped, blank lines are skipped and count as lines but not
 * rows, a line that is not JSON is a row with a line error. Runs on the main thread or in a
 * parse worker with the same result.
 */
export async function prepareNdjsonChunk(
  bytes: Uint8Array,
  first: boolean,
  options: IngestOptions,
  now: number,
  resolve: ModelResolver,
): Promise<ChunkResult> {
  const text = new TextDecoder('utf-8', { fatal: false, ignoreBOM: !first }).decode(bytes);
  const values: unknown[] = [];
  const lineErrors: LineError[] = [];
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
      try {
        values.push(JSON.parse(line) as unknown);
      } catch (e) {
        lineErrors.push({ row: values.length, line: lines, message: (e as Error).message });
        values.push(undefined);
      }
    }
    lines++;
    start = nl + 1;
  }
  const plan = planRows(values, options, 0);
  const ids = [...plan.groups.keys()];
  const models = ids.length ? await resolve(ids) : new Map<string, Model | null>();
  const chunk = buildChunk(values, plan, models, options, 0, now);
  return { chunk, lineErrors, rows: values.length, lines };
}
