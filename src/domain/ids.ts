import { randomBytes } from 'node:crypto';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A time-ordered, URL-safe unique id (ULID layout: 48-bit ms time + 80 random bits). */
export function ulid(now: number = Date.now()): string {
  let out = '';
  let t = now;
  const time = new Array<string>(10);
  for (let i = 9; i >= 0; i--) {
    time[i] = CROCKFORD[t % 32];
    t = Math.floor(t / 32);
  }
  out = time.join('');
  const rnd = randomBytes(16);
  for (let i = 0; i < 16; i++) out += CROCKFORD[rnd[i] & 31];
  return out;
}

/** A prefixed id for a domain object, e.g. `job_01J…`. */
export const newId = (prefix: string, now?: number): string => `${prefix}_${ulid(now)}`;

let pool = Buffer.alloc(0);
let poolAt = 0;

/** A UUID version 7 (time-ordered), used for predictions logged without an id. */
export function uuidv7(now: number = Date.now()): string {
  if (poolAt + 10 > pool.length) {
    pool = randomBytes(4096);
    poolAt = 0;
  }
  const b = Buffer.allocUnsafe(16);
  b.writeUIntBE(now, 0, 6);
  pool.copy(b, 6, poolAt, poolAt + 10);
  poolAt += 10;
  b[6] = (b[6] & 0x0f) | 0x70;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
