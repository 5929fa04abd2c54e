#!/usr/bin/env node
import { Command } from 'commander';

type Register = (program: Command) => void;

/**
 * Every subcommand, loaded on demand: a command's module (and the server, stores and
 * statistics it pulls in) is imported only when that command runs, so `driftwatch report`
 * does not pay for loading the server. `--help` loads them all to list them.
 */
const COMMANDS: Record<string, () => Promise<Register>> = {
  serve: async () => (await import('./serve.js')).registerServe,
  import: async () => (await import('./import.js')).registerImport,
  keys: async () => (await import('./keys.js')).registerKeys,
  migrate: async () => (await import('./migrate.js')).registerMigrate,
  config: async () => (await import('./config-check.js')).registerConfig,
  report: async () => (await import('./report.js')).registerReport,
  analyze: async () => (await import('./analyze.js')).registerAnalyze,
  demo: async () => (await import('./demo.js')).registerDemo,
  proxy: async () => (await import('./proxy.js')).registerProxy,
  models: async () => (await import('./models.js')).registerModels,
  export: async () => (await import('./export.js')).registerExport,
  verify: async () => (await import('./export.js')).registerVerify,
};

const program = new Command();
program
  .name('driftwatch')
  .description('Monitoring for machine-learning models in production: drift, fairness, performance, incidents and alerts.')
  .version('0.1.0')
  .showHelpAfterError();

async function main(): Promise<void> {
  const first = process.argv[2];
  const names = first !== undefined && Object.hasOwn(COMMANDS, first) ? [first] : Object.keys(COMMANDS);
  for (const name of names) (await COMMANDS[name]())(program);
  await program.parseAsync(process.argv);
}

main().catch((e: unknown) => {
  // a ConfigError (config/config.ts) by its name: importing the class would load the YAML parser
  // before every command, `driftwatch report` included
  if (e instanceof Error && e.name === 'ConfigError') console.error(e.message);
  else console.error(`driftwatch: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
