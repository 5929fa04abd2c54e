import { statSync } from 'node:fs';
import { basename } from 'node:path';
import { inputError } from '../input-error.js';
import type { ColumnSlot } from './chunk-parser.js';
import type { ColumnKind } from './column-builders.js';
import { lineOfOffset, readCsvHeader, splitRanges } from './csv-file.js';
import type { RangeTask } from './csv-file.js';

/** A column to read: its header name and how to read its cells. */
export interface ColumnRequest {
  readonly name: string;
  readonly type: ColumnKind;
}

/** What runRanges needs to know of a range's result. */
export interface RangeOutcome {
  readonly quotedNewline: boolean;
  readonly error?: { readonly offset: number; readonly message: string };
}

/** Below this size a file is parsed in one range: splitting would cost more than it saves. */
export const MIN_SPLIT_BYTES = 2 << 20;

/**
 * Splits a CSV file into row-aligned byte ranges (one per thread), after checking that every
 * requested column is in the header. Errors name the file and the missing column.
 */
export function planCsvRanges(
  path: string,
  columns: readonly ColumnRequest[],
  parts: number,
  minSplitBytes = MIN_SPLIT_BYTES,
): RangeTask[] {
  const file = basename(path);
  let header;
  try {
    header = readCsvHeader(path);
  } catch (e) {
    throw inputError({ file: path }, `cannot read the file (${(e as Error).message})`);
  }
  if (header.fields.length === 0) throw inputError({ file, line: 1 }, 'the file is empty: a header line is expected');
  const position = new Map<string, number>();
  header.fields.forEach((f, i) => {
    if (!position.has(f)) position.set(f, i);
  });
  const slots: ColumnSlot[] = columns.map((c) => {
    const index = position.get(c.name);
    if (index === undefined) {
      throw inputError({ file, line: 1, field: c.name }, `the header has no column '${c.name}'`);
    }
    return { name: c.name, index, type: c.type };
  });
  const size = statSync(path).size;
  const n = size - header.dataStart < minSplitBytes ? 1 : Math.max(1, parts);
  return splitRanges(path, header.dataStart, size, n).map(([start, end]) => ({
    path,
    start,
    end,
    fieldCount: header.fields.length,
    slots,
  }));
}

/**
 * Runs the range tasks of one file and checks their results: when a quoted field held a line
 * break the ranges may have been cut inside it, so the file is parsed again as one range
 * (likewise on an error, so that the error reported is a true one).
 * The first syntax error is thrown with its file and line.
 */
export async function runRanges<R extends RangeOutcome>(
  tasks: readonly RangeTask[],
  parse: (tasks: readonly RangeTask[]) => Promise<R[]>,
): Promise<R[]> {
  return checkRanges(tasks, await parse(tasks), parse);
}

/** The checks of {@link runRanges}, for results the caller ran (e.g. in one batch with another file's). */
export async function checkRanges<R extends RangeOutcome>(
  tasks: readonly RangeTask[],
  results: R[],
  parse: (tasks: readonly RangeTask[]) => Promise<R[]>,
): Promise<R[]> {
  if (results.length > 1 && results.some((r) => r.quotedNewline || r.error)) {
    results = await parse([{ ...tasks[0], end: tasks[tasks.length - 1].end }]);
  }
  for (const r of results) {
    if (r.error) {
      const path = tasks[0].path;
      throw inputError({ file: basename(path), line: lineOfOffset(path, r.error.offset) }, r.error.message);
    }
  }
  return results;
}
