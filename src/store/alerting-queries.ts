import { sql } from 'kysely';
import type { Alert, AlertDecision, IncidentStatus, Severity } from '../alerting/types.js';
import { AppError } from '../errors/catalog.js';
import type { Page, PageRequest } from './store.js';

/** Filters of the alerting lists, and their newest-first cursor paging. */

export interface TimeRange {
  from?: number;
  to?: number;
}

export interface IncidentQuery extends PageRequest, TimeRange {
  model_id?: string;
  /** `active` = open or investigating */
  status?: IncidentStatus | 'active';
  severity?: Severity;
}

export interface AlertQuery extends PageRequest, TimeRange {
  model_id?: string;
  severity?: Severity;
  status?: Alert['status'];
  acknowledged?: boolean;
  incident_id?: string;
}

export interface AlertStatistics {
  total: number;
  by_severity: Record<string, number>;
  by_status: Record<string, number>;
  by_component: Record<string, number>;
  acknowledged: number;
  unacknowledged: number;
}

export interface DecisionQuery extends PageRequest, TimeRange {
  model_id?: string;
  rule_id?: string;
  decision?: AlertDecision['decision'];
}

export interface AuditQuery extends PageRequest, TimeRange {
  actor?: string;
  action?: string;
  target_type?: string;
  target_id?: string;
}

const encode = (ts: number, id: string) => Buffer.from(JSON.stringify([ts, id])).toString('base64url');
function decode(cursor: string): [number, string] {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(v) && typeof v[0] === 'number' && typeof v[1] === 'string') return v as [number, string];
  } catch {
    /* fall through */
  }
  throw new AppError('bad_request', 'cursor: not a cursor this server issued', { problems: [{ field: 'cursor', problem: 'invalid' }] });
}

/** A page of newest-first rows fetched with limit + 1. */
export function pageOf<T>(rows: T[], limit: number, key: (t: T) => [number, string]): Page<T> {
  const items = rows.slice(0, limit);
  if (rows.length <= limit) return { items };
  const [ts, id] = key(items[items.length - 1]);
  return { items, next_cursor: encode(ts, id) };
}

/** `(time < ts) or (time = ts and id < id)` for a cursor, as raw SQL over two column names. */
export function before(cursor: string | undefined, timeCol: string, idCol: string) {
  if (!cursor) return null;
  const [ts, id] = decode(cursor);
  return sql<boolean>`(${sql.ref(timeCol)} < ${ts} or (${sql.ref(timeCol)} = ${ts} and ${sql.ref(idCol)} < ${id}))`;
}

