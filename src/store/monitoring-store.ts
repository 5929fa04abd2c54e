import type { Kysely, Transaction } from 'kysely';
import { AppError } from '../errors/catalog.js';
import type { DB } from './db-types.js';
import type { Page, PageRequest } from './store.js';

/** A frozen baseline as stored. `summary` is JSON for people; `data` holds the samples exact tests need. */
export interface BaselineRow {
  snapshot_id: string;
  model_id: string;
  model_version: string | null;
  schema_version: number;
  is_active: boolean;
  created_at: number;
  created_by: string | null;
  archived_at: number | null;
  source: 'validation_data' | 'time_range';
  sample_count: number;
  /** SHA-256 of summary + data, verified when read back */
  content_hash: string;
  metadata: Record<string, unknown>;
  summary: unknown;
  /** absent when listed without data */
  data?: Uint8Array;
}

export type RecordStatus = 'completed' | 'skipped' | 'failed';

/** One analysis of a model's window as stored; `body` is the full record (metrics, findings). */
export interface MonitoringRecordRow {
  record_id: string;
  model_id: string;
  status: RecordStatus;
  timestamp: number;
  period_start: number;
  period_end: number;
  sample_count: number;
  baseline_id: string | null;
  aggregated_score: number | null;
  max_severity: string | null;
  duration_ms: number;
  trigger: string;
  body: Record<string, unknown>;
  error: string | null;
}

export interface RecordQuery extends PageRequest {
  model_id?: string;
  from?: number;
  to?: number;
  status?: RecordStatus;
  /** leave out `body` (list views) */
  withoutBody?: boolean;
}

/** Sufficient statistics of the outcomes of predictions made in a period (rolling performance). */
export interface OutcomeSummary {
  /** classification: count per (predicted label, actual label) */
  cells: { predicted: string | null; actual: string | null; n: number }[];
  /** regression: sums over outcomes with both values */
  regression: { n: number; sum_abs_error: number; sum_sq_error: number; sum_y: number; sum_y2: number; sum_abs_pct_error: number };
}

/** Baselines and monitoring records. */
export interface MonitoringStore {
  /** Aggregate the outcomes whose prediction time is in [from, to) (what was predicted vs what happened). */
  summarizeOutcomes(modelId: string, from: number, to: number): Promise<OutcomeSummary>;
  /** Insert a baseline; when `is_active`, archive the model's previous active baseline in the same transaction. */
  createBaseline(row: BaselineRow & { data: Uint8Array }): Promise<void>;
  getBaseline(snapshotId: string, withData?: boolean): Promise<BaselineRow | null>;
  getActiveBaseline(modelId: string, withData?: boolean): Promise<BaselineRow | null>;
  listBaselines(modelId: string | undefined, page: PageRequest): Promise<Page<BaselineRow>>;
  /** Make a baseline the active one of its model (archiving the previous). Returns it, or null when unknown. */
  activateBaseline(snapshotId: string, now: number): Promise<BaselineRow | null>;

  insertRecord(row: MonitoringRecordRow): Promise<void>;
  getRecord(recordId: string): Promise<MonitoringRecordRow | null>;
  /** Newest first. */
  listRecords(query: RecordQuery): Promise<Page<MonitoringRecordRow>>;
  /** The newest record of each model (of the given status, any when absent). */
  latestRecords(status?: RecordStatus): Promise<MonitoringRecordRow[]>;
}

type Exec = Kysely<DB> | Transaction<DB>;
const encode = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
function decode(cursor: string): [number, string] {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(v) && typeof v[0] === 'number' && typeof v[1] === 'string') return v as [number, string];
  } catch {
    /* fall through */
  }
  throw new AppError('bad_request', 'cursor: not a cursor this server issued');
}

function toBaseline(r: Partial<DB['baselines']> & Omit<DB['baselines'], 'data'>): BaselineRow {
  const out: BaselineRow = {
    snapshot_id: r.snapshot_id,
    model_id: r.model_id,
    model_version: r.model_version,
    schema_version: r.schema_version,
    is_active: Number(r.is_active) === 1,
    created_at: Number(r.created_at),
    created_by: r.created_by,
    archived_at: r.archived_at === null ? null : Number(r.archived_at),
    source: r.source as BaselineRow['source'],
    sample_count: r.sample_count,
    content_hash: r.content_hash,
    metadata: JSON.parse(r.metadata) as Record<string, unknown>,
    summary: JSON.parse(r.summary) as unknown,
  };
  if (r.data) out.data = r.data;
  return out;
}

function toRecord(r: Partial<DB['monitoring_records']> & Omit<DB['monitoring_records'], 'body'>): MonitoringRecordRow {
  return {
    record_id: r.record_id,
    model_id: r.model_id,
    status: r.status as RecordStatus,
    timestamp: Number(r.timestamp),
    period_start: Number(r.period_start),
    period_end: Number(r.period_end),
    sample_count: r.sample_count,
    baseline_id: r.baseline_id,
    aggregated_score: r.aggregated_score === null ? null : Number(r.aggregated_score),
    max_severity: r.max_severity,
    duration_ms: Number(r.duration_ms),
    trigger: r.trigger,
    body: r.body ? (JSON.parse(r.body) as Record<string, unknown>) : {},
    error: r.error,
  };
}

const BASELINE_COLUMNS = [
  'snapshot_id',
  'model_id',
  'model_version',
  'schema_version',
  'is_active',
  'created_at',
  'created_by',
  'archived_at',
  'source',
  'sample_count',
  'content_hash',
  'metadata',
  'summary',
] as const;

