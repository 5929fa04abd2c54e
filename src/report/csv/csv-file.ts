import { closeSync, openSync, readSync } from 'node:fs';
import { ChunkParser, CsvSyntaxError } from './chunk-parser.js';
import type { ColumnSlot } from './chunk-parser.js';
import type { Column, ColumnTarget } from './column-builders.js';

/** The header of a CSV file: its field names and where the data rows begin. */
export interface CsvHeader {
  readonly fields: readonly string[];
  /** byte offset of the first data row (after a BOM and the header line) */
  readonly dataStart: number;
}

/** One byte range of a CSV file to parse; `start` is the beginning of a row. */
export interface RangeTask {
  readonly path: string;
  readonly start: number;
  readonly end: number;
  readonly fieldCount: number;
  readonly slots: readonly ColumnSlot[];
  /** numeric columns on SharedArrayBuffers, readable by other threads without a copy */
  readonly shared?: boolean;
  /** per slot, the slice a numeric column is written into (see ColumnTarget) */
  readonly targets?: readonly (ColumnTarget | null)[];
}

/** The columns of one range, or the first syntax error met in it. */
export interface RangeResult {
  readonly rowCount: number;
  readonly columns: Column[];
  /** a quoted field held a line break, so the split into ranges may be wrong */
  readonly quotedNewline: boolean;
  readonly error?: { readonly offset: number; readonly message: string };
}

const BLOCK = 8 << 20;

/** Reads the header line (RFC 4180 quoting, BOM skipped). An empty file has no fields. */
export function readCsvHeader(path: string): CsvHeader {
  const fd = openSync(path, 'r');
  try {
    let buf = Buffer.allocUnsafe(64 << 10);
    let len = 0;
    for (;;) {
      if (len === buf.length) buf = Buffer.concat([buf, Buffer.allocUnsafe(buf.length)]);
      const n = readSync(fd, buf, len, buf.length - len, len);
      len += n;
      const bom = len >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
      const line = splitHeaderLine(buf.toString('utf8', bom, len), n === 0);
      if (line) return { fields: line.fields, dataStart: bom + Buffer.byteLength(line.text, 'utf8') };
    }
  } finally {
    closeSync(fd);
  }
}

/** Splits the first line of `text` into fields; null when more text is needed to finish it. */
function splitHeaderLine(text: string, atEnd: boolean): { fields: string[]; text: string } | null {
  const fields: string[] = [];
  let cell = '';
  let inQuotes = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inQuotes) {
      if (ch === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (ch === '"') inQuotes = false;
      else cell += ch;
    } else if (ch === '"') inQuotes = true;
    else if (ch === ',') fields.push(cell), (cell = '');
    else if (ch === '\n' || ch === '\r') {
      fields.push(cell);
      const end = ch === '\r' && text[i + 1] === '\n' ? i + 2 : i + 1;
      if (ch === '\r' && i + 1 === text.length && !atEnd) return null;
      return { fields, text: text.slice(0, end) };
    } else cell += ch;
  }
  if (!atEnd) return null;
  if (text.length > 0) fields.push(cell);
  return { fields, text };
}

/**
 * Splits [dataStart, size) into at most `parts` ranges that begin at line starts. A range
 * boundary may still fall inside a quoted field that holds a line break; the parser reports
 * that and the caller parses the file in one range instead.
 */
export function splitRanges(path: string, dataStart: number, size: number, parts: number): [number, number][] {
  const cuts = [dataStart];
  const fd = openSync(path, 'r');
  try {
    const probe = Buffer.allocUnsafe(64 << 10);
    for (let k = 1; k < parts; k++) {
      let at = Math.max(cuts[cuts.length - 1], dataStart + Math.floor(((size - dataStart) * k) / parts));
      let cut = -1;
      while (at < size && cut < 0) {
        const n = readSync(fd, probe, 0, probe.length, at);
        const nl = probe.subarray(0, n).indexOf(10);
        if (nl >= 0) cut = at + nl + 1;
        at += n;
      }
      if (cut < 0 || cut >= size) break;
      if (cut > cuts[cuts.length - 1]) cuts.push(cut);
    }
  } finally {
    closeSync(fd);
  }
  return cuts.map((start, k) => [start, k + 1 < cuts.length ? cuts[k + 1] : size]);
}

