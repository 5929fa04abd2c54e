import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type Database from 'better-sqlite3';
import type { PredictionKey } from '../kysely-store.js';
import type { PredictionBatch, PredictionWriteResult } from '../store.js';
import { ArenaPool } from './block-arena.js';
import { BlockWriterThread } from './block-writer.js';
import { KeyLedger } from './key-ledger.js';
import { type Exclusive, KeyMerger, type KeyMergerOptions } from './key-merger.js';
import { BlockInserter, type WritePlan, planWrite } from './prediction-writer.js';
import { SqliteCompactor } from './compactor.js';
import { type CompactionOptions, runCompactionRounds } from '../blocks/compaction.js';


export interface WriteEngineOptions {
  path: string;
  synchronous: 'full' | 'normal';
  merge: KeyMergerOptions;
  /** script of the block writer thread; null writes on the main connection */
  blockWriter: URL | null;
  /** block compaction at quiet times (after a quiet-time key merge), or false */
  compaction: CompactionOptions | false;
  /** scans in progress (compaction rounds wait for none) */
  readers: () => number;
}

/** After this many plans outdated by other writers, one write plans and inserts under the lock. */
const MAX_STALE_PLANS = 5;

/** The block writer script next to this module (absent when running the TypeScript sources). */
export function defaultBlockWriter(path: string): URL | null {
  if (path === ':memory:') return null; // a second connection cannot see an in-memory database
  const script = new URL('./block-writer-worker.js', import.meta.url);
  return existsSync(fileURLToPath(script)) ? script : null;
}

/**
 * SQLite's prediction write path and key lookups. A write plans on the main connection (drop
 * stored keys, encode blocks) and commits on the block writer thread; the thread refuses a plan
 * when any block was written after it was made, and the write plans again. Without the thread
 * (in-memory databases, sources run by tests) plan and insert share one transaction here.
 */
export class WriteEngine {
  readonly ledger: KeyLedger;
  readonly merger: KeyMerger;
  readonly compactor: SqliteCompactor;
  private readonly inserter: BlockInserter;
  private readonly thread: BlockWriterThread | null;
  private readonly arenas = new ArenaPool();
  /**
   * The highest block id right after the last commit of the block writer thread (undefined:
   * unknown, read it). While it holds, a plan needs no refresh of the key index: every block up
   * to it is known.
   */
  private lastCommittedMax: number | undefined;

  constructor(
    private readonly raw: Database.Database,
    private readonly exclusive: Exclusive,
    options: WriteEngineOptions,
  ) {
    this.ledger = new KeyLedger(raw);
    this.merger = new KeyMerger(raw, this.ledger, exclusive, options.merge);
    this.thread = options.blockWriter ? new BlockWriterThread(options.blockWriter, { path: options.path, synchronous: options.synchronous }) : null;
    // a dead thread holds no lock: its idle() resolves at once and busy is false
    this.compactor = new SqliteCompactor(raw, this.ledger, exclusive, options.readers, this.thread ?? undefined);
    const compaction = options.compaction;
    // quiet time: compact until done, or until writes resume (the next quiet time goes on)
    if (compaction) this.merger.quietWork = (quiet) => runCompactionRounds(() => this.compactor.round(compaction), { stop: () => !quiet(), maxMs: 60_000 });
    this.inserter = new BlockInserter(raw);
    this.merger.arm();
  }

  /** A write inside a transaction the caller opened: the shared key index is left alone (it may roll back). */
  writeInTransaction(batches: PredictionBatch[], now: number): PredictionWriteResult[] {
    this.lastCommittedMax = undefined;
    return this.raw.transaction(() => {
      const plan = planWrite(this.ledger, batches, this.ledger.overlay());
      this.inserter.insert(plan.blocks, now);
      return plan.results;
    })();
  }

  async write(batches: PredictionBatch[], now: number): Promise<PredictionWriteResult[]> {
    // without a (live) thread, or after repeated stale plans: plan and insert here, under the lock
    for (let attempt = 0; this.thread && !this.thread.failed && attempt < MAX_STALE_PLANS; attempt++) {
      const arena = this.arenas.acquire();
      try {
        const { plan, maxBlockId } = await this.exclusive(() => {
          // after a commit of ours the index knows every block up to ours: no query needed. Had
          // anyone else written a block since, the thread refuses the plan and this reads again.
          let maxBlockId = this.lastCommittedMax;
          if (maxBlockId === undefined) {
            // the highest id first, then the refresh: the block writer thread may commit between
            // the two statements, and the index must know every block up to the id the plan
            // names (the other way round a block committed in between was neither known nor
            // seen by the thread's check: its ids could be written again)
            maxBlockId = this.inserter.maxBlockId();
            this.ledger.refresh();
          }
          return { maxBlockId, plan: planWrite(this.ledger, batches, null, arena ? (n) => arena.alloc(n) : undefined) };
        });
        if (plan.blocks.length === 0) return plan.results;
        const ids = await this.thread.write(plan.blocks, maxBlockId, now);
        if (ids !== 'stale') {
          this.lastCommittedMax = ids.reduce((a, b) => Math.max(a, b), maxBlockId);
          return this.committed(plan, ids);
        }
        this.lastCommittedMax = undefined;
      } finally {
        // the thread is done with the blocks (committed, refused or failed)
        this.arenas.release(arena);
      }
    }
    this.lastCommittedMax = undefined;
    return this.exclusive(() => {
      const { plan, ids } = this.raw
        .transaction(() => {
          this.ledger.refresh();
          const plan = planWrite(this.ledger, batches, null);
          return { plan, ids: this.inserter.insert(plan.blocks, now) };
        })
        .immediate();
      return this.committed(plan, ids);
    });
  }

  /** Stored keys among `ids` (see KyselyStore.predictionKeys). */
  keys(modelId: string, ids: readonly string[], inTransaction: boolean): Promise<Map<string, PredictionKey>> | Map<string, PredictionKey> {
    if (inTransaction) return this.ledger.session(this.ledger.overlay()).keys(modelId, ids);
    return this.exclusive(() => {
      this.ledger.refresh();
      return this.ledger.session(null).keys(modelId, ids);
    });
  }

  async close(): Promise<void> {
    await this.merger.close();
    await this.thread?.close();
  }

  private committed(plan: WritePlan, ids: number[]): PredictionWriteResult[] {
    // committed: the index may learn these blocks now (a refresh may have found them already)
    // (unless a compaction round already replaced the block: committed just before the round, announced after it)
    plan.blockIds.forEach((pids, i) => {
      if (!this.compactor.wasCompacted(ids[i])) this.ledger.index.addBlock(ids[i], plan.blocks[i].modelId, pids);
    });
    this.merger.noteWrite();
    return plan.results;
  }
}
