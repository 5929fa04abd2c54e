import type { Kysely, Migration, MigrationProvider } from 'kysely';
import type { DialectTypes } from './dialect-types.js';
import * as m0001 from './0001-foundation.js';
import * as m0002 from './0002-monitoring.js';
import * as m0003 from './0003-pending-keys.js';
import * as m0004 from './0004-alerting.js';
import * as m0005 from './0005-outcome-rollups.js';
import * as m0006 from './0006-lifecycle.js';
import * as m0007 from './0007-cluster.js';
import * as m0008 from './0008-tick-records.js';
import * as m0009 from './0009-small-blocks.js';

/** The one portable list of migrations, in order. Names never change once released. */
const MIGRATIONS: [string, (db: Kysely<unknown>, t: DialectTypes) => Promise<void>][] = [
  ['0001-foundation', m0001.up],
  ['0002-monitoring', m0002.up],
  ['0003-pending-keys', m0003.up],
  ['0004-alerting', m0004.up],
  ['0005-outcome-rollups', m0005.up],
  ['0006-lifecycle', m0006.up],
  ['0007-cluster', m0007.up],
  ['0008-tick-records', m0008.up],
  ['0009-small-blocks', m0009.up],
];

export const MIGRATION_NAMES = MIGRATIONS.map(([name]) => name);

export function migrationProvider(types: DialectTypes): MigrationProvider {
  return {
    async getMigrations() {
      const out: Record<string, Migration> = {};
      for (const [name, up] of MIGRATIONS) out[name] = { up: (db) => up(db, types) };
      return out;
    },
  };
}
