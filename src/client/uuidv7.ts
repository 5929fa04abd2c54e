import { randomUUID } from 'node:crypto';

let lastMs = -1;
let prefix = '';

/**
 * A UUID version 7 (RFC 9562): 48 bits of Unix milliseconds, then random bits. Built from
 * `crypto.randomUUID()` (which draws from a cached entropy pool, so it is cheap) by replacing its
 * first 48 bits with the time and its version nibble with 7; the time prefix is rebuilt only when
 * the millisecond changes. Costs a few hundred nanoseconds, which is why `log()` can afford it.
 */
export function uuidv7(now: number = Date.now()): string {
  if (now !== lastMs) {
    lastMs = now;
    const h = now.toString(16).padStart(12, '0');
    prefix = `${h.slice(0, 8)}-${h.slice(8, 12)}-7`;
  }
  // randomUUID(): xxxxxxxx-xxxx-4xxx-Nxxx-xxxxxxxxxxxx; keep from the character after the '4'
  return prefix + randomUUID().slice(15);
}

/** The millisecond time a UUIDv7 was made at. */
export function uuidv7Time(id: string): number {
  return parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
}
