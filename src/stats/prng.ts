/**
 * A small seeded pseudo-random generator for the permutation tests and subsampling: the only
 * randomness in src/stats, so the same seed always gives the same result on every platform.
 */

/** A mutable array of numbers: any typed array or a plain number array. */
export interface MutableNumbers {
  readonly length: number;
  [index: number]: number;
}

/**
 * xoshiro128** (Blackman & Vigna): 128 bits of state, 32-bit outputs, period 2^128 − 1. Pure 32-bit
 * integer arithmetic (Math.imul), so the stream is identical on every JavaScript engine.
 */
export class Prng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  /** Seeds the state from `seed` (any number; only its low 32 bits and sign-free value count) via splitmix32. */
  constructor(seed: number) {
    let x = seed >>> 0;
    const next = (): number => {
      x = (x + 0x9e3779b9) | 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    // the all-zero state is the one state xoshiro cannot leave
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** A generator in the given state (for checking against the reference implementation's vectors). */
  static fromState(s0: number, s1: number, s2: number, s3: number): Prng {
    const prng = new Prng(0);
    prng.s0 = s0 | 0;
    prng.s1 = s1 | 0;
    prng.s2 = s2 | 0;
    prng.s3 = s3 | 0;
    return prng;
  }

  /** A uniform integer in [0, 2^32). */
  nextUint32(): number {
    const s1 = this.s1;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** A uniform double in [0, 1) with 53 random bits. */
  nextFloat(): number {
    const high = this.nextUint32() >>> 5; // 27 bits
    const low = this.nextUint32() >>> 6; // 26 bits
    return (high * 67108864 + low) / 9007199254740992;
  }

  /** A uniform integer in [0, n), without modulo bias; `n` is a positive integer up to 2^53. */
  nextInt(n: number): number {
    if (!(n >= 1) || !Number.isInteger(n)) throw new RangeError(`nextInt needs a positive integer, got ${n}`);
    if (n <= 0x100000000) {
      // rejection on the top of the 32-bit range keeps every residue equally likely
      const limit = 0x100000000 - (0x100000000 % n);
      let x = this.nextUint32();
      while (x >= limit) x = this.nextUint32();
      return x % n;
    }
    return Math.floor(this.nextFloat() * n);
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/**
 * Fisher–Yates shuffle in place. With `count` < length only the first `count` slots are drawn
 * (a partial shuffle): they then hold a uniform random sample without replacement, in random order.
 */
export function shuffleInPlace(prng: Prng, array: MutableNumbers, count: number = array.length): void {
  const n = array.length;
  const last = Math.min(count, n - 1);
  for (let i = 0; i < last; i++) {
    const j = i + prng.nextInt(n - i);
    const t = array[i];
    array[i] = array[j];
    array[j] = t;
  }
}

/** `k` distinct indices drawn uniformly from [0, n), ascending (so reads of a sorted sample stay in order). */
export function sampleIndices(prng: Prng, n: number, k: number): Uint32Array {
  if (k >= n) return Uint32Array.from({ length: n }, (_, i) => i);
  if (k * 16 < n) {
    // Floyd's algorithm: O(k) draws and memory when the sample is a small part of the range
    const chosen = new Set<number>();
    for (let j = n - k; j < n; j++) {
      const t = prng.nextInt(j + 1);
      chosen.add(chosen.has(t) ? j : t);
    }
    return Uint32Array.from(chosen).sort();
  }
  const indices = new Uint32Array(n);
  for (let i = 0; i < n; i++) indices[i] = i;
  shuffleInPlace(prng, indices, k);
  return indices.slice(0, k).sort();
}
