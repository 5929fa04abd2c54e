import { DEFAULT_RETRY } from './backoff.js';
import { type DeliveryContext, type DeliveryResult, deliverPart } from './deliver.js';
import { flushOnExit, forgetOnExit } from './exit-hooks.js';
import { ADD_ID, ADD_TIME, OUTCOME, RowQueue } from './row-queue.js';
import { BatchWriter, type RowShapes, type SerializedBatch, newRowShapes, recycle } from './serialize.js';
import { Transport } from './transport.js';
import type { ClientOptions, ClientStats, FailedRow, OnFull, OutcomeInput, PredictionInput, RetryOptions } from './types.js';
import { uuidv7 } from './uuidv7.js';

/** What log() returns: the prediction id, or (block mode, buffer full) a promise of it once queued. */
export type LogResult<M extends OnFull> = M extends 'block' ? string | Promise<string> : string;

interface Waiter {
  row: object;
  id: string;
  flags: number;
  time: number;
  resolve: (id: string) => void;
}

const RECENT_FAILURES = 100;

/**
 * Logs predictions and outcomes to driftwatch without slowing the caller: `log()` only puts a
 * reference to the row in a bounded ring (no copy, no serialisation). On the next event-loop
 * turn, and every turn after while rows wait, at most `serializeChunk` of them are written into
 * the NDJSON body of the batch being filled, so the work is spread over the turns instead of
 * landing all at once when a batch is due; a batch leaves when it has `batchSize` rows (or after
 * `flushIntervalMs`) already serialised, and is retried with backoff until driftwatch
 * acknowledges it.
 *
 * Do not mutate an object after logging it: it is serialised later, on a following turn.
 */
export class DriftwatchClient<M extends OnFull = 'drop-oldest'> {
  private readonly queue: RowQueue;
  private readonly transport: Transport;
  private readonly modelId: string | undefined;
  private readonly batchSize: number;
  private readonly flushIntervalMs: number;
  private readonly block: boolean;
  private readonly maxConcurrency: number;
  private readonly closeTimeoutMs: number;
  private readonly serializeChunk: number;
  private readonly delivery: DeliveryContext;
  private readonly onFailure: ClientOptions['onFailure'];
  /** what the rows looked like so far: each batch's serialiser starts from it */
  private readonly shapes: RowShapes = newRowShapes();

  private waiters: Waiter[] = [];
  private waitersHead = 0;
  /** rows that entered the queue / left it (taken into a batch or dropped), since the start */
  private enqueuedSeq = 0;
  private leftSeq = 0;
  /** rows up to this sequence number are sent even if their batch is not full */
  private forceTarget = 0;
  /** batches sealed and not settled: at most maxConcurrency on the wire plus one waiting for a slot */
  private readonly batches = new Set<Promise<void>>();
  /** the batch being filled (its rows are serialised as they leave the queue), and its first row's sequence number */
  private open: BatchWriter | undefined;
  private openStart = 0;
  private wireFree: number;
  private wireWaiters: (() => void)[] = [];
  private inFlightRows = 0;
  private counters = { sent: 0, dropped: 0, failed: 0, retries: 0 };
  private readonly recent: FailedRow[] = [];
  private progress: (() => void)[] = [];
  private timer: NodeJS.Timeout | undefined;
  private drainScheduled = false;
  private closing = false;
  private abortedFlag = false;
  private readonly sleepers = new Set<() => void>();
  private closed: Promise<void> | undefined;

