export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;

/** UTC day number (days since 1970-01-01) of an epoch-ms instant. */
export const dayOf = (ts: number): number => Math.floor(ts / DAY_MS);

/** `YYYY-MM-DD` of a UTC day number. */
export const dayString = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);

export const toIso = (ts: number): string => new Date(ts).toISOString();

/** Earliest and latest instants we accept (1970 to 9999) */
export const MIN_TS = 0;
export const MAX_TS = 253_402_300_799_999;

/**
 * Parse a timestamp given as ISO-8601 text or epoch milliseconds. Returns NaN when invalid.
 * ISO text without a zone is taken as UTC.
 */
export function parseTimestamp(v: unknown): number {
  if (typeof v === 'number') return Number.isFinite(v) && v >= MIN_TS && v <= MAX_TS ? Math.trunc(v) : NaN;
  if (typeof v !== 'string' || v.length < 4 || v.length > 40) return NaN;
  if (/^\d+$/.test(v)) return parseTimestamp(Number(v));
  if (!/^\d{4}-\d{2}-\d{2}([T ][0-9:.]+)?(Z|[+-]\d{2}:?\d{2})?$/i.test(v)) return NaN;
  const withZone = /(Z|[+-]\d{2}:?\d{2})$/i.test(v) || v.length === 10 ? v : `${v}Z`;
  const t = Date.parse(withZone);
  if (!Number.isFinite(t) || t < MIN_TS || t > MAX_TS) return NaN;
  // Date.parse rolls 2026-02-30 over to March: reject dates that do not exist
  const [y, m, d] = v.slice(0, 10).split('-').map(Number);
  const check = new Date(Date.UTC(y, m - 1, d));
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== m - 1 || check.getUTCDate() !== d) return NaN;
  return t;
}
