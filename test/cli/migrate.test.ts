import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatMigrateReport, migrateStore } from '../../src/cli/migrate.js';
import { MIGRATION_NAMES } from '../../src/store/migrations/index.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';

describe('migrate command', () => {
  it('reports pending migrations, applies them, and then has nothing to do', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dw-migrate-'));
    const store = SqliteStore.open({ path: join(dir, 'm.db') });
    try {
      const status = await migrateStore(store, true);
      expect(status).toEqual({ appliedNow: [], applied: [], pending: MIGRATION_NAMES });
      expect(formatMigrateReport(status, 'SQLite m.db', true)).toBe(`store: SQLite m.db\napplied (0): -\npending (${MIGRATION_NAMES.length}): ${MIGRATION_NAMES.join(', ')}`);

      const run = await migrateStore(store);
      expect(run).toEqual({ appliedNow: MIGRATION_NAMES, applied: MIGRATION_NAMES, pending: [] });
      expect(formatMigrateReport(run, 'x', false)).toContain(`applied now: ${MIGRATION_NAMES.join(', ')}`);

      const again = await migrateStore(store);
      expect(again.appliedNow).toEqual([]);
      expect(formatMigrateReport(again, 'x', false)).toContain('nothing to apply');
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
