import { randomFillSync } from 'node:crypto';

/** random bytes drawn from the CSPRNG at once (as crypto.randomUUID() does, with its own cache) */
const POOL_BYTES = 4096;
const pool = Buffer.allocUnsafe(POOL_BYTES);
let poolAt = POOL_BYTES;
/** the id being built, as ASCII: xxxxxxxx-xxxx-7xxx-Vxxx-xxxxxxxxxxxx */
const text = Buffer.from('00000000-0000-7000-8000-000000000000', 'latin1');
const HEX = Buffer.from('0123456789abcdef', 'latin1');
let lastMs = -1;

/**
 * A UUID version 7 (RFC 9562): 48 bits of Unix milliseconds, the version, 74 random bits from a
 * pooled `crypto.randomFillSync`, the variant. Written as ASCII into a reused buffer (the time
 * part only when the millisecond changes) and read out as one flat string: a few hundred
 * nanoseconds, one small allocation, which is why `log()` can afford it.
 */
export function uuidv7(now: number = Date.now()): string {
  if (now !== lastMs) {
    lastMs = now;
    const h = now.toString(16).padStart(12, '0');
    for (let i = 0; i < 8; i++) text[i] = h.charCodeAt(i);
    for (let i = 8; i < 12; i++) text[i + 1] = h.charCodeAt(i);
  }
  if (poolAt + 10 > POOL_BYTES) {
    randomFillSync(pool);
    poolAt = 0;
  }
  const r = poolAt;
  poolAt += 10;
  // rand_a: 12 bits after the version nibble
  text[15] = HEX[pool[r] & 15];
  text[16] = HEX[pool[r + 1] >> 4];
  text[17] = HEX[pool[r + 1] & 15];
  // variant 10xx, then rand_b: 62 bits
  text[19] = HEX[8 | (pool[r] >> 6)];
  text[20] = HEX[pool[r + 2] >> 4];
  text[21] = HEX[pool[r + 2] & 15];
  text[22] = HEX[pool[r + 3] >> 4];
  for (let i = 0; i < 6; i++) {
    const b = pool[r + 4 + i];
    text[24 + 2 * i] = HEX[b >> 4];
    text[25 + 2 * i] = HEX[b & 15];
  }
  return text.toString('latin1', 0, 36);
}

/** The millisecond time a UUIDv7 was made at. */
export function uuidv7Time(id: string): number {
  return parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
}
