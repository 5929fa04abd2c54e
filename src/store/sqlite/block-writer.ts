import { Worker } from 'node:worker_threads';
import type { PlannedBlock } from './prediction-writer.js';

const TRANSFER_BYTES = 64 * 1024;

/** How the block writer thread opens the database. */
export interface BlockWriterInit {
  path: string;
  synchronous: 'full' | 'normal';
}

export type BlockWriterRequest =
  | { type: 'write'; id: number; blocks: PlannedBlock[]; expectMaxBlockId: number; now: number }
  | { type: 'close' };

export type BlockWriterReply =
  | { type: 'written'; id: number; blockIds: number[] }
  | { type: 'stale'; id: number }
  | { type: 'failed'; id: number; message: string }
  | { type: 'closed' };

/**
 * Commits prediction blocks on a worker thread with its own connection, so the fsync of a
 * commit (milliseconds, more under load) never stalls the event loop: requests keep being read
 * and parsed while a group commits. Resolves with the new block ids only once committed, or
 * `stale` when another block was written after the plan was made (the caller plans again).
 */
export class BlockWriterThread {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, { done: (ids: number[] | 'stale') => void; fail: (e: Error) => void }>();
  private next = 0;
  private readonly idleWaiters: (() => void)[] = [];
  private failure: Error | undefined;
  private closed: Promise<void> | undefined;

  constructor(script: URL, init: BlockWriterInit) {
    this.worker = new Worker(script, { workerData: init });
    this.worker.unref();
    this.worker.on('message', (m: BlockWriterReply) => {
      if (m.type === 'closed') return;
      const w = this.waiting.get(m.id);
      if (!w) return;
      this.waiting.delete(m.id);
      if (this.waiting.size === 0) {
        this.worker.unref();
        for (const f of this.idleWaiters.splice(0)) f();
      }
      if (m.type === 'failed') w.fail(new Error(m.message));
      else w.done(m.type === 'stale' ? 'stale' : m.blockIds);
    });
    const die = (e: Error) => {
      this.failure ??= e;
      for (const w of this.waiting.values()) w.fail(e);
      this.waiting.clear();
      for (const f of this.idleWaiters.splice(0)) f();
    };
    this.worker.on('error', die);
    this.worker.on('exit', (code) => die(new Error(`the block writer thread exited (code ${code})`)));
  }

  /** Is a write in flight (its transaction may hold SQLite's write lock)? */
  get busy(): boolean {
    return this.waiting.size > 0;
  }

  /** Resolves once no write is in flight. */
  idle(): Promise<void> {
    if (this.waiting.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** The thread died (its error failed the writes in flight); writes should go elsewhere. */
  get failed(): boolean {
    return this.failure !== undefined;
  }

  write(blocks: PlannedBlock[], expectMaxBlockId: number, now: number): Promise<number[] | 'stale'> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.closed) return Promise.reject(new Error('the block writer is closed'));
    const id = this.next++;
    return new Promise((done, fail) => {
      if (this.waiting.size === 0) this.worker.ref();
      this.waiting.set(id, { done, fail });
      const msg: BlockWriterRequest = { type: 'write', id, blocks, expectMaxBlockId, now };
      // blocks in shared memory are read in place; big ones in ordinary buffers are moved, small
      // ones (single predictions) are cheaper to copy than to detach
      this.worker.postMessage(
        msg,
        blocks.filter((b) => b.data.buffer instanceof ArrayBuffer && b.data.byteLength >= TRANSFER_BYTES).map((b) => b.data.buffer as ArrayBuffer),
      );
    });
  }

  /** Let pending writes finish, then close the thread's connection. */
  close(): Promise<void> {
    this.closed ??= (async () => {
      if (this.failure) return;
      this.worker.ref();
      const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
      this.worker.postMessage({ type: 'close' } satisfies BlockWriterRequest);
      await new Promise<void>((resolve) => {
        const onMessage = (m: BlockWriterReply) => {
          if (m.type !== 'closed') return;
          this.worker.off('message', onMessage);
          resolve();
        };
        this.worker.on('message', onMessage);
      });
      await this.worker.terminate();
      await exited;
    })();
    return this.closed;
  }
}
