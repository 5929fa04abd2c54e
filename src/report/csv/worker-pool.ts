import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker, parentPort } from 'node:worker_threads';

/** Named task functions a runner can execute; payloads and results must be cloneable. */
export type TaskHandlers = Readonly<Record<string, (payload: never) => unknown>>;

/** One task of a batch: the handler's name and its payload. */
export interface BatchTask {
  readonly kind: string;
  readonly payload: unknown;
}

/** Options of {@link TaskRunner.runBatch}. */
export interface BatchOptions<R> {
  /**
   * Called on the calling thread with each result as soon as it is in, whichever thread ran the
   * task; the calling thread then gives the event loop a turn between its own tasks, so work
   * done here (e.g. on a pair of results) overlaps with the workers.
   */
  readonly onResult?: (index: number, result: R) => void;
  /**
   * Awaited after the workers have the batch and before the calling thread takes any task: the
   * caller can finish loading while the workers start. A rejection rejects the batch.
   */
  readonly beforeCallerWorks?: () => Promise<void>;
  /**
   * The calling thread takes no task while at most this many are left unclaimed (default 0):
   * when it also does the work of onResult, leaving the last tasks to the workers lets them
   * finish together instead of the workers idling while it catches up.
   */
  readonly leaveToWorkers?: number;
}

/**
 * Runs batches of named tasks. Typed arrays on a SharedArrayBuffer in payloads and results are
 * shared between threads, others are copied (payloads) or moved (results).
 */
export interface TaskRunner {
  /** number of threads working on a batch, the calling one included */
  readonly threads: number;
  /** results in task order; rejects with the first failed task's error */
  runBatch<R>(tasks: readonly BatchTask[], options?: BatchOptions<R>): Promise<R[]>;
  close(): Promise<void>;
}

interface Reply {
  readonly batch: number;
  readonly index?: number;
  readonly result?: unknown;
  readonly error?: { readonly message: string; readonly stack?: string };
  readonly done?: boolean;
}

/**
 * The calling thread plus `threads - 1` workers, all taking tasks from the same batch: every
 * task has a claim flag in shared memory, and whoever flips it first runs it. Workers get the
 * whole batch at once and go through it without waiting for the main thread, which claims
 * from the other end; so a batch balances itself even while the main thread is busy.
 */
export class ThreadRunner implements TaskRunner {
  private workers: Worker[] = [];
  private readonly waiting = new Map<number, { onReply: (reply: Reply) => void; onError: (e: Error) => void }>();
  private nextBatch = 0;
  private readonly handlers: Promise<TaskHandlers>;
  private readonly callerWorks: boolean;
  /** tasks run on worker threads so far */
  tasksOnWorkers = 0;

  /**
   * @param threads threads in all; with `callerWorks` false, all of them are workers
   * @param handlers the tasks for the calling thread, or a loader of them: workers start
   * booting at once while the caller still loads the task modules
   * @param options.callerWorks whether the calling thread takes tasks too (default true); a
   * server keeps its event loop free by passing false
   */
  constructor(
    script: URL,
    readonly threads: number,
    handlers: TaskHandlers | (() => Promise<TaskHandlers>),
    options: { readonly callerWorks?: boolean } = {},
  ) {
    this.handlers = typeof handlers === 'function' ? handlers() : Promise.resolve(handlers);
    this.callerWorks = options.callerWorks !== false;
    for (let i = this.callerWorks ? 1 : 0; i < threads; i++) {
      const worker = new Worker(script);
      worker.on('message', (reply: Reply) => this.waiting.get(reply.batch)?.onReply(reply));
      worker.on('error', (e) => {
        // a dead worker takes no more batches; a batch it was part of fails (its claims are lost)
        this.workers = this.workers.filter((w) => w !== worker);
        for (const w of this.waiting.values()) w.onError(e);
      });
      this.workers.push(worker);
    }
  }

