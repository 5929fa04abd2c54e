import type { Command } from 'commander';
import { type Config, type ConfigExtensions, loadConfig } from '../config/config.js';
import { createStore, type StoreConfig } from '../store/create-store.js';
import type { Store } from '../store/store.js';

/** Options every command that touches the store accepts (the same as `serve`). */
export interface StoreCommandOptions {
  config?: string;
  db?: string;
}

/** Add `-c/--config` and `--db` to a command. */
export function addStoreOptions(command: Command): Command {
  return command
    .option('-c, --config <file>', 'config file (YAML or JSON); env vars override it')
    .option('--db <path>', 'SQLite file (default ./data/driftwatch.db, or DRIFTWATCH_DB); ignored with DATABASE_URL');
}

/** The configuration as `serve` would see it: file, then env (DRIFTWATCH_DB, DATABASE_URL…), then `--db`. */
export function loadCommandConfig(opts: StoreCommandOptions, env: NodeJS.ProcessEnv = process.env): Config & { extensions: ConfigExtensions } {
  const merged = { ...env };
  if (opts.db) merged.DRIFTWATCH_DB = opts.db;
  return loadConfig({ file: opts.config, env: merged });
}

export function storeConfigOf(config: Config): StoreConfig {
  return {
    databaseUrl: config.store.database_url,
    pgSchema: config.store.pg_schema,
    sqlitePath: config.store.sqlite_path,
    sqliteSynchronous: config.store.sqlite_synchronous,
  };
}

/** Open the configured store (migrated unless `migrate: false`), run `fn`, and always close it. */
export async function withStore<T>(opts: StoreCommandOptions, fn: (store: Store, config: Config) => Promise<T>, options: { migrate?: boolean } = {}): Promise<T> {
  const config = loadCommandConfig(opts);
  const store = await createStore(storeConfigOf(config), options);
  try {
    return await fn(store, config);
  } finally {
    await store.close();
  }
}

/** Where the store is, for messages (never prints a password). */
export function describeStore(config: Config): string {
  if (!config.store.database_url) return `SQLite ${config.store.sqlite_path}`;
  return `PostgreSQL ${maskUrl(config.store.database_url)}${config.store.pg_schema ? ` (schema ${config.store.pg_schema})` : ''}`;
}

/** A URL with its password replaced by `***`. */
export function maskUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
  }
}
