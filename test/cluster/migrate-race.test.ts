import { spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { MIGRATION_NAMES } from '../../src/store/migrations/index.js';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { CLI } from '../reliability/server-process.js';
import { TEST_PG_URL } from '../store/store-fixtures.js';
import { dropSchema, sqlClient } from './cluster-fixtures.js';

function migrateProcess(schema: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, 'migrate'], {
      env: { ...process.env, DATABASE_URL: TEST_PG_URL, DRIFTWATCH_PG_SCHEMA: schema, DRIFTWATCH_CONFIG: '', DRIFTWATCH_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => resolve({ code, out }));
  });
}

/**
 * Migrations on PostgreSQL run under Kysely's advisory lock (one session lock for the whole
 * database, taken before the applied list is read): instances migrating one fresh schema at
 * the same time apply each migration once, and all of them succeed. A second application would
 * fail on its CREATE TABLE, so "all succeed" is the proof; the table of applied migrations
 * (keyed by name) says each ran once.
 */
describe('migrations when several instances start together', () => {
  const schemas: string[] = [];
  const fresh = () => {
    const s = `dwmigrace_${process.pid}_${Date.now().toString(36)}_${schemas.length}`;
    schemas.push(s);
    return s;
  };
  afterAll(async () => {
    for (const s of schemas) await dropSchema(s);
  });

  it('three `driftwatch migrate` processes on one fresh schema: each migration applied once, every process succeeds', async () => {
    const schema = fresh();
    const runs = await Promise.all([0, 1, 2].map(() => migrateProcess(schema)));
    for (const r of runs) expect(r.code, r.out).toBe(0);
    const db = await sqlClient(schema);
    try {
      const applied = await db.rows<{ name: string }>('SELECT name FROM kysely_migration ORDER BY name');
      expect(applied.map((r) => r.name)).toEqual(MIGRATION_NAMES);
      // the partitioned table exists once, with its month partitions around now
      const parts = await db.rows(`SELECT 1 FROM pg_inherits WHERE inhparent = 'prediction_blocks'::regclass`);
      expect(parts.length).toBeGreaterThanOrEqual(3);
    } finally {
      await db.end();
    }
  });

  it('eight stores in one process migrating at once: the lock serialises them', async () => {
    const schema = fresh();
    const stores = await Promise.all(Array.from({ length: 8 }, () => PostgresStore.open({ url: TEST_PG_URL, schema, poolSize: 2 })));
    try {
      const results = await Promise.allSettled(stores.map((s) => s.migrate()));
      expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
      for (const s of stores) expect(await s.migrationStatus()).toEqual({ applied: MIGRATION_NAMES, pending: [] });
    } finally {
      for (const s of stores) await s.close();
    }
  });
});
