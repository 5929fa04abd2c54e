import type { Readable } from 'node:stream';
import { AppError } from '../errors/catalog.js';

/** One prediction or outcome per line: far below this in practice. */
export const DEFAULT_MAX_LINE_CHARS = 4 * 1024 * 1024;

/** One parsed line, or the problem with it. Line numbers start at 1; rows at 0. */
export type NdjsonItem = { row: number; line: number; value: unknown } | { row: number; line: number; error: string };

/**
 * Read NDJSON from a stream in chunks of parsed lines. Blank lines are skipped. A line that is
 * not JSON becomes an error item (the caller decides whether that fails the request). More
 * than `limitBytes` in total → 413; so is a line longer than `maxLineChars` (without it one
 * endless line would be buffered whole, up to `limitBytes`).
 */
export async function* readNdjson(
  stream: Readable | AsyncIterable<Buffer | string>,
  limitBytes: number,
  chunkRows = 4096,
  maxLineChars = DEFAULT_MAX_LINE_CHARS,
): AsyncGenerator<NdjsonItem[]> {
  let total = 0;
  let rest = '';
  let line = 0;
  let row = 0;
  let out: NdjsonItem[] = [];
  const decoder = new TextDecoder('utf-8', { fatal: false });
  const take = (text: string) => {
    line++;
    const t = text.endsWith('\r') ? text.slice(0, -1) : text;
    if (t.trim() === '') return;
    try {
      out.push({ row, line, value: JSON.parse(t) as unknown });
    } catch (e) {
      out.push({ row, line, error: `line ${line} is not valid JSON: ${(e as Error).message}` });
    }
    row++;
  };
  for await (const piece of stream) {
    const buf = typeof piece === 'string' ? Buffer.from(piece) : piece;
    total += buf.length;
    if (total > limitBytes) throw new AppError('payload_too_large', `the NDJSON body is larger than the limit of ${limitBytes} bytes`);
    const text = rest + decoder.decode(buf, { stream: true });
    let start = 0;
    let nl = text.indexOf('\n', start);
    while (nl >= 0) {
      take(text.slice(start, nl));
      start = nl + 1;
      nl = text.indexOf('\n', start);
      if (out.length >= chunkRows) {
        yield out;
        out = [];
      }
    }
    rest = text.slice(start);
    if (rest.length > maxLineChars) throw new AppError('payload_too_large', `line ${line + 1} is longer than the limit of ${maxLineChars} characters`);
  }
  rest += decoder.decode();
  if (rest.length) take(rest);
  if (out.length) yield out;
}
