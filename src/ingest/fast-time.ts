import { MAX_TS, MIN_TS, parseTimestamp } from '../domain/time.js';

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * parseTimestamp (domain/time.ts) with a fast path for what clients send most: the canonical
 * UTC form `YYYY-MM-DDTHH:MM:SS.sssZ` (Date#toISOString) or `YYYY-MM-DDTHH:MM:SSZ`. Same result
 * for every input: anything else, or any field out of the ordinary, takes the general path.
 * (The regex and Date.parse of the general path were ~1.4 µs of a bulk row's ~10.)
 */
export function parseTimestampFast(v: unknown): number {
  if (typeof v !== 'string' || (v.length !== 24 && v.length !== 20)) return parseTimestamp(v);
  const n = v.length;
  if (
    v.charCodeAt(4) !== 45 ||
    v.charCodeAt(7) !== 45 ||
    v.charCodeAt(10) !== 84 ||
    v.charCodeAt(13) !== 58 ||
    v.charCodeAt(16) !== 58 ||
    v.charCodeAt(n - 1) !== 90 ||
    (n === 24 && v.charCodeAt(19) !== 46)
  ) {
    return parseTimestamp(v);
  }
  const year = digits(v, 0, 4);
  const month = digits(v, 5, 2);
  const day = digits(v, 8, 2);
  const hour = digits(v, 11, 2);
  const minute = digits(v, 14, 2);
  const second = digits(v, 17, 2);
  const ms = n === 24 ? digits(v, 20, 3) : 0;
  if (year < 1970 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59 || ms < 0) return parseTimestamp(v);
  const leap = month === 2 && (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)) ? 1 : 0;
  if (day > DAYS[month - 1] + leap) return parseTimestamp(v);
  const t = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  return t >= MIN_TS && t <= MAX_TS ? t : NaN;
}

/** The decimal number in v[at, at+len), or -1 when a character is not a digit. */
function digits(v: string, at: number, len: number): number {
  let out = 0;
  for (let i = at; i < at + len; i++) {
    const c = v.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    out = out * 10 + c;
  }
  return out;
}