let spareBlock: Buffer | undefined;

/**
 * A block buffer of at least `size` bytes, reused from one range to the next on this thread:
 * parsing is synchronous, and fresh memory costs page faults.
 */
function blockBuffer(size: number): Buffer {
  if (!spareBlock || spareBlock.length < size) spareBlock = Buffer.allocUnsafe(Math.max(size, BLOCK + 1));
  return spareBlock.subarray(0, size);
}

/** Parses one byte range of a file in blocks, so memory holds one block of text at a time. */
export function parseRange(task: RangeTask): RangeResult {
  const parser = new ChunkParser(task.slots, task.fieldCount, 0, task.shared === true, task.targets);
  const fd = openSync(task.path, 'r');
  try {
    // one spare byte after the data for the parser's end sentinel
    let buf = blockBuffer(Math.min(BLOCK, Math.max(1, task.end - task.start)) + 1);
    let carry = 0;
    let pos = task.start;
    let estimated = false;
    while (pos < task.end || carry > 0) {
      if (carry === buf.length - 1) buf = Buffer.concat([buf, Buffer.allocUnsafe(buf.length)]);
      const want = Math.min(buf.length - 1 - carry, task.end - pos);
      const n = want > 0 ? readSync(fd, buf, carry, want, pos) : 0;
      const bufOffset = pos - carry;
      pos += n;
      const len = carry + n;
      const final = pos >= task.end || (want > 0 && n === 0);
      const limit = final ? len : buf.lastIndexOf(10, len - 1) + 1;
      if (!estimated) {
        // size the columns once, from the line ends of the first 64 KiB: growing them would copy
        parser.reserve(estimateRows(buf, Math.min(len, 64 << 10), task.end - task.start), true);
        estimated = true;
      }
      const stop = parser.parse(buf, 0, limit > 0 ? limit : 0, final, bufOffset);
      carry = len - stop;
      if (final) break;
      buf.copyWithin(0, stop, len);
    }
    return { rowCount: parser.rows, columns: parser.finish(), quotedNewline: parser.quotedNewline };
  } catch (e) {
    if (e instanceof CsvSyntaxError) {
      return { rowCount: 0, columns: [], quotedNewline: parser.quotedNewline, error: { offset: e.offset, message: e.message } };
    }
    throw e;
  } finally {
    closeSync(fd);
  }
}

/** Rows in file[start, end), judged by the line ends of its first 64 KiB, with 3 % to spare. */
export function estimateRangeRows(path: string, start: number, end: number): number {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(Math.min(64 << 10, Math.max(1, end - start)));
    const n = readSync(fd, buf, 0, buf.length, start);
    return estimateRows(buf, n, end - start);
  } finally {
    closeSync(fd);
  }
}

/** Rows in `total` bytes, judged by the line ends in buf[0, sample), with 3 % to spare. */
function estimateRows(buf: Buffer, sample: number, total: number): number {
  let lines = 0;
  for (let i = buf.indexOf(10); i >= 0 && i < sample; i = buf.indexOf(10, i + 1)) lines++;
  if (lines === 0) return 1024;
  return Math.ceil(((total * lines) / sample) * 1.03) + 64;
}

/** 1-based physical line number of a byte offset (for error messages). */
export function lineOfOffset(path: string, offset: number): number {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    let line = 1;
    for (let at = 0; at < offset; ) {
      const n = readSync(fd, buf, 0, Math.min(buf.length, offset - at), at);
      if (n === 0) break;
      for (let i = buf.indexOf(10, 0); i >= 0 && i < n; i = buf.indexOf(10, i + 1)) line++;
      at += n;
    }
    return line;
  } finally {
    closeSync(fd);
  }
}
