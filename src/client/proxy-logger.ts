import { existsSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import zlib from 'node:zlib';
import { parseBody, type PredictionSink } from './capture.js';
import type { CompiledMapping, ProxiedCall, ProxyMapping } from './proxy-mapping.js';
import type { ClientOptions, ClientStats, FailedRow } from './types.js';

/** A proxied model call as the proxy captured it: raw bodies, headers as Node parsed them. */
export interface CapturedCall {
  method: string;
  /** path and query, as requested */
  url: string;
  requestHeaders: IncomingHttpHeaders;
  requestBody: Buffer;
  status: number;
  responseHeaders: IncomingHttpHeaders;
  responseBody: Buffer;
  /** epoch ms when the request arrived */
  arrived: number;
  /** from the request's arrival to the model server's last byte */
  latencyMs: number;
}

/** What became of captured calls: predictions logged, calls skipped (not JSON, fields missing, too large…). */
export interface LoggerCounts {
  logged: number;
  skipped: number;
}

/** Turns captured calls into predictions, off the path of the proxied responses. */
export interface CallLogger {
  capture(call: CapturedCall): void;
  /** a call that could not be captured (a body over the size limit) */
  skip(): void;
  counts(): LoggerCounts;
  /** Log what was captured and, for a logger that owns its client, deliver it; the client's counters when it owns one. */
  close(): Promise<ClientStats | undefined>;
}

function decode(buf: Buffer, encoding: string | string[] | undefined): Buffer {
  if (Array.isArray(encoding)) encoding = encoding[0];
  if (!encoding || encoding === 'identity') return buf;
  if (encoding === 'gzip' || encoding === 'x-gzip') return zlib.gunzipSync(buf);
  if (encoding === 'deflate') return zlib.inflateSync(buf);
  if (encoding === 'br') return zlib.brotliDecompressSync(buf);
  throw new Error(`cannot read a ${encoding}-encoded body`);
}

/**
 * Log one call through `sink`: 'logged', 'skipped' (not a prediction: fields missing, bodies not
 * readable) or 'ignored' (the model server did not answer 2xx). Throws what the mapping or the
 * sink threw.
 */
export function logCall(mapping: CompiledMapping, sink: PredictionSink, c: CapturedCall): 'logged' | 'skipped' | 'ignored' {
  if (c.status < 200 || c.status >= 300) return 'ignored';
  const q = c.url.indexOf('?');
  const call: ProxiedCall = {
    request: {
      method: c.method,
      path: q < 0 ? c.url : c.url.slice(0, q),
      query: Object.fromEntries(new URLSearchParams(q < 0 ? '' : c.url.slice(q + 1))),
      headers: c.requestHeaders,
      body: parseBody(decode(c.requestBody, c.requestHeaders['content-encoding']), c.requestHeaders['content-type']),
    },
    response: {
      status: c.status,
      headers: c.responseHeaders,
      body: parseBody(decode(c.responseBody, c.responseHeaders['content-encoding']), c.responseHeaders['content-type'] as string | undefined),
    },
  };
  const row = mapping.extract(call);
  if (!row) return 'skipped';
  row.metadata.latency_ms = Math.round(c.latencyMs * 1000) / 1000;
  if (row.timestamp === undefined) row.timestamp = c.arrived;
  sink.log(row);
  return 'logged';
}

/**
 * Logs on the proxy's own event loop, each call on the turn after its response went out (what
 * a proxy embedded in a program with its own client uses).
 */
export class InlineLogger implements CallLogger {
  private readonly n: LoggerCounts = { logged: 0, skipped: 0 };
  private pending = 0;
  private idle: (() => void)[] = [];

  constructor(
    private readonly mapping: CompiledMapping,
    private readonly sink: PredictionSink,
    private readonly onError: (e: unknown) => void,
  ) {}

  capture(call: CapturedCall): void {
    this.pending++;
    setImmediate(() => {
      try {
        const r = logCall(this.mapping, this.sink, call);
        if (r !== 'ignored') this.n[r]++;
      } catch (e) {
        this.n.skipped++;
        this.onError(e);
      }
      if (--this.pending === 0) for (const wake of this.idle.splice(0)) wake();
    });
  }

  skip(): void {
    this.n.skipped++;
  }

  counts(): LoggerCounts {
    return { ...this.n };
  }

  async close(): Promise<undefined> {
    if (this.pending > 0) await new Promise<void>((resolve) => this.idle.push(resolve));
    return undefined;
  }
}

/** The client's settings that can cross to a thread (no callbacks). */
export type ThreadClientOptions = Omit<ClientOptions, 'onFailure' | 'flushOnExit'>;

/** What the proxy thread is started with. */
export interface LoggerThreadInit {
  client: ThreadClientOptions;
  mapping: ProxyMapping | undefined;
}

/** Messages between the proxy and its logging thread. */
export type ToLoggerThread = { type: 'calls'; calls: WireCall[]; bytes: ArrayBuffer } | { type: 'close' };
export type FromLoggerThread =
  | { type: 'ready' }
  | { type: 'counts'; counts: LoggerCounts }
  | { type: 'failed'; failures: FailedRow[]; count: number }
  | { type: 'error'; message: string }
  | { type: 'closed'; counts: LoggerCounts; client: ClientStats };
/** A captured call without its bodies, which travel together in one transferred buffer. */
export type WireCall = Omit<CapturedCall, 'requestBody' | 'responseBody'> & { requestBytes: number; responseBytes: number };

/** calls sent to the thread together, at most… */
const MAX_CALLS_PER_POST = 512;
/** …and at least this often while calls come in */
const POST_EVERY_MS = 50;

/**
 * Logs on a thread of its own with its own DriftwatchClient: the proxy's event loop only copies
 * the bodies of a call and hands them over every few milliseconds, so parsing, mapping,
 * serialising and sending to driftwatch never hold up a proxied response.
 */
export class ThreadLogger implements CallLogger {
  private readonly worker: Worker;
  private batch: CapturedCall[] = [];
  private batchBytes = 0;
  private timer: NodeJS.Timeout | undefined;
  private n: LoggerCounts = { logged: 0, skipped: 0 };
  /** skipped here (too large to capture, or the thread is gone) */
  private skippedHere = 0;
  private dead = false;
  private closing: Promise<ClientStats | undefined> | undefined;
  private onClosed: ((stats: ClientStats | undefined) => void) | undefined;
  private readonly started: Promise<void>;
  private startedOk: () => void = () => undefined;

  constructor(
    script: URL,
    init: LoggerThreadInit,
    private readonly onError: (e: unknown) => void,
    private readonly onFailure: (failures: FailedRow[], count: number) => void,
  ) {
    this.worker = new Worker(script, { workerData: init });
    this.worker.unref(); // a proxy that was never closed must not be kept alive by its logger
    this.started = new Promise<void>((resolve, reject) => {
      this.startedOk = resolve;
      this.worker.once('error', reject);
      this.worker.once('exit', (code) => reject(new Error(`the logging thread exited (${code}) before it started`)));
    });
    this.started.catch(() => undefined); // reported by ready() to whoever waits for it, else by onError
    this.worker.on('message', (m: FromLoggerThread) => {
      if (m.type === 'ready') this.startedOk();
      else if (m.type === 'counts') this.n = m.counts;
      else if (m.type === 'failed') this.onFailure(m.failures, m.count);
      else if (m.type === 'error') this.onError(new Error(m.message));
      else {
        this.n = m.counts;
        this.onClosed?.(m.client);
      }
    });
    this.worker.on('error', (e) => {
      this.dead = true;
      this.onError(e);
      this.onClosed?.(undefined);
    });
    this.worker.on('exit', () => {
      this.dead = true;
      this.onClosed?.(undefined);
    });
  }

  /**
   * Resolves once the thread has loaded its code and made its client (a proxy starts taking
   * requests after that, so the thread's start-up does not compete with its first calls).
   */
  ready(): Promise<void> {
    return this.started;
  }

  capture(call: CapturedCall): void {
    if (this.dead || this.closing) return void this.skippedHere++;
    this.batch.push(call);
    this.batchBytes += call.requestBody.length + call.responseBody.length;
    if (this.batch.length >= MAX_CALLS_PER_POST) this.post();
    else this.timer ??= setTimeout(() => this.post(), POST_EVERY_MS);
  }

  skip(): void {
    this.skippedHere++;
  }

  counts(): LoggerCounts {
    return { logged: this.n.logged, skipped: this.n.skipped + this.skippedHere };
  }

  /** Hand the calls gathered so far to the thread: their bodies copied into one buffer that is moved, not copied again. */
  private post(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const calls = this.batch;
    if (calls.length === 0) return;
    this.batch = [];
    const bytes = Buffer.allocUnsafeSlow(this.batchBytes);
    this.batchBytes = 0;
    let at = 0;
    const wire: WireCall[] = calls.map(({ requestBody, responseBody, ...rest }) => {
      at += requestBody.copy(bytes, at);
      at += responseBody.copy(bytes, at);
      return { ...rest, requestBytes: requestBody.length, responseBytes: responseBody.length };
    });
    const message: ToLoggerThread = { type: 'calls', calls: wire, bytes: bytes.buffer as ArrayBuffer };
    this.worker.postMessage(message, [bytes.buffer as ArrayBuffer]);
  }

  close(): Promise<ClientStats | undefined> {
    return (this.closing ??= new Promise<ClientStats | undefined>((resolve) => {
      if (this.dead) return resolve(undefined);
      this.post();
      this.onClosed = (stats) => {
        this.onClosed = undefined;
        resolve(stats);
        void this.worker.terminate();
      };
      this.worker.postMessage({ type: 'close' } satisfies ToLoggerThread);
    }));
  }
}

/** The logging thread's script next to this module (absent when the TypeScript sources run). */
export function loggerThreadScript(): URL | undefined {
  const script = new URL('./proxy-logger-worker.js', import.meta.url);
  return existsSync(fileURLToPath(script)) ? script : undefined;
}