  constructor(options: ClientOptions<M>) {
    const int = (name: string, v: number | undefined, dflt: number, min: number) => {
      const n = v ?? dflt;
      if (!Number.isInteger(n) || n < min) throw new RangeError(`${name} must be an integer ≥ ${min}`);
      return n;
    };
    if (!options.apiKey) throw new TypeError('apiKey is required (a key with the ingest scope)');
    this.modelId = options.modelId;
    this.queue = new RowQueue(int('maxBuffer', options.maxBuffer, 100_000, 1));
    this.batchSize = Math.min(int('batchSize', options.batchSize, 1000, 1), this.queue.capacity);
    this.flushIntervalMs = int('flushIntervalMs', options.flushIntervalMs, 1000, 1);
    this.maxConcurrency = int('maxConcurrency', options.maxConcurrency, 2, 1);
    this.closeTimeoutMs = int('closeTimeoutMs', options.closeTimeoutMs, 10_000, 0);
    this.serializeChunk = int('serializeChunk', options.serializeChunk, 256, 1);
    this.wireFree = this.maxConcurrency;
    this.block = options.onFull === 'block';
    if (options.onFull !== undefined && options.onFull !== 'block' && options.onFull !== 'drop-oldest') throw new TypeError(`onFull must be 'drop-oldest' or 'block'`);
    this.onFailure = options.onFailure;
    this.transport = new Transport(options.url, options.apiKey, int('requestTimeoutMs', options.requestTimeoutMs, 30_000, 1), this.maxConcurrency * 2);
    const retry: RetryOptions = { ...DEFAULT_RETRY, ...options.retry };
    if (!(retry.maxAttempts >= 1)) throw new RangeError('retry.maxAttempts must be ≥ 1');
    this.delivery = {
      transport: this.transport,
      retry,
      partial: options.partial ?? true,
      modelId: this.modelId,
      aborted: () => this.abortedFlag,
      sleep: (ms) => this.sleep(ms),
      onRetry: () => this.counters.retries++,
    };
    if (options.flushOnExit ?? true) flushOnExit(this);
  }

  /**
   * Queue one prediction and return its id at once (generated, a UUIDv7, when the row has none).
   * In block mode with a full buffer, returns a promise that resolves once the row is queued.
   */
  log(prediction: PredictionInput): LogResult<M> {
    if (typeof prediction !== 'object' || prediction === null) throw new TypeError('log() takes a prediction object');
    if (prediction.model_id === undefined && this.modelId === undefined) throw new TypeError('the prediction has no model_id and the client no modelId');
    let id = prediction.prediction_id as string | undefined;
    let flags = 0;
    let now = 0;
    if (id === undefined || id === null) {
      now = Date.now();
      id = uuidv7(now);
      flags = ADD_ID;
    } else if (typeof id !== 'string') id = String(id);
    if (prediction.timestamp === undefined || prediction.timestamp === null) {
      if (now === 0) now = Date.now();
      flags |= ADD_TIME;
    }
    return this.enqueue(prediction, id, flags, now);
  }

  /** Queue the true label or value of an earlier prediction; returns its prediction id. */
  logOutcome(outcome: OutcomeInput): LogResult<M>;
  logOutcome(predictionId: string, actual: OutcomeInput['actual'], extra?: Omit<OutcomeInput, 'prediction_id' | 'actual'>): LogResult<M>;
  logOutcome(a: OutcomeInput | string, actual?: OutcomeInput['actual'], extra?: Omit<OutcomeInput, 'prediction_id' | 'actual'>): LogResult<M> {
    const outcome: OutcomeInput = typeof a === 'string' ? { ...extra, prediction_id: a, actual: actual! } : a;
    if (typeof outcome !== 'object' || outcome === null || outcome.prediction_id === undefined || outcome.prediction_id === null) throw new TypeError('an outcome needs a prediction_id');
    if (outcome.model_id === undefined && this.modelId === undefined) throw new TypeError('the outcome has no model_id and the client no modelId');
    const missingTime = outcome.timestamp === undefined || outcome.timestamp === null;
    return this.enqueue(outcome, String(outcome.prediction_id), OUTCOME | (missingTime ? ADD_TIME : 0), missingTime ? Date.now() : 0);
  }

  /** Send everything logged so far; resolves when each of those rows was acknowledged, rejected or given up on. */
  async flush(): Promise<void> {
    const target = this.enqueuedSeq + (this.waiters.length - this.waitersHead);
    if (target > this.forceTarget) this.forceTarget = target;
    this.scheduleDrain();
    // until every row up to target left the queue and the batch being filled holds none of them
    while ((this.leftSeq < target || (this.open !== undefined && this.openStart < target)) && !this.abortedFlag) await new Promise<void>((resolve) => this.progress.push(resolve));
    await Promise.all([...this.batches]);
  }

