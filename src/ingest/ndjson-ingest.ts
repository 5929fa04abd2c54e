import type { Readable } from 'node:stream';
import type { Model } from '../domain/model-schema.js';
import { AppError } from '../errors/catalog.js';
import { type ChunkResult, type ModelResolver, prepareNdjsonChunk } from './ndjson-chunk.js';
import { DEFAULT_MAX_LINE_CHARS } from './ndjson.js';
import type { ParsePool } from './parse-pool.js';
import type { IngestOptions, PreparedChunk } from './prepare-rows.js';

/** How an NDJSON body is read. */
export interface NdjsonLimits {
  /** more bytes than this in total → 413 */
  limitBytes: number;
  /** a line longer than this many characters → 413 */
  maxLineChars?: number;
  /** bytes per chunk handed to a parser (whole lines) */
  chunkBytes?: number;
}

const DEFAULT_CHUNK_BYTES = 1 << 20;
/** bodies smaller than this are parsed inline: a worker round trip would cost more than it saves */
const INLINE_BYTES = 128 * 1024;

class LineTooLong extends Error {}

/**
 * Validate an NDJSON stream into prepared chunks, nothing written. The stream is cut into
 * chunks of whole lines that are parsed on `pool`'s workers (several at once) or inline; the
 * results come back in stream order with rows and lines numbered across the whole body, and the
 * first failing chunk's error is the request's error, as if read one chunk after another.
 */
export async function prepareNdjson(
  stream: Readable | AsyncIterable<Buffer | string>,
  options: IngestOptions,
  now: number,
  resolveModels: ModelResolver,
  limits: NdjsonLimits,
  pool: ParsePool | null,
): Promise<PreparedChunk[]> {
  const models = new Map<string, Model | null>();
  const asking = new Map<string, Promise<void>>();
  // one store lookup per model per request, however many chunks ask at once
  const resolve: ModelResolver = async (ids) => {
    const missing = ids.filter((id) => !models.has(id) && !asking.has(id));
    if (missing.length) {
      const lookup = resolveModels(missing).then((got) => {
        for (const id of missing) models.set(id, got.get(id) ?? null);
      });
      for (const id of missing) asking.set(id, lookup);
    }
    await Promise.all(ids.map((id) => asking.get(id)));
    return models;
  };
  const useWorkers = pool !== null && pool.threads > 0;
  const inFlight = useWorkers ? pool.threads * 2 : 1;
  const results: Promise<ChunkResult>[] = [];
  const submit = (bytes: Uint8Array, first: boolean, whole: boolean) => {
    const p =
      useWorkers && !(whole && bytes.length < INLINE_BYTES) ? pool.run(bytes, first, options, now, models, resolve) : prepareNdjsonChunk(bytes, first, options, now, resolve, models);
    p.catch(() => undefined); // awaited in order below; this keeps an early failure from being "unhandled"
    results.push(p);
  };
  try {
    for await (const piece of chunkLines(stream, limits)) {
      submit(piece.bytes, piece.first, piece.whole);
      if (results.length >= inFlight) await results[results.length - inFlight];
    }
  } catch (e) {
    // an error in a chunk read before this point wins, as it would have when reading in order
    for (const r of results) await r;
    if (e instanceof LineTooLong) {
      let lines = 0;
      for (const r of results) lines += (await r).lines;
      throw new AppError('payload_too_large', `line ${lines + 1} is longer than the limit of ${limits.maxLineChars ?? DEFAULT_MAX_LINE_CHARS} characters`);
    }
    throw e;
  }
  const chunks: PreparedChunk[] = [];
  let rowOffset = 0;
  let lineOffset = 0;
  for (const r of results) {
    const { chunk, lineErrors, rows, lines } = await r;
    for (const p of chunk.problems) p.row = (p.row ?? 0) + rowOffset;
    if (lineErrors.length) {
      const lineProblems = lineErrors.map((e) => ({ row: e.row + rowOffset, field: '', problem: `line ${lineOffset + e.line + 1} is not valid JSON: ${e.message}` }));
      const invalid = new Set(lineProblems.map((p) => p.row));
      chunk.problems = [...lineProblems, ...chunk.problems.filter((p) => !invalid.has(p.row!))].sort((a, b) => a.row! - b.row!);
    }
    chunk.order = [];
    chunks.push(chunk);
    rowOffset += rows;
    lineOffset += lines;
  }
  return chunks;
}

/**
 * Cut a byte stream into chunks of whole lines of about `chunkBytes` (the last chunk may end
 * without a newline). Enforces the total size limit and the line length limit.
 */
export async function* chunkLines(
  stream: Readable | AsyncIterable<Buffer | string>,
  limits: NdjsonLimits,
): AsyncGenerator<{ bytes: Uint8Array; first: boolean; whole: boolean }> {
  const target = limits.chunkBytes ?? DEFAULT_CHUNK_BYTES;
  const maxLine = limits.maxLineChars ?? DEFAULT_MAX_LINE_CHARS;
  let parts: Buffer[] = [];
  let size = 0;
  /** position of the last newline among the buffered bytes, -1 when none */
  let lastNl = -1;
  let total = 0;
  let first = true;
  let emitted = false;
  for await (const piece of stream) {
    const buf = typeof piece === 'string' ? Buffer.from(piece) : piece;
    total += buf.length;
    if (total > limits.limitBytes) throw new AppError('payload_too_large', `the NDJSON body is larger than the limit of ${limits.limitBytes} bytes`);
    const nl = buf.lastIndexOf(10);
    if (nl >= 0) lastNl = size + nl;
    parts.push(buf);
    size += buf.length;
    if (size >= target && lastNl >= 0) {
      // whole lines of about `target` bytes each; the rest waits for more
      const joined = join(parts, size);
      let from = 0;
      while (size - from >= target) {
        const nl = joined.indexOf(10, from + target - 1);
        if (nl < 0) break;
        // a copy of its own: the parser may take (transfer) the buffer
        yield { bytes: joined.slice(from, nl + 1), first, whole: false };
        first = false;
        emitted = true;
        from = nl + 1;
      }
      const rest = joined.subarray(from);
      parts = rest.length ? [Buffer.from(rest.buffer, rest.byteOffset, rest.byteLength)] : [];
      size = rest.length;
      lastNl = rest.lastIndexOf(10);
    }
    // the buffered bytes past the last newline are one unfinished line; bytes >= characters,
    // so only a long one needs counting
    const open = size - (lastNl + 1);
    if (open > maxLine && Buffer.concat(parts).subarray(lastNl + 1).toString('utf8').length > maxLine) {
      if (lastNl >= 0) yield { bytes: join(parts, size).slice(0, lastNl + 1), first, whole: false };
      throw new LineTooLong();
    }
  }
  if (size > 0) yield { bytes: join(parts, size), first, whole: !emitted };
}

function join(parts: Buffer[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

