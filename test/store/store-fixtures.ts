import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import type { Store } from '../../src/store/store.js';

/** PostgreSQL used by the tests: the machine's server (trust auth), database `test`. */
export const TEST_PG_URL = process.env.DRIFTWATCH_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface StoreFactory {
  name: 'sqlite' | 'postgres';
  /** a fresh, migrated, empty store; `cleanup` removes everything it created */
  create(): Promise<{ store: Store; cleanup: () => Promise<void> }>;
}

let counter = 0;

export const sqliteFactory: StoreFactory = {
  name: 'sqlite',
  async create() {
    const dir = mkdtempSync(join(tmpdir(), 'dw-store-'));
    const store = SqliteStore.open({ path: join(dir, 'test.db') });
    await store.migrate();
    return {
      store,
      cleanup: async () => {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};

/** Each store gets its own PostgreSQL schema so parallel runs never collide. */
export const postgresFactory: StoreFactory = {
  name: 'postgres',
  async create() {
    const schema = `dwtest_${process.pid}_${Date.now().toString(36)}_${counter++}`;
    const store = await PostgresStore.open({ url: TEST_PG_URL, schema, poolSize: 4 });
    await store.migrate();
    return {
      store,
      cleanup: async () => {
        await store.close();
        const client = new pg.Client({ connectionString: TEST_PG_URL });
        await client.connect();
        await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await client.end();
      },
    };
  },
};

export const STORE_FACTORIES: StoreFactory[] = [sqliteFactory, postgresFactory];
