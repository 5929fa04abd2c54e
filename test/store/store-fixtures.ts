import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
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

/** Drop a test schema and everything in it. */
export async function dropPgSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_PG_URL });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await client.end();
}

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
        await dropPgSchema(schema);
      },
    };
  },
};

/**
 * Two stores (two pools, as two instances would have) on one fresh, migrated PostgreSQL schema,
 * opened before the suite and dropped after it. Call inside a `describe`.
 */
export function usePostgresPair(prefix: string): { a: () => PostgresStore; b: () => PostgresStore } {
  const schema = `${prefix}_${process.pid}_${Date.now().toString(36)}_${counter++}`;
  let a: PostgresStore | undefined;
  let b: PostgresStore | undefined;
  beforeAll(async () => {
    a = await PostgresStore.open({ url: TEST_PG_URL, schema, poolSize: 4 });
    await a.migrate();
    b = await PostgresStore.open({ url: TEST_PG_URL, schema, poolSize: 4 });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await dropPgSchema(schema);
  });
  const get = (s: PostgresStore | undefined) => {
    if (!s) throw new Error('stores not open');
    return s;
  };
  return { a: () => get(a), b: () => get(b) };
}

export const STORE_FACTORIES: StoreFactory[] = [sqliteFactory, postgresFactory];
