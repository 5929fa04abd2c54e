import { DAY_MS, HOUR_MS } from '../domain/time.js';
import type { RecordQuery, RecordStatus } from '../store/monitoring-store.js';
import type { Store } from '../store/store.js';

/** The ranges the dashboard asks for (Flow 5). */
export const RECORD_RANGES = { '24h': 24 * HOUR_MS, '7d': 7 * DAY_MS, '30d': 30 * DAY_MS, '90d': 90 * DAY_MS } as const;
export type RecordRange = keyof typeof RECORD_RANGES;

/** Flow 5's summary over every record a query selects (not just one page). */
export interface RecordSummary {
  total_records: number;
  /** completed records by their worst severity; failed analyses count as critical */
  critical_count: number;
  warning_count: number;
  info_count: number;
  skipped_count: number;
  failed_count: number;
}

/** [from, to) of a listing: explicit bounds win over `range`; `to` defaults to open-ended. */
export function recordWindow(now: number, range: RecordRange | undefined, from?: number, to?: number): { from?: number; to?: number } {
  const start = from ?? (range ? now - RECORD_RANGES[range] : undefined);
  return { from: start, to };
}

/** Most records a summary walks through; beyond it the counts say so with `truncated`. */
const SUMMARY_CAP = 200_000;

/**
 * Count the records of a query by status and severity. Records are few (a handful per model
 * and day), so this pages through them without their bodies.
 */
export async function summarizeRecords(store: Store, query: Omit<RecordQuery, 'limit' | 'cursor' | 'withoutBody'>): Promise<RecordSummary & { truncated?: true }> {
  const out: RecordSummary = { total_records: 0, critical_count: 0, warning_count: 0, info_count: 0, skipped_count: 0, failed_count: 0 };
  let cursor: string | undefined;
  do {
    const page = await store.listRecords({ ...query, limit: 1000, cursor, withoutBody: true });
    for (const r of page.items) {
      out.total_records++;
      const status: RecordStatus = r.status;
      if (status === 'skipped') out.skipped_count++;
      else if (status === 'failed') {
        out.failed_count++;
        out.critical_count++;
      } else if (r.max_severity === 'CRITICAL') out.critical_count++;
      else if (r.max_severity === 'WARNING') out.warning_count++;
      else out.info_count++;
    }
    cursor = page.next_cursor;
    if (out.total_records >= SUMMARY_CAP && cursor) return { ...out, truncated: true };
  } while (cursor);
  return out;
}
