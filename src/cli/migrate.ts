import type { Command } from 'commander';
import { formatMigrationSummary } from '../migration/migration-summary.js';
import type { Store } from '../store/store.js';
import { addStoreOptions, describeStore, type StoreCommandOptions, withStore } from './cli-store.js';
import { migrationExitCode, runJsonlMigration } from './migrate-jsonl.js';

/** What `migrate` did: the migrations applied now, and the state after. */
export interface MigrateReport {
  appliedNow: string[];
  applied: string[];
  pending: string[];
}

/** Apply pending migrations (unless `statusOnly`) and report. */
export async function migrateStore(store: Store, statusOnly = false): Promise<MigrateReport> {
  const before = await store.migrationStatus();
  if (statusOnly || before.pending.length === 0) return { appliedNow: [], ...before };
  await store.migrate();
  const after = await store.migrationStatus();
  return { appliedNow: after.applied.filter((m) => !before.applied.includes(m)), ...after };
}

export function formatMigrateReport(report: MigrateReport, where: string, statusOnly: boolean): string {
  const lines = [`store: ${where}`];
  if (!statusOnly) lines.push(report.appliedNow.length ? `applied now: ${report.appliedNow.join(', ')}` : 'nothing to apply: the schema is up to date');
  lines.push(`applied (${report.applied.length}): ${report.applied.join(', ') || '-'}`);
  lines.push(`pending (${report.pending.length}): ${report.pending.join(', ') || '-'}`);
  return lines.join('\n');
}

/** `driftwatch migrate`: bring the store's schema up to date. */
export function registerMigrate(program: Command): void {
  addStoreOptions(
    program
      .command('migrate')
      .description('apply pending store migrations and print applied/pending (serve also migrates at start); with --from-jsonl, import a file-based tracker’s data directory')
      .option('--status', 'only print applied and pending migrations')
      .option('--from-jsonl <dir>', 'import predictions.jsonl, metrics.jsonl, health_snapshots.jsonl, alerts.jsonl and alert_rules.json from DIR (idempotent; see docs/migration.md)')
      .option('-m, --model <model_id>', 'with --from-jsonl: the model the data belongs to (created from the predictions when missing)', 'legacy')
      .option('--batch <lines>', 'with --from-jsonl: prediction lines written together', '2000')
      .option('--json', 'with --from-jsonl: print the summary as JSON'),
  ).action(async (opts: StoreCommandOptions & { status?: boolean; fromJsonl?: string; model: string; batch?: string; json?: boolean }) => {
    if (opts.fromJsonl) {
      const dir = opts.fromJsonl;
      const summary = await withStore(opts, (store) => runJsonlMigration(store, dir, { model: opts.model, batch: opts.batch }, process.stderr));
      console.log(opts.json ? JSON.stringify(summary, null, 2) : formatMigrationSummary(summary));
      process.exitCode = migrationExitCode(summary);
      return;
    }
    await withStore(
      opts,
      async (store, config) => console.log(formatMigrateReport(await migrateStore(store, opts.status === true), describeStore(config), opts.status === true)),
      { migrate: false },
    );
  });
}