  /**
   * Stop accepting rows, deliver what is buffered (for up to closeTimeoutMs; what is still
   * undelivered then counts as failed) and release the connections. Idempotent.
   */
  close(): Promise<void> {
    return (this.closed ??= (async () => {
      this.closing = true;
      forgetOnExit(this);
      const deadline = setTimeout(() => this.abort(), this.closeTimeoutMs);
      try {
        await this.flush();
      } finally {
        clearTimeout(deadline);
        this.abort();
      }
    })());
  }

  /** The counters, in rows. */
  stats(): ClientStats {
    return {
      queued: this.queue.size + (this.waiters.length - this.waitersHead),
      sent: this.counters.sent,
      dropped: this.counters.dropped,
      failed: this.counters.failed,
      retries: this.counters.retries,
      inFlight: this.inFlightRows,
    };
  }

  /** The last 100 rows that failed, with reasons (also passed to onFailure as they happen). */
  recentFailures(): FailedRow[] {
    return [...this.recent];
  }

  /** @internal for the exit hooks */
  hasPending(): boolean {
    return this.queue.size > 0 || this.inFlightRows > 0 || this.waiters.length > this.waitersHead;
  }

  private enqueue(row: object, id: string, flags: number, time: number): LogResult<M> {
    if (this.closing) {
      this.counters.dropped++;
      return id as LogResult<M>;
    }
    if (this.queue.full || this.waiters.length > this.waitersHead) {
      if (this.block) return new Promise<string>((resolve) => this.waiters.push({ row, id, flags, time, resolve })) as LogResult<M>;
      this.queue.dropOldest();
      this.counters.dropped++;
      this.leftSeq++;
    }
    this.queue.push(row, id, flags, time);
    this.enqueuedSeq++;
    // serialise on the next turn, not inside the caller's log()
    if (!this.drainScheduled) this.scheduleDrain();
    if (this.timer === undefined) this.armTimer();
    return id as LogResult<M>;
  }

  private scheduleDrain(): void {
    if (this.drainScheduled || this.abortedFlag) return;
    // with every request slot taken and a sealed batch waiting, rows wait in the queue until a batch settles
    if (this.open === undefined && this.batches.size > this.maxConcurrency) return;
    this.drainScheduled = true;
    setImmediate(this.drain);
  }

