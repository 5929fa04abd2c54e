/**
 * Sorting and preparing numeric samples: every numeric drift test reads a {@link NumericSample},
 * sorted once here, and never sorts again.
 */
import type { NumericSample } from './types.js';

/** Below this length the builtin sort wins: the radix sort's histograms cost more than they save. */
const RADIX_MIN_LENGTH = 2048;
const DIGIT_BITS = 11;
const BUCKETS = 1 << DIGIT_BITS;
const DIGIT_MASK = BUCKETS - 1;
/** 64 bits in six 11-bit digits; the last digit has 9 bits. */
const PASSES = 6;

/**
 * Sorts `values` in place in ascending numeric order and returns it, like
 * `Float64Array.prototype.sort()`: -0 before +0, NaN last.
 *
 * Large arrays of numbers with few decimals are sorted by counting their decimal keys
 * (sortDecimal); other large arrays go through an LSD radix sort on the IEEE-754 bit patterns
 * (six 11-bit digits, one counting pass for all digit histograms, passes whose digit is the same
 * for every value skipped).
 * The bit pattern of a double orders like its value once the sign bit is flipped for positives and
 * every bit is flipped for negatives. Small arrays use the builtin sort.
 */
export function sortFloat64(values: Float64Array): Float64Array {
  const n = values.length;
  if (n < RADIX_MIN_LENGTH) return values.sort();
  if (sortDecimal(values)) return values;
  const scratch = new Float64Array(n);
  // (lo, hi) word pairs: the little-endian layout of every platform Node runs on
  let src: Uint32Array = new Uint32Array(values.buffer, values.byteOffset, n * 2);
  let dst: Uint32Array = new Uint32Array(scratch.buffer);
  const counts = new Uint32Array(BUCKETS * PASSES);
  for (let i = 0; i < n; i++) {
    let lo = src[2 * i];
    let hi = src[2 * i + 1];
    if ((hi & 0x7ff00000) === 0x7ff00000 && ((hi & 0xfffff) !== 0 || lo !== 0)) {
      // any NaN, whatever its sign or payload, becomes the canonical one that sorts last
      lo = 0;
      hi = 0x7ff80000;
    }
    // the order-preserving key, stored in place of the value until the last pass
    const flip = hi >> 31;
    lo = (lo ^ flip) >>> 0;
    hi = (hi ^ (flip | 0x80000000)) >>> 0;
    src[2 * i] = lo;
    src[2 * i + 1] = hi;
    counts[lo & DIGIT_MASK]++;
    counts[BUCKETS + ((lo >>> 11) & DIGIT_MASK)]++;
    counts[2 * BUCKETS + (((lo >>> 22) | (hi << 10)) & DIGIT_MASK)]++;
    counts[3 * BUCKETS + ((hi >>> 1) & DIGIT_MASK)]++;
    counts[4 * BUCKETS + ((hi >>> 12) & DIGIT_MASK)]++;
    counts[5 * BUCKETS + (hi >>> 23)]++;
  }
  for (let pass = 0; pass < PASSES; pass++) {
    const base = pass * BUCKETS;
    if (isSingleBucket(counts, base, n)) continue;
    let offset = 0;
    for (let b = 0; b < BUCKETS; b++) {
      const c = counts[base + b];
      counts[base + b] = offset;
      offset += c;
    }
    scatter(src, dst, counts, base, pass, n);
    const swap = src;
    src = dst;
    dst = swap;
  }
  const out = new Uint32Array(values.buffer, values.byteOffset, n * 2);
  for (let i = 0; i < n; i++) {
    const lo = src[2 * i];
    const hi = src[2 * i + 1];
    // keys with the top bit set were positives: undo the flips
    const wasNegative = ~hi >> 31;
    out[2 * i] = lo ^ wasNegative;
    out[2 * i + 1] = hi ^ (wasNegative | 0x80000000);
  }
  return values;
}

/** Most decimals tried by the counting path: 10^9·|v| must stay an exact integer for sensible ranges. */
const MAX_DECIMALS = 9;
const POW10 = Array.from({ length: MAX_DECIMALS + 1 }, (_, d) => 10 ** d);

/**
 * Sorting by counting for numbers written with few decimals (counts, ages, prices, ratios rounded
 * to a few places: most logged features). A value v with d decimals is the integer key
 * k = round(v·10^d), and k / 10^d gives back v exactly; when every value passes that check for
 * some d ≤ 9 and the keys span at most max(65,536, 4n) integers (4M at most), counting the keys
 * sorts the values in three passes, where the radix sort makes seven. Returns false, with
 * `values` untouched, when that does not hold (a try stops at the first value that fails it).
 * -0 keeps its place before +0; NaN and infinities never pass.
 */
