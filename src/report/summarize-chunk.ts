import type { PlannedColumn } from './column-plan.js';
import type { Column } from './csv/column-builders.js';
import { parseRange } from './csv/csv-file.js';
import type { RangeTask } from './csv/csv-file.js';
import { parseNdjsonRange } from './csv/ndjson-range.js';

/** A numeric column's part of a chunk: its finite values (in row order), and how many were not. */
export interface FinitePart {
  readonly values: Float64Array;
  /** missing or non-finite values */
  readonly missing: number;
  /** the values are at the start of the chunk's ColumnTarget slice */
  readonly inTarget?: boolean;
}

/** A categorical column's part of a chunk: count per category, and missing cells. */
export interface CountsPart {
  readonly categories: readonly string[];
  readonly counts: readonly number[];
  readonly missing: number;
}

/** What a chunk contributes per planned column (in plan order). */
export interface ChunkColumn {
  readonly summary: FinitePart | CountsPart | null;
  readonly raw: Column | null;
}

/** A parsed and summarised byte range of a reference or current file. */
export interface ChunkSummary {
  readonly rowCount: number;
  readonly quotedNewline: boolean;
  readonly error?: { readonly offset: number; readonly message: string };
  readonly columns: readonly ChunkColumn[];
}

/** Task payload: which range, in which format, and what to keep of each column. */
export interface SummarizeTask {
  readonly range: RangeTask;
  readonly format: 'csv' | 'ndjson';
  readonly plan: readonly PlannedColumn[];
}

/**
 * Parses a range and reduces it where it was parsed: numeric columns to their finite values,
 * categorical columns to counts. Sorting waits until a feature's chunks are put together: a
 * radix sort costs the same per value on one array as on its parts, and merging parts would not.
 */
export function summarizeChunk(task: SummarizeTask): ChunkSummary {
  const parsed = task.format === 'csv' ? parseRange(task.range) : parseNdjsonRange(task.range);
  if (parsed.error) return { rowCount: 0, quotedNewline: parsed.quotedNewline, error: parsed.error, columns: [] };
  const columns = task.plan.map((p, k): ChunkColumn => {
    const column = parsed.columns[k];
    if (!p.summary) return { summary: null, raw: column };
    if (column.type === 'numeric') {
      // with the raw values needed too, compact a copy; else compact in place
      if (p.raw) return { summary: finitePart(column.values.slice()), raw: column };
      // the CSV parser counts the non-finite values it writes: with none, there is nothing to move
      const part = column.nonFinite === 0 ? { values: column.values, missing: 0 } : finitePart(column.values);
      return { summary: column.inTarget ? { ...part, inTarget: true } : part, raw: null };
    }
    return { summary: countsPart(column.codes, column.dictionary), raw: p.raw ? column : null };
  });
  return { rowCount: parsed.rowCount, quotedNewline: parsed.quotedNewline, columns };
}

/** Moves the finite values to the front (in place) and counts the others. */
export function finitePart(values: Float64Array): FinitePart {
  const finite = compactFinite(values);
  return { values: values.subarray(0, finite), missing: values.length - finite };
}

// The loops below return a plain number: work after a long loop that is compiled while it runs
// has no type feedback yet and would cost a deoptimization on every call.

/** Moves the finite values to the front; returns how many there are. */
function compactFinite(values: Float64Array): number {
  let finite = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v - v === 0) values[finite++] = v; // false for NaN and ±inf
  }
  return finite;
}

function countsPart(codes: Int32Array, dictionary: readonly string[]): CountsPart {
  const perCode = new Float64Array(dictionary.length);
  const missing = countCodes(codes, perCode);
  return { categories: dictionary, counts: Array.from(perCode), missing };
}

/** Adds one to perCode[code] per row; returns the rows with a missing code. */
function countCodes(codes: Int32Array, perCode: Float64Array): number {
  let missing = 0;
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i];
    if (c < 0) missing++;
    else perCode[c]++;
  }
  return missing;
}