  private armTimer(): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.enqueuedSeq > this.forceTarget) this.forceTarget = this.enqueuedSeq;
      this.scheduleDrain();
    }, this.flushIntervalMs);
    this.timer.unref(); // an idle client must not keep the process alive; beforeExit flushes
  }

  /**
   * Serialise up to serializeChunk queued rows into the batch being filled, seal it when it is
   * full or holds the last row a flush waits for, and come back next turn while rows wait.
   */
  private readonly drain = (): void => {
    this.drainScheduled = false;
    if (this.abortedFlag) return;
    let budget = this.serializeChunk;
    while (budget > 0 && this.queue.size > 0) {
      if (this.open === undefined) {
        if (this.batches.size > this.maxConcurrency) break; // one sealed batch already waits for a request slot
        this.open = new BatchWriter(this.shapes, this.batchSize);
        this.openStart = this.leftSeq;
      }
      const n = this.queue.takeInto(this.open, Math.min(budget, this.batchSize - this.open.rows));
      this.leftSeq += n;
      this.inFlightRows += n;
      budget -= n;
      if (this.open.rows >= this.batchSize) this.seal();
    }
    if (this.open !== undefined && this.forceTarget > this.openStart && this.leftSeq >= this.forceTarget) this.seal();
    this.admitWaiters();
    if (this.queue.size > 0) this.scheduleDrain();
    this.notify();
  };

  /** Close the batch being filled and send it as soon as a request slot is free. */
  private seal(): void {
    const writer = this.open!;
    this.open = undefined;
    const batch = writer.finish();
    const rows = writer.rows;
    const sending: Promise<void> = this.send(batch).finally(() => {
      this.inFlightRows -= rows;
      this.batches.delete(sending);
      this.scheduleDrain();
      this.notify();
    });
    this.batches.add(sending);
  }

  private async send(batch: SerializedBatch): Promise<void> {
    try {
      await this.sendOnce(batch);
    } catch (e) {
      // not expected (delivery reports failures as results); never let it escape into the caller's process
      const reason = `client error: ${(e as Error).message}`;
      const parts = [batch.predictions, batch.outcomes];
      this.fail(
        parts.flatMap((p, k) => (p ? p.ids.map((prediction_id): FailedRow => ({ kind: k === 0 ? 'prediction' : 'outcome', prediction_id, reason })) : [])),
        (batch.predictions?.ids.length ?? 0) + (batch.outcomes?.ids.length ?? 0),
      );
    }
  }

  private async sendOnce(batch: SerializedBatch): Promise<void> {
    const { predictions, outcomes, unserializable } = batch;
    if (unserializable.length) this.fail(unserializable, unserializable.length);
    await this.acquireWire();
    let results: (DeliveryResult | undefined)[];
    try {
      results = await Promise.all([
        predictions ? deliverPart(this.delivery, 'prediction', predictions) : undefined,
        outcomes ? deliverPart(this.delivery, 'outcome', outcomes) : undefined,
      ]);
    } finally {
      this.releaseWire();
    }
    let clean = true;
    for (const r of results) {
      if (!r) continue;
      this.counters.sent += r.sent;
      if (r.failed) this.fail(r.failures, r.failed);
      clean &&= r.clean;
    }
    // every body went in one request that driftwatch answered 2xx after reading it all: its buffer is free
    if (clean) recycle(this.shapes, batch);
  }

  /** Wait for one of the maxConcurrency request slots. */
  private acquireWire(): Promise<void> {
    if (this.wireFree > 0) {
      this.wireFree--;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.wireWaiters.push(resolve));
  }

  private releaseWire(): void {
    const next = this.wireWaiters.shift();
    if (next) next();
    else this.wireFree++;
  }

  private fail(failures: FailedRow[], count: number): void {
    this.counters.failed += count;
    for (const f of failures) {
      if (this.recent.length === RECENT_FAILURES) this.recent.shift();
      this.recent.push(f);
    }
    try {
      this.onFailure?.(failures);
    } catch {
      /* a throwing callback must not break delivery */
    }
  }

  private admitWaiters(): void {
    while (this.waitersHead < this.waiters.length && !this.queue.full) {
      const w = this.waiters[this.waitersHead++];
      this.queue.push(w.row, w.id, w.flags, w.time);
      this.enqueuedSeq++;
      w.resolve(w.id);
    }
    if (this.waitersHead === this.waiters.length && this.waitersHead > 0) {
      this.waiters = [];
      this.waitersHead = 0;
    }
  }

  private notify(): void {
    const waiting = this.progress;
    this.progress = [];
    for (const resolve of waiting) resolve();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(t);
        this.sleepers.delete(done);
        resolve();
      };
      const t = setTimeout(done, ms);
      t.unref(); // a retry waiting for driftwatch must not keep the process alive; close() has its deadline
      this.sleepers.add(done);
    });
  }

  /** Give up: whatever is still queued, waiting or in flight fails. */
  private abort(): void {
    if (this.abortedFlag) return;
    this.abortedFlag = true;
    this.closing = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    for (const wake of [...this.sleepers]) wake();
    this.transport.destroy();
    const open = this.open;
    this.open = undefined;
    const left = this.queue.take(this.queue.size);
    const waiting = this.waiters.slice(this.waitersHead);
    this.waiters = [];
    this.waitersHead = 0;
    const reason = 'client closed before delivery';
    const failures = [...left.ids, ...waiting.map((w) => w.id)].map((prediction_id, i): FailedRow => ({
      kind: (i < left.ids.length ? left.flags[i] : waiting[i - left.ids.length].flags) & OUTCOME ? 'outcome' : 'prediction',
      prediction_id,
      reason,
    }));
    this.leftSeq += left.rows.length;
    if (open) {
      // serialised, never sealed: its rows fail like the queued ones
      const { predictions, outcomes, unserializable } = open.finish();
      this.inFlightRows -= open.rows;
      if (unserializable.length) this.fail(unserializable, unserializable.length);
      const lost = [...(predictions?.ids.map((prediction_id): FailedRow => ({ kind: 'prediction', prediction_id, reason })) ?? []), ...(outcomes?.ids.map((prediction_id): FailedRow => ({ kind: 'outcome', prediction_id, reason })) ?? [])];
      if (lost.length) this.fail(lost, lost.length);
    }
    if (failures.length) this.fail(failures, failures.length);
    for (const w of waiting) w.resolve(w.id);
    this.notify();
  }
}