function sortDecimal(values: Float64Array): boolean {
  const n = values.length;
  const maxBuckets = Math.min(1 << 22, Math.max(1 << 16, 4 * n));
  for (let d = 0; d <= MAX_DECIMALS; d++) {
    const scale = POW10[d];
    let min = Infinity;
    let max = -Infinity;
    let i = 0;
    for (; i < n; i++) {
      const v = values[i];
      const k = Math.round(v * scale);
      if (k / scale !== v || !(Math.abs(k) <= Number.MAX_SAFE_INTEGER)) break;
      if (k < min) min = k;
      if (k > max) max = k;
    }
    if (i < n) continue;
    if (max - min >= maxBuckets) return false;
    // a wide key range makes counting miss the cache on every value: sort the keys by radix
    if (max - min >= RADIX_KEY_MIN_RANGE) {
      sortKeys(values, scale, min, max - min);
      return true;
    }
    const counts = new Uint32Array(max - min + 1);
    let negativeZeros = 0;
    for (let j = 0; j < n; j++) {
      const v = values[j];
      if (v === 0 && 1 / v < 0) negativeZeros++;
      counts[Math.round(v * scale) - min]++;
    }
    let at = 0;
    for (let b = 0; b < counts.length; b++) {
      const c = counts[b];
      if (c === 0) continue;
      const key = min + b;
      if (key === 0 && negativeZeros > 0) {
        values.fill(-0, at, at + negativeZeros);
        values.fill(0, at + negativeZeros, at + c);
      } else if (c < 32) {
        // short runs: a call to fill costs more than the stores
        const v = key / scale;
        for (let k = at; k < at + c; k++) values[k] = v;
      } else values.fill(key / scale, at, at + c);
      at += c;
    }
    return true;
  }
  return false;
}

/**
 * Key ranges from which sortDecimal sorts the keys by radix rather than counting them: from here
 * the counts (4 bytes a key) outgrow a core's 2 MiB L2 cache, and every count is a cache miss.
 */
const RADIX_KEY_MIN_RANGE = 1 << 19;

/**
 * The decimal keys k − min (below 2^22) of `values` sorted by an LSD radix sort in 11-bit digits,
 * then written back as values: on a million values measured 1.5–2× faster than counting over key
 * ranges of millions (the counts no longer fit in the cache), slower over ranges of 150,000.
 */
function sortKeys(values: Float64Array, scale: number, min: number, range: number): void {
  const n = values.length;
  let src = new Uint32Array(n);
  let dst = new Uint32Array(n);
  const low = new Uint32Array(BUCKETS);
  const high = new Uint32Array(BUCKETS);
  let negativeZeros = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === 0 && 1 / v < 0) negativeZeros++;
    const k = Math.round(v * scale) - min;
    src[i] = k;
    low[k & DIGIT_MASK]++;
    high[k >>> DIGIT_BITS]++;
  }
  for (const [counts, shift] of range < BUCKETS ? ([[low, 0]] as const) : ([[low, 0], [high, DIGIT_BITS]] as const)) {
    let offset = 0;
    for (let b = 0; b < BUCKETS; b++) {
      const c = counts[b];
      counts[b] = offset;
      offset += c;
    }
    scatterKeys(src, dst, counts, shift);
    const swap = src;
    src = dst;
    dst = swap;
  }
  for (let i = 0; i < n; i++) values[i] = (src[i] + min) / scale;
  if (negativeZeros > 0) {
    // -0 and +0 share key 0; -0 sorts first
    let at = 0;
    while (values[at] !== 0) at++;
    values.fill(-0, at, at + negativeZeros);
  }
}

function scatterKeys(src: Uint32Array, dst: Uint32Array, offsets: Uint32Array, shift: number): void {
  for (let i = 0; i < src.length; i++) {
    const k = src[i];
    dst[offsets[(k >>> shift) & DIGIT_MASK]++] = k;
  }
}

function isSingleBucket(counts: Uint32Array, base: number, n: number): boolean {
  for (let b = 0; b < BUCKETS; b++) {
    const c = counts[base + b];
    if (c !== 0) return c === n;
  }
  return false;
}

