import { DAY_MS } from '../../domain/time.js';

/**
 * prediction_blocks on PostgreSQL is partitioned by range of `day` (UTC day number), one
 * partition per calendar month, named `prediction_blocks_pYYYYMM`. Pure naming and bounds,
 * shared by the migration that partitions the table and the store that manages partitions.
 */
export interface MonthPartition {
  /** table name, e.g. prediction_blocks_p202601 */
  name: string;
  /** first day number of the month (inclusive) */
  fromDay: number;
  /** first day number of the next month (exclusive) */
  toDay: number;
}

export const PARTITION_PREFIX = 'prediction_blocks_p';
/** a detached partition waiting for its keys to be deleted before it is dropped */
export const RETIRED_PREFIX = 'retired_blocks_p';

/** The month partition holding a UTC day number. */
export function monthOfDay(day: number): MonthPartition {
  const d = new Date(day * DAY_MS);
  return monthPartition(d.getUTCFullYear(), d.getUTCMonth());
}

/** The partition of a year and month (0-11). */
export function monthPartition(year: number, month: number): MonthPartition {
  const fromDay = Date.UTC(year, month, 1) / DAY_MS;
  const toDay = Date.UTC(year, month + 1, 1) / DAY_MS;
  return { name: `${PARTITION_PREFIX}${String(year).padStart(4, '0')}${String(month + 1).padStart(2, '0')}`, fromDay, toDay };
}

/** The month partitions covering days [firstDay, lastDay] (both inclusive), oldest first. */
export function monthsCovering(firstDay: number, lastDay: number): MonthPartition[] {
  const out: MonthPartition[] = [];
  for (let m = monthOfDay(firstDay); m.fromDay <= lastDay; m = monthOfDay(m.toDay)) out.push(m);
  return out;
}

/** Parse a partition (or retired partition) name back into its month; null when it is not one. */
export function parsePartitionName(name: string): MonthPartition | null {
  const m = /^(?:prediction_blocks_p|retired_blocks_p)(\d{4})(\d{2})$/.exec(name);
  if (!m) return null;
  const month = Number(m[2]) - 1;
  if (month < 0 || month > 11) return null;
  return monthPartition(Number(m[1]), month);
}

/** DDL creating a month partition (idempotent). */
export function createPartitionSql(p: MonthPartition): string {
  return `CREATE TABLE IF NOT EXISTS ${p.name} PARTITION OF prediction_blocks FOR VALUES FROM (${p.fromDay}) TO (${p.toDay})`;
}
