import type { Kysely, Transaction } from 'kysely';
import { dayString } from '../domain/time.js';
import type { DB } from './db-types.js';
import type { MonitoringRecordRow, RecordStatus } from './monitoring-store.js';

/**
 * What the dashboard's overview reads for a page of models, in one indexed statement per kind
 * instead of one per model: record points (monitoring_records by (model_id, timestamp)),
 * predictions per day (prediction_blocks by (model_id, day): one block never spans two UTC
 * days, so whole days are block row counts), and active incidents (incidents by (model_id,
 * status)). Reached as `store.overview`.
 */
export interface OverviewStore {
  /** Records of these models with `from <= timestamp`, without bodies, ordered by model then time (oldest first). */
  recordsSince(modelIds: string[], from: number): Promise<MonitoringRecordRow[]>;
  /**
   * Predictions per model and UTC day, for the days `fromDay` to `toDay` (day numbers, both
   * included), whole days. Days without predictions are absent.
   */
  predictionsPerDay(modelIds: string[], fromDay: number, toDay: number): Promise<{ model_id: string; day: string; count: number }[]>;
  /** Open or investigating incidents per model (models without any are absent). */
  activeIncidentCounts(modelIds: string[]): Promise<Map<string, number>>;
}

type Exec = Kysely<DB> | Transaction<DB>;

/** Ids per statement: well under SQLite's and PostgreSQL's parameter limits. */
const CHUNK = 500;

async function chunked<T>(ids: string[], run: (part: string[]) => Promise<T[]>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < ids.length; i += CHUNK) out.push(...(await run(ids.slice(i, i + CHUNK))));
  return out;
}

export class KyselyOverviewStore implements OverviewStore {
  constructor(private readonly db: Exec) {}

  recordsSince(modelIds: string[], from: number): Promise<MonitoringRecordRow[]> {
    return chunked(modelIds, async (ids) => {
      const rows = await this.db
        .selectFrom('monitoring_records')
        .select(['record_id', 'model_id', 'status', 'timestamp', 'period_start', 'period_end', 'sample_count', 'baseline_id', 'aggregated_score', 'max_severity', 'duration_ms', 'trigger', 'error'])
        .where('model_id', 'in', ids)
        .where('timestamp', '>=', from)
        .orderBy('model_id')
        .orderBy('timestamp')
        .orderBy('record_id')
        .execute();
      return rows.map((r) => ({
        record_id: r.record_id,
        model_id: r.model_id,
        status: r.status as RecordStatus,
        timestamp: Number(r.timestamp),
        period_start: Number(r.period_start),
        period_end: Number(r.period_end),
        sample_count: Number(r.sample_count),
        baseline_id: r.baseline_id,
        aggregated_score: r.aggregated_score === null ? null : Number(r.aggregated_score),
        max_severity: r.max_severity,
        duration_ms: Number(r.duration_ms),
        trigger: r.trigger,
        body: {},
        error: r.error,
      }));
    });
  }

  predictionsPerDay(modelIds: string[], fromDay: number, toDay: number): Promise<{ model_id: string; day: string; count: number }[]> {
    return chunked(modelIds, async (ids) => {
      const rows = await this.db
        .selectFrom('prediction_blocks')
        .select(['model_id', 'day', (eb) => eb.fn.sum<number | string>('row_count').as('n')])
        .where('model_id', 'in', ids)
        .where('day', '>=', fromDay)
        .where('day', '<=', toDay)
        .groupBy(['model_id', 'day'])
        .execute();
      return rows.map((r) => ({ model_id: r.model_id, day: dayString(Number(r.day)), count: Number(r.n) })).filter((r) => r.count > 0);
    });
  }

  async activeIncidentCounts(modelIds: string[]): Promise<Map<string, number>> {
    const rows = await chunked(modelIds, (ids) =>
      this.db
        .selectFrom('incidents')
        .select(['model_id', (eb) => eb.fn.countAll<number | string>().as('n')])
        .where('model_id', 'in', ids)
        .where('status', 'in', ['open', 'investigating'])
        .groupBy('model_id')
        .execute(),
    );
    return new Map(rows.filter((r) => r.model_id !== null).map((r) => [r.model_id as string, Number(r.n)]));
  }
}