  async runBatch<R>(tasks: readonly BatchTask[], options: BatchOptions<R> = {}): Promise<R[]> {
    const handlers = await this.handlers;
    const onResult = options.onResult;
    const batch = this.nextBatch++;
    const claims = new Int32Array(new SharedArrayBuffer(4 * Math.max(1, tasks.length)));
    const results = new Array<unknown>(tasks.length);
    const errors = new Array<Error | undefined>(tasks.length);
    const workers = this.workers;
    const finished = new Promise<void>((resolve, reject) => {
      let open = workers.length;
      if (open === 0) resolve();
      this.waiting.set(batch, {
        onReply: (reply) => {
          if (reply.index !== undefined) {
            this.tasksOnWorkers++;
            if (reply.error) errors[reply.index] = Object.assign(new Error(reply.error.message), { stack: reply.error.stack });
            else {
              results[reply.index] = reply.result;
              try {
                onResult?.(reply.index, reply.result as R);
              } catch (e) {
                errors[reply.index] = e instanceof Error ? e : new Error(String(e));
              }
            }
          }
          if (reply.done && --open === 0) resolve();
        },
        onError: reject,
      });
    });
    for (const w of workers) w.postMessage({ batch, claims, tasks });
    if (options.beforeCallerWorks) {
      try {
        await options.beforeCallerWorks();
      } catch (e) {
        // the workers finish the batch unheard; its results are dropped
        this.waiting.delete(batch);
        throw e;
      }
    }
    const leave = workers.length > 0 ? (options.leaveToWorkers ?? 0) : 0;
    for (let i = tasks.length - 1; i >= 0 && this.callerWorks; i--) {
      if (leave > 0 && unclaimed(claims, i) <= leave) break;
      if (Atomics.compareExchange(claims, i, 0, 2) !== 0) continue;
      try {
        results[i] = runHandler(handlers, tasks[i]);
        if (onResult) {
          onResult(i, results[i] as R);
          // let the workers' results in, so their onResult work is done while they keep going
          await new Promise<void>((resolve) => setImmediate(resolve));
        }
      } catch (e) {
        errors[i] = e instanceof Error ? e : new Error(String(e));
      }
    }
    try {
      await finished;
    } finally {
      this.waiting.delete(batch);
    }
    const failed = errors.find((e) => e !== undefined);
    if (failed) throw failed;
    return results as R[];
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.splice(0).map((w) => w.terminate()));
  }
}

/** How many of the tasks 0..upTo are not claimed yet. */
function unclaimed(claims: Int32Array, upTo: number): number {
  let n = 0;
  for (let i = 0; i <= upTo; i++) if (Atomics.load(claims, i) === 0) n++;
  return n;
}

/** Runs every task on the calling thread (tests, one core, small inputs). */
export class InlineRunner implements TaskRunner {
  readonly threads = 1;
  constructor(private readonly handlers: TaskHandlers) {}
  async runBatch<R>(tasks: readonly BatchTask[], options: BatchOptions<R> = {}): Promise<R[]> {
    await options.beforeCallerWorks?.();
    return tasks.map((t, i) => {
      const result = runHandler(this.handlers, t) as R;
      options.onResult?.(i, result);
      return result;
    });
  }
  async close(): Promise<void> {}
}

function runHandler(handlers: TaskHandlers, task: BatchTask): unknown {
  const handler = handlers[task.kind];
  if (!handler) throw new Error(`no task handler named ${task.kind}`);
  return handler(task.payload as never);
}

/**
 * A thread runner on `script` when it exists as JavaScript (the built dist/), else an inline
 * runner: under vitest the sources are TypeScript, which a worker thread cannot load.
 */
export function createRunner(script: URL, threads: number, handlers: TaskHandlers): TaskRunner {
  if (threads > 1 && existsSync(fileURLToPath(script))) return new ThreadRunner(script, threads, handlers);
  return new InlineRunner(handlers);
}

/** Serves batches inside a worker thread: claims tasks in order, replies with each result. */
export function serveTasks(handlers: TaskHandlers): void {
  const port = parentPort;
  if (!port) throw new Error('serveTasks must run in a worker thread');
  port.on('message', (msg: { batch: number; claims: Int32Array; tasks: readonly BatchTask[] }) => {
    for (let i = 0; i < msg.tasks.length; i++) {
      if (Atomics.compareExchange(msg.claims, i, 0, 1) !== 0) continue;
      try {
        const result = runHandler(handlers, msg.tasks[i]);
        port.postMessage({ batch: msg.batch, index: i, result }, transferablesOf(result));
      } catch (e) {
        const err = e instanceof Error ? e : new Error(String(e));
        port.postMessage({ batch: msg.batch, index: i, error: { message: err.message, stack: err.stack } });
      }
    }
    port.postMessage({ batch: msg.batch, done: true });
  });
}

/** The distinct (non-shared) ArrayBuffers under a value's typed arrays, to move rather than copy. */
export function transferablesOf(value: unknown): ArrayBuffer[] {
  const found = new Set<ArrayBuffer>();
  const walk = (v: unknown, depth: number): void => {
    if (v === null || typeof v !== 'object' || depth > 8) return;
    if (ArrayBuffer.isView(v)) {
      if (v.buffer instanceof ArrayBuffer) found.add(v.buffer);
      return;
    }
    for (const x of Array.isArray(v) ? v : Object.values(v)) walk(x, depth + 1);
  };
  walk(value, 0);
  return [...found];
}
