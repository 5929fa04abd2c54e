import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { DEFAULT_ALERTING, type AlertingConfig } from '../../src/alerting/alerting-config.js';
import { AlertingService } from '../../src/alerting/alerting-service.js';
import { IncidentService } from '../../src/alerting/incident-service.js';
import { SilenceService } from '../../src/alerting/silence-service.js';
import type { ObservedFinding } from '../../src/alerting/types.js';
import { DEFAULT_SETTINGS, type Model, parseModelSchema } from '../../src/domain/model-schema.js';
import { AuditLog } from '../../src/observability/audit.js';
import type { MonitoringRecordRow } from '../../src/store/monitoring-store.js';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../src/store/store.js';
import { TEST_PG_URL } from '../store/store-fixtures.js';

export const HOUR = 3_600_000;
export const T0 = Date.UTC(2026, 5, 1, 0, 0, 0);

/** A store that can be closed and opened again on the same data: a "restart". */
export interface Backend {
  name: 'sqlite' | 'postgres';
  /** the SQLite file (sqlite only) */
  path?: string;
  /** the PostgreSQL schema (postgres only) */
  schema?: string;
  open(): Promise<Store>;
  /** run SQL on a separate connection (fault injection, poking at rows) */
  exec(statements: string): Promise<void>;
  cleanup(): Promise<void>;
}

let n = 0;

export function sqliteBackend(): Backend {
  const dir = mkdtempSync(join(tmpdir(), 'dw-alerting-'));
  const path = join(dir, 'alerting.db');
  return {
    name: 'sqlite',
    path,
    async open() {
      const store = SqliteStore.open({ path });
      await store.migrate();
      return store;
    },
    async exec(statements) {
      const db = new Database(path);
      try {
        db.exec(statements);
      } finally {
        db.close();
      }
    },
    async cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function postgresBackend(): Backend {
  const schema = `dwalert_${process.pid}_${Date.now().toString(36)}_${n++}`;
  return {
    name: 'postgres',
    schema,
    async open() {
      const store = await PostgresStore.open({ url: TEST_PG_URL, schema, poolSize: 4 });
      await store.migrate();
      return store;
    },
    async exec(statements) {
      const client = new pg.Client({ connectionString: TEST_PG_URL, options: `-c search_path=${schema}` });
      await client.connect();
      try {
        await client.query(statements);
      } finally {
        await client.end();
      }
    },
    async cleanup() {
      const client = new pg.Client({ connectionString: TEST_PG_URL });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    },
  };
}

export const BACKENDS: (() => Backend)[] = [sqliteBackend, postgresBackend];

/** The services of one "process" over a store, sharing a movable clock. */
export interface Services {
  store: Store;
  alerting: AlertingService;
  incidents: IncidentService;
  silences: SilenceService;
  audit: AuditLog;
}

export async function services(store: Store, clock: { now: number }, config: Partial<AlertingConfig> = {}): Promise<Services> {
  const now = () => clock.now;
  const alerting = new AlertingService(store, { ...DEFAULT_ALERTING, default_channels: ['slack', 'pagerduty'], ...config }, now);
  await alerting.init();
  const audit = new AuditLog(store, now);
  return { store, alerting, incidents: new IncidentService(store, audit, now), silences: new SilenceService(store, audit, now), audit };
}

export function testModel(modelId: string, now = T0): Model {
  const schema = parseModelSchema({ task: 'binary_classification', labels: ['yes', 'no'], features: [{ name: 'income', type: 'numeric' }] });
  return { model_id: modelId, name: modelId, description: '', schema_version: 1, schema, settings: { ...DEFAULT_SETTINGS }, created_at: now, updated_at: now };
}

let rec = 0;
/** A monitoring record with these findings (not stored: alerting only reads what it is given). */
export function record(modelId: string, findings: ObservedFinding[], at: number, status: MonitoringRecordRow['status'] = 'completed'): MonitoringRecordRow {
  return {
    record_id: `MON-T-${rec++}`,
    model_id: modelId,
    status,
    timestamp: at,
    period_start: at - 24 * HOUR,
    period_end: at,
    sample_count: 1000,
    baseline_id: null,
    aggregated_score: null,
    max_severity: null,
    duration_ms: 1,
    trigger: 'schedule',
    body: { findings },
    error: null,
  };
}

export const finding = (metric: string, severity: ObservedFinding['severity'], value = 0.4, extra: Partial<ObservedFinding> = {}): ObservedFinding => ({
  metric,
  severity,
  value,
  threshold: severity === 'CRITICAL' ? 0.25 : 0.1,
  ...extra,
});
