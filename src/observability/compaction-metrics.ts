import { Counter, type Registry } from 'prom-client';
import { COMPACTION_TOTALS } from '../store/blocks/compaction.js';

/**
 * Block compaction's figures (store/blocks/compaction.ts): counters read at scrape time from the
 * process's totals (the scheduled job and SQLite's quiet-time runs both add to them).
 */
export function compactionMetrics(registry: Registry): void {
  const counter = (name: string, help: string, value: () => number) =>
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        this.reset();
        this.inc(value());
      },
    });
  counter('driftwatch_compaction_rounds_total', 'Compaction rounds run in the background (each one transaction).', () => COMPACTION_TOTALS.rounds);
  counter('driftwatch_compaction_blocks_read_total', 'Small prediction blocks compacted (read and deleted).', () => COMPACTION_TOTALS.blocksIn);
  counter('driftwatch_compaction_blocks_written_total', 'Prediction blocks written by compaction.', () => COMPACTION_TOTALS.blocksOut);
  counter('driftwatch_compaction_rows_total', 'Predictions moved by compaction (a row may be moved more than once).', () => COMPACTION_TOTALS.rows);
}
