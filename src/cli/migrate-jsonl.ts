import { layoutBytes, migrateFromJsonl } from '../migration/jsonl-migration.js';
import type { MigrationSummary } from '../migration/migration-summary.js';
import type { Store } from '../store/store.js';
import { ImportProgressReporter } from './import-progress.js';

/** Options of `driftwatch migrate --from-jsonl DIR`. */
export interface MigrateJsonlOptions {
  model: string;
  batch?: string;
}

/**
 * Import a file-based tracker's data directory with a progress bar over its bytes (plain lines
 * when not on a terminal) on `progressOut`; returns the validation summary.
 */
export async function runJsonlMigration(store: Store, dir: string, opts: MigrateJsonlOptions, progressOut: NodeJS.WritableStream & { isTTY?: boolean }): Promise<MigrationSummary> {
  const batchSize = opts.batch === undefined ? 2000 : Number(opts.batch);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 100_000) throw new Error('--batch must be an integer from 1 to 100000');
  let bytes = 0;
  const progress = new ImportProgressReporter(progressOut, layoutBytes(dir), () => bytes);
  try {
    return await migrateFromJsonl(store, {
      dir,
      modelId: opts.model,
      batchSize,
      onProgress: (p, read) => {
        bytes = read;
        progress.update(p);
      },
    });
  } finally {
    progress.stop();
  }
}

/** 0 when every line was imported or already there, 2 when some were skipped (the summary says which). */
export const migrationExitCode = (s: MigrationSummary): number => (s.files.some((f) => f.skipped > 0) ? 2 : 0);
