import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Model } from '../domain/model-schema.js';
import { AppError } from '../errors/catalog.js';
import type { ChunkResult, ModelResolver } from './ndjson-chunk.js';
import type { ToMain, ToWorker } from './parse-protocol.js';
import type { IngestOptions } from './prepare-rows.js';

interface Task {
  resolve: ModelResolver;
  models: ReadonlyMap<string, Model | null>;
  done: (r: ChunkResult) => void;
  fail: (e: Error) => void;
  worker: Slot;
}

interface Slot {
  worker: Worker;
  busy: number;
  idle?: NodeJS.Timeout;
}

/**
 * Worker threads that parse and validate NDJSON chunks, so JSON.parse (the largest cost of bulk
 * ingestion) runs beside the main thread, which keeps serving requests and committing. A task
 * goes to an idle worker, a new one (up to the maximum), or the least busy. Idle workers do not
 * keep the process alive.
 */
export class ParsePool {
  private readonly slots: Slot[] = [];
  private readonly tasks = new Map<number, Task>();
  private next = 0;
  /** chunks parsed on workers so far */
  completed = 0;

  /**
   * @param threads most workers at once; they start when work comes and stop after `idleMs`
   * without any (a worker holds tens of MB of heap after a burst)
   */
  constructor(
    private readonly script: URL,
    private readonly maxThreads: number,
    private readonly idleMs = 3_000,
  ) {}

  get threads(): number {
    return this.maxThreads;
  }

  private spawn(): Slot {
    const worker = new Worker(this.script);
    const slot: Slot = { worker, busy: 0 };
    worker.on('message', (m: ToMain) => this.onMessage(m));
    worker.on('error', (e) => this.onDeath(slot, e));
    worker.on('exit', (code) => this.onDeath(slot, new Error(`parse worker exited with code ${code}`)));
    worker.unref();
    this.slots.push(slot);
    return slot;
  }

  /** The least busy worker; a new one while fewer than the maximum run and all are busy. */
  private pick(): Slot {
    const least = this.slots.reduce<Slot | undefined>((a, b) => (!a || b.busy < a.busy ? b : a), undefined);
    return least && (least.busy === 0 || this.slots.length >= this.maxThreads) ? least : this.spawn();
  }

  /** Parse and validate a chunk on a worker (same result as prepareNdjsonChunk on this thread). */
  run(bytes: Uint8Array, first: boolean, options: IngestOptions, now: number, models: ReadonlyMap<string, Model | null>, resolve: ModelResolver): Promise<ChunkResult> {
    const slot = this.pick();
    const task = this.next++;
    return new Promise<ChunkResult>((done, fail) => {
      this.tasks.set(task, { resolve, models, done, fail, worker: slot });
      clearTimeout(slot.idle);
      if (slot.busy++ === 0) slot.worker.ref();
      const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
      const msg: ToWorker = { type: 'chunk', task, bytes: own, first, options, now, models: [...models] };
      slot.worker.postMessage(msg, [own.buffer as ArrayBuffer]);
    });
  }

  async close(): Promise<void> {
    const slots = this.slots.splice(0);
    for (const s of slots) clearTimeout(s.idle);
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  private finish(id: number): Task | undefined {
    const task = this.tasks.get(id);
    if (!task) return undefined;
    this.tasks.delete(id);
    const slot = task.worker;
    if (--slot.busy === 0) {
      slot.worker.unref();
      slot.idle = setTimeout(() => this.retire(slot), this.idleMs);
      slot.idle.unref();
    }
    return task;
  }

  private onMessage(m: ToMain): void {
    if (m.type === 'models') {
      const task = this.tasks.get(m.task);
      if (!task) return;
      task.resolve(m.ids).then(
        (models) => task.worker.worker.postMessage({ type: 'models', task: m.task, models: m.ids.map((id) => [id, models.get(id) ?? null]) } satisfies ToWorker),
        (e: unknown) => this.finish(m.task)?.fail(e instanceof Error ? e : new Error(String(e))),
      );
      return;
    }
    const task = this.finish(m.task);
    if (!task) return;
    if (m.type === 'error') {
      task.fail(m.error.app ? new AppError(m.error.code, m.error.message, m.error.details) : new Error(m.error.message));
      return;
    }
    const { accepted, ...result } = m.result;
    const byId = new Map<string, Model>();
    for (const [id, model] of task.models) if (model) byId.set(id, model);
    result.chunk.accepted = accepted.map((a) => ({ model: byId.get(a.modelId)!, count: a.count }));
    this.completed++;
    task.done(result);
  }

  private retire(slot: Slot): void {
    if (slot.busy > 0) return;
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots.splice(i, 1);
    void slot.worker.terminate();
  }

  private onDeath(slot: Slot, e: Error): void {
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots.splice(i, 1);
    for (const [id, task] of this.tasks) if (task.worker === slot) this.finish(id)?.fail(e);
  }
}

let shared: ParsePool | null | undefined;

/**
 * The process's parse pool, started on first use: one worker per core. Null when the worker
 * script is not there (tests run the TypeScript sources; chunks are then parsed inline).
 */
export function sharedParsePool(): ParsePool | null {
  if (shared === undefined) {
    const script = new URL('./ndjson-worker.js', import.meta.url);
    shared = existsSync(fileURLToPath(script)) ? new ParsePool(script, Math.max(1, Math.min(4, availableParallelism()))) : null;
  }
  return shared;
}
