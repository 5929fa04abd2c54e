import { createHash, type Hash } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';

/** A file of the bundle once written: where it is, its size, hash and row count. */
export interface SpooledFile {
  path: string;
  bytes: number;
  sha256: string;
  rows: number;
}

/** Bytes buffered before a write (fewer, larger writes; bounded memory). */
const FLUSH_AT = 1 << 20;

/**
 * NDJSON written to a temporary file as rows come, hashed on the way. A tar header needs the
 * file's size before its bytes, so large files are spooled first and copied into the archive
 * after; only about a megabyte of text is held at a time.
 */
export class NdjsonSpool {
  private readonly out: WriteStream;
  private readonly hash: Hash = createHash('sha256');
  private pending: string[] = [];
  private pendingChars = 0;
  private bytes = 0;
  private rows = 0;

  constructor(readonly path: string) {
    this.out = createWriteStream(path);
  }

  /** Add one row (buffered); call `drain()` between batches of rows. */
  push(row: unknown): void {
    const line = `${JSON.stringify(row)}\n`;
    this.pending.push(line);
    this.pendingChars += line.length;
    this.rows++;
  }

  /** Write the buffered rows once there are enough of them, waiting for the disk when it lags. */
  async drain(force = false): Promise<void> {
    if (this.pendingChars === 0 || (!force && this.pendingChars < FLUSH_AT)) return;
    const chunk = Buffer.from(this.pending.join(''), 'utf8');
    this.pending = [];
    this.pendingChars = 0;
    this.hash.update(chunk);
    this.bytes += chunk.length;
    if (!this.out.write(chunk)) await once(this.out, 'drain');
  }

  async close(): Promise<SpooledFile> {
    await this.drain(true);
    this.out.end();
    await finished(this.out);
    return { path: this.path, bytes: this.bytes, sha256: this.hash.digest('hex'), rows: this.rows };
  }

  /** Stop without finishing (an export that failed). */
  destroy(): void {
    this.out.destroy();
  }
}
