/**
 * Dictionary from cell bytes to a dense code, so categorical cells are counted or coded
 * without creating a string per cell: a string is made once per distinct value.
 */
export const HASH_SEED = 0x811c9dc5 | 0;
export const HASH_PRIME = 0x01000193;

export class ByteDictionary {
  /** the distinct values, by code */
  readonly values: string[] = [];
  private table = new Int32Array(1024);
  private mask = 1023;
  private hashes = new Int32Array(256);
  private offsets = new Int32Array(256);
  private lengths = new Int32Array(256);
  private pool: Uint8Array = new Uint8Array(4096);
  private poolUsed = 0;

  get size(): number {
    return this.values.length;
  }

  /** Code of the bytes buf[start, end), adding them when new. */
  code(buf: Uint8Array, start: number, end: number): number {
    let h = HASH_SEED;
    for (let i = start; i < end; i++) h = Math.imul(h ^ buf[i], HASH_PRIME);
    return this.codeHashed(h, buf, start, end);
  }

  /**
   * Code of buf[start, end) whose hash the caller computed while scanning the cell:
   * h = HASH_SEED, then h = Math.imul(h ^ byte, HASH_PRIME) for each byte.
   */
  codeHashed(h: number, buf: Uint8Array, start: number, end: number): number {
    const len = end - start;
    let slot = h & this.mask;
    for (;;) {
      const entry = this.table[slot];
      if (entry === 0) break;
      const e = entry - 1;
      if (this.hashes[e] === h && this.lengths[e] === len && this.equals(e, buf, start, len)) return e;
      slot = (slot + 1) & this.mask;
    }
    return this.insert(slot, h, buf, start, end);
  }

  /** Code of a value given as a string (quoted cells after unescaping), adding it when new. */
  codeOfString(value: string): number {
    const bytes = Buffer.from(value, 'utf8');
    return this.code(bytes, 0, bytes.length);
  }

  private equals(e: number, buf: Uint8Array, start: number, len: number): boolean {
    const pool = this.pool;
    const off = this.offsets[e];
    for (let i = 0; i < len; i++) if (pool[off + i] !== buf[start + i]) return false;
    return true;
  }

  private insert(slot: number, h: number, buf: Uint8Array, start: number, end: number): number {
    const e = this.values.length;
    const len = end - start;
    if (e === this.hashes.length) {
      this.hashes = grow(this.hashes);
      this.offsets = grow(this.offsets);
      this.lengths = grow(this.lengths);
    }
    if (this.poolUsed + len > this.pool.length) {
      const next = new Uint8Array(Math.max(this.pool.length * 2, this.poolUsed + len));
      next.set(this.pool.subarray(0, this.poolUsed));
      this.pool = next;
    }
    this.pool.set(buf.subarray(start, end), this.poolUsed);
    this.hashes[e] = h;
    this.offsets[e] = this.poolUsed;
    this.lengths[e] = len;
    this.poolUsed += len;
    this.values.push(Buffer.from(buf.buffer, buf.byteOffset + start, len).toString('utf8'));
    this.table[slot] = e + 1;
    if ((e + 1) * 2 > this.table.length) this.rehash();
    return e;
  }

  private rehash(): void {
    const size = this.table.length * 2;
    this.table = new Int32Array(size);
    this.mask = size - 1;
    for (let e = 0; e < this.values.length; e++) {
      let slot = this.hashes[e] & this.mask;
      while (this.table[slot] !== 0) slot = (slot + 1) & this.mask;
      this.table[slot] = e + 1;
    }
  }
}

function grow(a: Int32Array): Int32Array<ArrayBuffer> {
  const next = new Int32Array(a.length * 2);
  next.set(a);
  return next;
}
