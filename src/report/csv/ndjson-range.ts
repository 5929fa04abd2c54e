import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { CategoricalBuilder, NumericBuilder } from './column-builders.js';
import type { RangeResult, RangeTask } from './csv-file.js';
import { splitRanges } from './csv-file.js';
import { NOT_A_NUMBER, parseNumberText } from './number-bytes.js';
import { inputError } from '../input-error.js';
import { MIN_SPLIT_BYTES } from './read-csv.js';
import type { ColumnRequest } from './read-csv.js';

const BLOCK = 8 << 20;

/**
 * Splits an NDJSON file (one JSON object per line) into ranges at line ends. JSON strings
 * cannot hold a raw line break, so any line end is a safe cut.
 */
export function planNdjsonRanges(
  path: string,
  columns: readonly ColumnRequest[],
  parts: number,
  minSplitBytes = MIN_SPLIT_BYTES,
): RangeTask[] {
  let size: number;
  try {
    size = statSync(path).size;
  } catch (e) {
    throw inputError({ file: path }, `cannot read the file (${(e as Error).message})`);
  }
  const slots = columns.map((c, index) => ({ name: c.name, index, type: c.type }));
  const n = size < minSplitBytes ? 1 : Math.max(1, parts);
  return splitRanges(path, 0, size, n).map(([start, end]) => ({ path, start, end, fieldCount: slots.length, slots }));
}

/** Parses the NDJSON lines of one byte range into columns (missing keys and null are missing). */
export function parseNdjsonRange(task: RangeTask): RangeResult {
  const numeric = task.slots.map((s) => (s.type === 'numeric' ? new NumericBuilder(1024, task.shared === true) : null));
  const categorical = task.slots.map((s) => (s.type === 'categorical' ? new CategoricalBuilder(1024) : null));
  let rows = 0;
  let lineOffset = task.start;
  const fd = openSync(task.path, 'r');
  try {
    let buf = Buffer.allocUnsafe(Math.min(BLOCK, Math.max(1, task.end - task.start)));
    let carry = 0;
    for (let pos = task.start; pos < task.end || carry > 0; ) {
      if (carry === buf.length) buf = Buffer.concat([buf, Buffer.allocUnsafe(buf.length)]);
      const n = readSync(fd, buf, carry, Math.min(buf.length - carry, task.end - pos), pos);
      pos += n;
      const len = carry + n;
      const final = pos >= task.end || n === 0;
      let start = 0;
      for (;;) {
        let nl = buf.indexOf(10, start);
        if (nl < 0 || nl >= len) {
          if (!final) break;
          nl = len;
        }
        // trim() also drops a byte order mark (U+FEFF) and a CR before the LF
        const text = buf.toString('utf8', start, nl).trim();
        if (text.length > 0) {
          const row = parseLine(text);
          if (typeof row === 'string') return failure(lineOffset, row);
          for (const b of numeric) b?.ensure(rows + 1);
          for (const b of categorical) b?.ensure(rows + 1);
          for (let k = 0; k < task.slots.length; k++) {
            const problem = storeValue(row[task.slots[k].name], rows, numeric[k], categorical[k]);
            if (problem) return failure(lineOffset, `field '${task.slots[k].name}': ${problem}`);
          }
          rows++;
        }
        lineOffset += nl + 1 - start;
        start = nl + 1;
        if (start >= len) break;
      }
      carry = Math.max(0, len - start);
      if (final) break;
      buf.copyWithin(0, start, len);
    }
  } finally {
    closeSync(fd);
  }
  const columns = task.slots.map((s, k) => (s.type === 'numeric' ? numeric[k]!.finish(rows) : categorical[k]!.finish(rows)));
  return { rowCount: rows, columns, quotedNewline: false };
}

function failure(offset: number, message: string): RangeResult {
  return { rowCount: 0, columns: [], quotedNewline: false, error: { offset, message } };
}

function parseLine(text: string): Record<string, unknown> | string {
  let row: unknown;
  try {
    row = JSON.parse(text);
  } catch (e) {
    return `not valid JSON (${(e as Error).message})`;
  }
  if (row === null || typeof row !== 'object' || Array.isArray(row)) return 'each line must be a JSON object';
  return row as Record<string, unknown>;
}

function storeValue(
  v: unknown,
  row: number,
  numeric: NumericBuilder | null,
  categorical: CategoricalBuilder | null,
): string | undefined {
  if (numeric) {
    let x: number | typeof NOT_A_NUMBER;
    if (v === null || v === undefined) x = NaN;
    else if (typeof v === 'number') x = v;
    else if (typeof v === 'boolean') x = v ? 1 : 0;
    else if (typeof v === 'string') x = parseNumberText(v);
    else x = NOT_A_NUMBER;
    if (x === NOT_A_NUMBER) return `${JSON.stringify(v)?.slice(0, 40)} is not a number`;
    numeric.values[row] = x;
    return undefined;
  }
  const c = categorical!;
  if (v === null || v === undefined) c.codes[row] = c.dictionary.codeOfString('');
  else if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') c.codes[row] = c.dictionary.codeOfString(String(v));
  else return 'a category must be a string, number or boolean';
  return undefined;
}
