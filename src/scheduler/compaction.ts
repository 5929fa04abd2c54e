import { type CompactionOptions, type CompactionResult, runCompactionRounds } from '../store/blocks/compaction.js';
import type { Store } from '../store/store.js';

export const COMPACTION_JOB = 'compaction';

/** How a compaction run behaves. */
export interface CompactionRunOptions {
  /** stops the run between rounds (shutdown) */
  signal?: AbortSignal;
  /** stop starting rounds after this long (ms); default 50 s, inside the default one-minute schedule */
  maxMs?: number;
  /** pause between rounds (ms), so ingestion gets the connection (SQLite) or the pool in between; default 250 */
  pauseMs?: number;
  /** pause at least this many times as long as the last round took (default 19: at most 5 % of the time) */
  dutyFactor?: number;
  /** thresholds (blocks/compaction.ts defaults) */
  compaction?: Partial<CompactionOptions>;
}

/**
 * The scheduled compaction of small prediction blocks: bounded rounds
 * (`store.compactPredictionBlocks`) until none is left, the time is up or the run is aborted.
 * Returns the totals (the scheduler logs them). On PostgreSQL several instances may compact at
 * once; the store makes sure no block is compacted twice.
 */
export function runCompaction(store: Store, options: CompactionRunOptions = {}): Promise<CompactionResult> {
  return runCompactionRounds(() => store.compactPredictionBlocks(options.compaction), {
    signal: options.signal,
    maxMs: options.maxMs ?? 50_000,
    pauseMs: options.pauseMs ?? 250,
    // under sustained ingestion rounds take longer (they wait for the connection and the CPU):
    // the job then backs off to at most 1/20 of the time, so writes keep their latency
    dutyFactor: options.dutyFactor ?? 19,
  });
}
