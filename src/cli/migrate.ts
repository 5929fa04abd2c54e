import type { Command } from 'commander';
import type { Store } from '../store/store.js';
import { addStoreOptions, describeStore, type StoreCommandOptions, withStore } from './cli-store.js';

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
      .description('apply pending store migrations and print applied/pending (serve also migrates at start)')
      .option('--status', 'only print applied and pending migrations'),
  ).action(async (opts: StoreCommandOptions & { status?: boolean }) => {
    await withStore(
      opts,
      async (store, config) => console.log(formatMigrateReport(await migrateStore(store, opts.status === true), describeStore(config), opts.status === true)),
      { migrate: false },
    );
  });
}