const RECORD_COLUMNS = [
  'record_id',
  'model_id',
  'status',
  'timestamp',
  'period_start',
  'period_end',
  'sample_count',
  'baseline_id',
  'aggregated_score',
  'max_severity',
  'duration_ms',
  'trigger',
  'error',
] as const;

/** Kysely implementation shared by both backends; `db` must be a transaction where atomicity matters. */
export const monitoringQueries = {
  async archiveActive(db: Exec, modelId: string, now: number): Promise<void> {
    await db.updateTable('baselines').set({ is_active: 0, archived_at: now }).where('model_id', '=', modelId).where('is_active', '=', 1).execute();
  },

  async createBaseline(db: Exec, row: BaselineRow & { data: Uint8Array }): Promise<void> {
    if (row.is_active) await monitoringQueries.archiveActive(db, row.model_id, row.created_at);
    await db
      .insertInto('baselines')
      .values({
        ...row,
        is_active: row.is_active ? 1 : 0,
        metadata: JSON.stringify(row.metadata),
        summary: JSON.stringify(row.summary),
      })
      .execute();
  },

  async getBaseline(db: Exec, where: { snapshotId?: string; activeOf?: string }, withData: boolean): Promise<BaselineRow | null> {
    let q = db.selectFrom('baselines').select([...BASELINE_COLUMNS]);
    if (withData) q = q.select('data');
    if (where.snapshotId !== undefined) q = q.where('snapshot_id', '=', where.snapshotId);
    if (where.activeOf !== undefined) q = q.where('model_id', '=', where.activeOf).where('is_active', '=', 1);
    const r = await q.executeTakeFirst();
    return r ? toBaseline(r) : null;
  },

  async listBaselines(db: Exec, modelId: string | undefined, page: PageRequest): Promise<Page<BaselineRow>> {
    let q = db.selectFrom('baselines').select([...BASELINE_COLUMNS]).orderBy('created_at', 'desc').orderBy('snapshot_id', 'desc').limit(page.limit + 1);
    if (modelId !== undefined) q = q.where('model_id', '=', modelId);
    if (page.cursor) {
      const [ts, id] = decode(page.cursor);
      q = q.where((eb) => eb.or([eb('created_at', '<', ts), eb.and([eb('created_at', '=', ts), eb('snapshot_id', '<', id)])]));
    }
    const rows = (await q.execute()).map(toBaseline);
    const items = rows.slice(0, page.limit);
    return rows.length > page.limit ? { items, next_cursor: encode([items[items.length - 1].created_at, items[items.length - 1].snapshot_id]) } : { items };
  },

  async activateBaseline(db: Exec, snapshotId: string, now: number): Promise<BaselineRow | null> {
    const b = await monitoringQueries.getBaseline(db, { snapshotId }, false);
    if (!b) return null;
    if (!b.is_active) {
      await monitoringQueries.archiveActive(db, b.model_id, now);
      await db.updateTable('baselines').set({ is_active: 1, archived_at: null }).where('snapshot_id', '=', snapshotId).execute();
    }
    return monitoringQueries.getBaseline(db, { snapshotId }, false);
  },

  async insertRecord(db: Exec, row: MonitoringRecordRow): Promise<void> {
    await db
      .insertInto('monitoring_records')
      .values({ ...row, body: JSON.stringify(row.body) })
      .execute();
  },

  async getRecord(db: Exec, recordId: string): Promise<MonitoringRecordRow | null> {
    const r = await db.selectFrom('monitoring_records').selectAll().where('record_id', '=', recordId).executeTakeFirst();
    return r ? toRecord(r) : null;
  },

  async listRecords(db: Exec, query: RecordQuery): Promise<Page<MonitoringRecordRow>> {
    let q = db.selectFrom('monitoring_records').select([...RECORD_COLUMNS]).orderBy('timestamp', 'desc').orderBy('record_id', 'desc').limit(query.limit + 1);
    if (!query.withoutBody) q = q.select('body');
    if (query.model_id !== undefined) q = q.where('model_id', '=', query.model_id);
    if (query.from !== undefined) q = q.where('timestamp', '>=', query.from);
    if (query.to !== undefined) q = q.where('timestamp', '<', query.to);
    if (query.status !== undefined) q = q.where('status', '=', query.status);
    if (query.cursor) {
      const [ts, id] = decode(query.cursor);
      q = q.where((eb) => eb.or([eb('timestamp', '<', ts), eb.and([eb('timestamp', '=', ts), eb('record_id', '<', id)])]));
    }
    const rows = (await q.execute()).map((r) => toRecord(r as DB['monitoring_records']));
    const items = rows.slice(0, query.limit);
    return rows.length > query.limit ? { items, next_cursor: encode([items[items.length - 1].timestamp, items[items.length - 1].record_id]) } : { items };
  },

  async latestRecords(db: Exec, status?: RecordStatus): Promise<MonitoringRecordRow[]> {
    let inner = db.selectFrom('monitoring_records').select(['model_id', (eb) => eb.fn.max('timestamp').as('ts')]).groupBy('model_id');
    if (status) inner = inner.where('status', '=', status);
    let q = db
      .selectFrom('monitoring_records as r')
      .innerJoin(inner.as('m'), (j) => j.onRef('m.model_id', '=', 'r.model_id').onRef('m.ts', '=', 'r.timestamp'))
      .selectAll('r');
    if (status) q = q.where('r.status', '=', status);
    const rows = await q.execute();
    const seen = new Set<string>();
    const out: MonitoringRecordRow[] = [];
    for (const r of rows.map((x) => toRecord(x as DB['monitoring_records']))) {
      if (seen.has(r.model_id)) continue;
      seen.add(r.model_id);
      out.push(r);
    }
    return out;
  },
};