/** One stable counting-sort pass of 64-bit keys (lo, hi word pairs) on the digit of `pass`. */
function scatter(src: Uint32Array, dst: Uint32Array, offsets: Uint32Array, base: number, pass: number, n: number): void {
  if (pass < 2) {
    const shift = pass * DIGIT_BITS;
    for (let i = 0; i < n; i++) {
      const lo = src[2 * i];
      const at = offsets[base + ((lo >>> shift) & DIGIT_MASK)]++;
      dst[2 * at] = lo;
      dst[2 * at + 1] = src[2 * i + 1];
    }
  } else if (pass === 2) {
    // the digit straddles the two words: 10 bits of lo, 1 bit of hi
    for (let i = 0; i < n; i++) {
      const lo = src[2 * i];
      const hi = src[2 * i + 1];
      const at = offsets[base + (((lo >>> 22) | (hi << 10)) & DIGIT_MASK)]++;
      dst[2 * at] = lo;
      dst[2 * at + 1] = hi;
    }
  } else {
    const shift = pass * DIGIT_BITS - 32;
    for (let i = 0; i < n; i++) {
      const hi = src[2 * i + 1];
      const at = offsets[base + ((hi >>> shift) & DIGIT_MASK)]++;
      dst[2 * at] = src[2 * i];
      dst[2 * at + 1] = hi;
    }
  }
}

/**
 * Prepares raw values for the numeric tests: drops missing values (null, undefined, NaN) and the
 * infinities (as Evidently does, which turns ±inf into NaN first), counts them in `missing`, sorts
 * the finite values once and computes their mean and variance.
 */
export function prepareNumeric(values: ArrayLike<number | null | undefined> | Float64Array): NumericSample {
  const length = values.length;
  let finite = 0;
  for (let i = 0; i < length; i++) {
    const v = values[i];
    if (typeof v === 'number' && Number.isFinite(v)) finite++;
  }
  const sorted = new Float64Array(finite);
  let k = 0;
  for (let i = 0; i < length; i++) {
    const v = values[i];
    if (typeof v === 'number' && Number.isFinite(v)) sorted[k++] = v;
  }
  sortFloat64(sorted);
  return prepareSorted(sorted, length - finite);
}

/**
 * A {@link NumericSample} over `sorted`, which the caller guarantees holds finite values in
 * ascending order (it is not copied). Mean and variance come from a compensated two-pass
 * algorithm: a Neumaier sum for the mean, then the corrected sum of squared deviations.
 */
export function prepareSorted(sorted: Float64Array, missing: number): NumericSample {
  const { mean, variance } = momentsOf(sorted);
  return { sorted, n: sorted.length, mean, variance, missing };
}

/**
 * Like {@link prepareSorted}, but the mean and variance are computed on first use (and then kept):
 * two passes over the values that most tests never ask for — of a report's default and anchor
 * tests only the normed Wasserstein distance does, and only for the reference. The same numbers
 * as prepareSorted once computed. The object has getters, so it is not for postMessage.
 */
export function lazySample(sorted: Float64Array, missing: number): NumericSample {
  let moments: Moments | undefined;
  return {
    sorted,
    n: sorted.length,
    missing,
    get mean() {
      moments ??= momentsOf(sorted);
      return moments.mean;
    },
    get variance() {
      moments ??= momentsOf(sorted);
      return moments.variance;
    },
  };
}

interface Moments {
  readonly mean: number;
  readonly variance: number;
}

function momentsOf(sorted: Float64Array): Moments {
  const n = sorted.length;
  const mean = n === 0 ? Number.NaN : neumaierSum(sorted) / n;
  let variance = Number.NaN;
  if (n >= 2) {
    let squares = 0;
    let squaresComp = 0;
    let deviations = 0;
    for (let i = 0; i < n; i++) {
      const d = sorted[i] - mean;
      deviations += d;
      const sq = d * d;
      const t = squares + sq;
      squaresComp += squares >= sq ? squares - t + sq : sq - t + squares;
      squares = t;
    }
    // the second term removes what rounding of the mean left behind (Björck's correction)
    variance = (squares + squaresComp - (deviations * deviations) / n) / (n - 1);
  }
  return { mean, variance };
}

/** Sum of `values` with Neumaier's compensation: accurate to about one ulp for any order. */
export function neumaierSum(values: ArrayLike<number>): number {
  let sum = 0;
  let comp = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const t = sum + v;
    comp += Math.abs(sum) >= Math.abs(v) ? sum - t + v : v - t + sum;
    sum = t;
  }
  return sum + comp;
}
