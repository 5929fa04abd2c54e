import type { Store } from './store.js';
import { SqliteStore } from './sqlite/sqlite-store.js';
import { PostgresStore } from './postgres/postgres-store.js';

/** Where the store lives, from configuration. */
export interface StoreConfig {
  /** postgres://… selects PostgreSQL; absent selects the embedded SQLite file */
  databaseUrl?: string;
  /** PostgreSQL schema (default public) */
  pgSchema?: string;
  /** path of the SQLite file */
  sqlitePath: string;
  sqliteSynchronous?: 'full' | 'normal';
  /** PostgreSQL connections in the pool (default 10) */
  pgPoolSize?: number;
}

/** The only place that picks a backend. The store is migrated before it is returned. */
export async function createStore(config: StoreConfig, options: { migrate?: boolean } = {}): Promise<Store> {
  const store: Store = config.databaseUrl
    ? await PostgresStore.open({ url: config.databaseUrl, schema: config.pgSchema, poolSize: config.pgPoolSize })
    : SqliteStore.open({ path: config.sqlitePath, synchronous: config.sqliteSynchronous });
  if (options.migrate !== false) await store.migrate();
  return store;
}
