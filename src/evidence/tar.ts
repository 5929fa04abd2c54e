import { once } from 'node:events';
import type { Readable, Writable } from 'node:stream';

/**
 * A minimal POSIX ustar writer and reader: regular files only, names up to 100 bytes (the
 * bundle names its own files), streamed in both directions so a file of any size passes
 * through in chunks. Enough for evidence bundles; no dependency.
 */

const BLOCK = 512;
const ZERO = Buffer.alloc(BLOCK);

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, '0') + '\0';
}

/** The 512-byte header of a regular file. */
export function tarHeader(name: string, size: number, mtimeMs: number): Buffer {
  const h = Buffer.alloc(BLOCK);
  const nameBytes = Buffer.from(name, 'utf8');
  if (nameBytes.length > 100) throw new Error(`tar: name longer than 100 bytes: ${name}`);
  if (size > 0o77777777777) throw new Error('tar: file larger than 8 GiB');
  nameBytes.copy(h, 0);
  h.write(octal(0o644, 8), 100, 'ascii');
  h.write(octal(0, 8), 108, 'ascii');
  h.write(octal(0, 8), 116, 'ascii');
  h.write(octal(size, 12), 124, 'ascii');
  h.write(octal(Math.floor(mtimeMs / 1000), 12), 136, 'ascii');
  h.write('        ', 148, 'ascii'); // checksum is computed with its own field as spaces
  h.write('0', 156, 'ascii');
  h.write('ustar\0', 257, 'ascii');
  h.write('00', 263, 'ascii');
  h.write('driftwatch', 265, 'ascii');
  h.write('driftwatch', 297, 'ascii');
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += h[i];
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'ascii');
  return h;
}

const padding = (size: number) => (BLOCK - (size % BLOCK)) % BLOCK;

/** Writes files into a tar stream, honouring backpressure. */
export class TarWriter {
  constructor(private readonly out: Writable) {}

  private async write(chunk: Buffer): Promise<void> {
    if (!this.out.write(chunk)) await once(this.out, 'drain');
  }

  async addBuffer(name: string, data: Buffer, mtimeMs: number): Promise<void> {
    await this.addStream(name, data.length, [data], mtimeMs);
  }

  /** Add a file whose `size` is known; throws when the source yields another number of bytes. */
  async addStream(name: string, size: number, source: AsyncIterable<Buffer> | Iterable<Buffer>, mtimeMs: number): Promise<void> {
    await this.write(tarHeader(name, size, mtimeMs));
    let written = 0;
    for await (const chunk of source) {
      written += chunk.length;
      if (written > size) throw new Error(`tar: ${name} is longer than the ${size} bytes announced`);
      await this.write(chunk);
    }
    if (written !== size) throw new Error(`tar: ${name} has ${written} bytes, ${size} announced`);
    const pad = padding(size);
    if (pad) await this.write(ZERO.subarray(0, pad));
  }

  /** The two zero blocks that end an archive; then the stream is ended. */
  async finish(): Promise<void> {
    await this.write(Buffer.alloc(2 * BLOCK));
    this.out.end();
  }
}

/** One file of an archive as it is read. */
export interface TarEntryStart {
  name: string;
  size: number;
}

/** A header that is not a valid ustar header (damaged or not a tar file). */
export class TarFormatError extends Error {}

function parseHeader(h: Buffer): TarEntryStart | null {
  if (h.every((b) => b === 0)) return null;
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : h[i];
  const stored = parseInt(h.toString('ascii', 148, 156).replace(/[\0 ]+$/, '').trim(), 8);
  if (stored !== sum) throw new TarFormatError('tar header checksum mismatch');
  const end = h.indexOf(0, 0);
  const name = h.toString('utf8', 0, end < 0 || end > 100 ? 100 : end);
  const size = parseInt(h.toString('ascii', 124, 136).replace(/[\0 ]+$/, '').trim() || '0', 8);
  if (!Number.isFinite(size) || size < 0) throw new TarFormatError(`bad size in the header of ${name}`);
  return { name, size };
}

/**
 * Read an archive: `onEntry` is called for each file and returns a consumer of its bytes,
 * which are passed in chunks as they arrive (never the whole file at once).
 */
export async function readTar(input: Readable, onEntry: (e: TarEntryStart) => { data(chunk: Buffer): void; end(): void }): Promise<void> {
  let buf: Buffer = Buffer.alloc(0);
  let remaining = 0;
  let skip = 0;
  let consumer: { data(chunk: Buffer): void; end(): void } | null = null;
  let ended = false;
  for await (const chunk of input as AsyncIterable<Buffer>) {
    if (ended) continue; // what follows the end-of-archive blocks (record padding) is read and ignored
    buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
    for (;;) {
      if (ended) break;
      if (consumer) {
        const take = Math.min(remaining, buf.length);
        if (take > 0) consumer.data(buf.subarray(0, take));
        buf = buf.subarray(take);
        remaining -= take;
        if (remaining > 0) break;
        consumer.end();
        consumer = null;
        continue;
      }
      if (skip > 0) {
        const take = Math.min(skip, buf.length);
        buf = buf.subarray(take);
        skip -= take;
        if (skip > 0) break;
      }
      if (buf.length < BLOCK) break;
      const entry = parseHeader(buf.subarray(0, BLOCK));
      buf = buf.subarray(BLOCK);
      if (!entry) {
        ended = true;
        break;
      }
      consumer = onEntry(entry);
      remaining = entry.size;
      skip = padding(entry.size);
      if (remaining === 0) {
        consumer.end();
        consumer = null;
      }
    }
  }
  if (consumer || remaining > 0) throw new TarFormatError('the archive ends in the middle of a file');
  if (!ended) throw new TarFormatError('the archive has no end-of-archive blocks (truncated)');
}
