#!/usr/bin/env node
/**
 * `driftwatch report` without the main CLI: registers the report command from the build
 * (DIST, default ../../dist) on a bare commander program. run.sh uses dist/cli/main.js when
 * it knows the command and falls back to this.
 */
import { Command } from 'commander';

const dist = process.env.DIST ?? new URL('../../dist', import.meta.url).pathname;
const { registerReport } = await import(`${dist}/cli/report.js`);
const program = new Command().name('driftwatch');
registerReport(program);
program.parseAsync(process.argv).catch((e) => {
  console.error(`driftwatch: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
