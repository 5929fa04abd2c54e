import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { ReportCommandOptions } from './report-command.js';

/**
 * Registers `driftwatch report`: compare a current file with a reference file, offline.
 * Light to import: the worker threads are started first, then the statistics modules load
 * while they boot.
 */
export function registerReport(program: Command): void {
  program
    .command('report')
    .description('Compare a current CSV/NDJSON file with a reference one: drift per feature, prediction, fairness and performance.')
    .requiredOption('--reference <file>', 'reference data (CSV with a header line, or NDJSON)')
    .requiredOption('--current <file>', 'current data, same columns')
    .requiredOption('--schema <file>', 'schema JSON: {"features": [{"name", "type"}], "prediction", "actual", …}')
    .option('--format <format>', 'json, text or html (default: from --out, else text)')
    .option('--out <file>', 'write the report to a file instead of stdout')
    .option('--tests <list>', "drift tests to run, e.g. ks,psi (or all); default: each feature's default test plus PSI")
    .option('--threshold <list>', 'thresholds per test, e.g. ks=0.01,psi=0.2')
    .option('--drift-share <share>', 'share of drifted features that makes dataset drift (default 0.5)')
    .option('--threads <n>', 'threads for parsing and testing (default: up to 2)')
    .action(async (opts: ReportCommandOptions) => {
      const threads = opts.threads !== undefined && Number(opts.threads) >= 1 ? Math.floor(Number(opts.threads)) : undefined;
      const { createReportRunner } = await import('../report/report-runner.js');
      const runner = await createReportRunner(threads);
      try {
        const { runReportCommand } = await import('./report-command.js');
        const document = await runReportCommand(opts, runner);
        if (opts.out) writeFileSync(opts.out, document);
        else process.stdout.write(document);
      } finally {
        await runner.close();
      }
    });
}
