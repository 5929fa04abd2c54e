import type { Command } from 'commander';
import { loadConfig } from '../config/config.js';
import { startServer } from '../server/server.js';

/** `driftwatch serve`: run the service. */
export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('start the driftwatch server (embedded SQLite by default, PostgreSQL with DATABASE_URL)')
    .option('-c, --config <file>', 'config file (YAML or JSON)')
    .option('-p, --port <port>', 'port to listen on')
    .option('--host <host>', 'address to listen on')
    .option('--db <path>', 'SQLite file (default ./data/driftwatch.db)')
    .action(async (opts: { config?: string; port?: string; host?: string; db?: string }) => {
      const env = { ...process.env };
      if (opts.port) env.DRIFTWATCH_PORT = opts.port;
      if (opts.host) env.DRIFTWATCH_HOST = opts.host;
      if (opts.db) env.DRIFTWATCH_DB = opts.db;
      const config = loadConfig({ file: opts.config, env });
      const server = await startServer(config, { handleSignals: true });
      console.log(`driftwatch listening on ${server.url} (store: ${server.store.backend}); API docs at ${server.url}/docs`);
    });
}
