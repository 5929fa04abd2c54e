import { ulid } from '../domain/ids.js';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
let last = '';

/** The ULID right after `id` (its random part plus one). */
function successor(id: string): string {
  const chars = id.split('');
  for (let i = chars.length - 1; i >= 10; i--) {
    const d = CROCKFORD.indexOf(chars[i]);
    if (d < 31) {
      chars[i] = CROCKFORD[d + 1];
      return chars.join('');
    }
    chars[i] = '0';
  }
  return chars.join(''); // 2^80 ids in one millisecond: not a real case
}

/**
 * A ULID that sorts after every one this process made before: ids made in the same millisecond
 * (or under a clock that stands still, as in tests) keep their creation order, which is the
 * order lists of alerts, decisions and audit entries show.
 */
export function monotonicUlid(now: number): string {
  const id = ulid(now);
  // a clock that stands still or steps back gets the successor of the last id (its time part stays)
  last = id > last ? id : successor(last);
  return last;
}

const year = (now: number) => new Date(now).getUTCFullYear();
export const newAlertId = (now: number) => `ALT-${year(now)}-${monotonicUlid(now)}`;
export const newIncidentId = (now: number) => `INC-${year(now)}-${monotonicUlid(now)}`;
/** `<prefix>-<ulid>`: SIL, DEC, AUD, DLV */
export const newId = (prefix: string, now: number) => `${prefix}-${monotonicUlid(now)}`;
