import { writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Command } from 'commander';
import type { ReportCommandOptions } from './report-command.js';

/**
 * Registers `driftwatch report`: compare a current file with a reference file, offline.
 * Light to import: the worker threads start first and are given the files to parse; the
 * statistics modules load while they parse.
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
        const [{ loadReportSchema }, { readReportInputs }] = await Promise.all([import('../report/schema.js'), import('../report/read-inputs.js')]);
        const schema = loadReportSchema(opts.schema);
        let command: typeof import('./report-command.js') | undefined;
        const inputs = await readReportInputs({
          reference: opts.reference,
          current: opts.current,
          schema,
          schemaFile: basename(opts.schema),
          runner,
          // the workers parse while this thread loads the statistics and checks the options
          beforeCallerWorks: async () => {
            command = await import('./report-command.js');
            command.checkReportOptions(opts);
          },
        });
        command ??= await import('./report-command.js');
        const document = await command.finishReport(opts, schema, inputs, runner);
        if (opts.out) writeFileSync(opts.out, document);
        else process.stdout.write(document);
      } finally {
        await runner.close();
      }
    });
}
