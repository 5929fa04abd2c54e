#!/usr/bin/env node
import { Command } from 'commander';
import { ConfigError } from '../config/config.js';
import { registerAnalyze } from './analyze.js';
import { registerConfig } from './config-check.js';
import { registerDemo } from './demo.js';
import { registerImport } from './import.js';
import { registerKeys } from './keys.js';
import { registerMigrate } from './migrate.js';
import { registerProxy } from './proxy.js';
import { registerReport } from './report.js';
import { registerServe } from './serve.js';

const program = new Command();
program
  .name('driftwatch')
  .description('Monitoring for machine-learning models in production: drift, fairness, performance, incidents and alerts.')
  .version('0.1.0')
  .showHelpAfterError();

registerServe(program);
registerImport(program);
registerKeys(program);
registerMigrate(program);
registerConfig(program);
registerReport(program);
registerAnalyze(program);
registerDemo(program);
registerProxy(program);

program.parseAsync(process.argv).catch((e: unknown) => {
  if (e instanceof ConfigError) console.error(e.message);
  else console.error(`driftwatch: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
