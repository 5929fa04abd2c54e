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
  const scratch = new Float64Array(scratchWords(2 * n).buffer, 0, n);
  // (lo, hi) word pairs: the little-endian layout of every platform Node runs on
  let src: Uint32Array = new Uint32Array(values.buffer, values.byteOffset, n * 2);
  let dst: Uint32Array = new Uint32Array(scratch.buffer, 0, 2 * n);
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

let scratchBuffer = new Uint32Array(0);

/**
 * A scratch buffer of at least `words` 32-bit words, kept from one sort to the next on this thread:
 * fresh memory for every large sort cost page faults and, as external memory, extra garbage
 * collections. Sorting is synchronous, so one buffer per thread suffices; it stays as large as
 * the largest sort so far (16 bytes a value).
 */
function scratchWords(words: number): Uint32Array {
  if (scratchBuffer.length < words) scratchBuffer = new Uint32Array(words);
  return scratchBuffer;
}

/** Most decimals tried by the counting path: 10^9·|v| must stay an exact integer for sensible ranges. */
const MAX_DECIMALS = 9;
const POW10 = Array.from({ length: MAX_DECIMALS + 1 }, (_, d) => 10 ** d);

/**
 * Sorting by counting for numbers written with few decimals (counts, ages, prices, ratios rounded
 * to a few places: most logged features). A value v with d decimals is the integer key
 * k = round(v·10^d), and k / 10^d gives back v exactly; when every value passes that check for
 * some d ≤ 9, the keys are sorted instead of the values: by counting when they span fewer than
 * 2^19 integers and at most max(65,536, 4n), else by a radix sort of the keys when they span fewer
 * than 2^22 (two 11-bit digits, where the radix sort of the bit patterns makes six passes).
 * Returns false, with `values` untouched, when that does not hold (a try stops at the first value
 * that fails it). -0 keeps its place before +0; NaN and infinities never pass.
 *
 * Each pass is a function of its own with one loop: V8 compiles a long loop while it runs, and
 * code after the loop that has not run yet would throw that compiled code away when reached.
 */
function sortDecimal(values: Float64Array): boolean {
  const n = values.length;
  for (let d = 0; d <= MAX_DECIMALS; d++) {
    const scale = POW10[d];
    if (!decimalKeyRange(values, scale)) continue;
    const min = keyRange[0];
    const range = keyRange[1] - min;
    if (range < RADIX_KEY_MIN_RANGE && range < Math.max(1 << 16, 4 * n)) {
      const counts = new Uint32Array(range + 1);
      const negativeZeros = countKeys(values, scale, min, counts);
      writeCounted(values, counts, min, scale, negativeZeros);
      return true;
    }
    if (range < BUCKETS * BUCKETS) {
      sortKeys(values, scale, min, range);
      return true;
    }
    return false;
  }
  return false;
}

/** [min, max] of the keys found by the last successful decimalKeyRange */
const keyRange = new Float64Array(2);

/** Whether every value is k / scale for an integer k; the keys' range goes to keyRange. */
function decimalKeyRange(values: Float64Array, scale: number): boolean {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const k = Math.round(v * scale);
    if (k / scale !== v || !(Math.abs(k) <= Number.MAX_SAFE_INTEGER)) return false;
    if (k < min) min = k;
    if (k > max) max = k;
  }
  keyRange[0] = min;
  keyRange[1] = max;
  return true;
}

/** Counts each key k − min; returns the number of −0 values. */
function countKeys(values: Float64Array, scale: number, min: number, counts: Uint32Array): number {
  let negativeZeros = 0;
  for (let j = 0; j < values.length; j++) {
    const v = values[j];
    if (v === 0 && 1 / v < 0) negativeZeros++;
    counts[Math.round(v * scale) - min]++;
  }
  return negativeZeros;
}

/** Writes the counted keys back as values, in order (−0 before +0). */
function writeCounted(values: Float64Array, counts: Uint32Array, min: number, scale: number, negativeZeros: number): void {
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
  const words = scratchWords(2 * n);
  let src = words.subarray(0, n);
  let dst = words.subarray(n, 2 * n);
  const low = new Uint32Array(BUCKETS);
  const high = new Uint32Array(BUCKETS);
  const negativeZeros = keysOf(values, scale, min, src, low, high);
  prefixSums(low);
  scatterKeys(src, dst, low, 0);
  if (range >= BUCKETS) {
    prefixSums(high);
    scatterKeys(dst, src, high, DIGIT_BITS);
  } else {
    const swap = src;
    src = dst;
    dst = swap;
  }
  writeKeys(values, src, min, scale);
  if (negativeZeros > 0) {
    // -0 and +0 share key 0; -0 sorts first
    let at = 0;
    while (values[at] !== 0) at++;
    values.fill(-0, at, at + negativeZeros);
  }
}

/** The keys k − min into `keys`, with the histograms of their two digits; returns the −0 count. */
function keysOf(values: Float64Array, scale: number, min: number, keys: Uint32Array, low: Uint32Array, high: Uint32Array): number {
  let negativeZeros = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === 0 && 1 / v < 0) negativeZeros++;
    const k = Math.round(v * scale) - min;
    keys[i] = k;
    low[k & DIGIT_MASK]++;
    high[k >>> DIGIT_BITS]++;
  }
  return negativeZeros;
}

/** Counts → starting offsets, in place. */
function prefixSums(counts: Uint32Array): void {
  let offset = 0;
  for (let b = 0; b < counts.length; b++) {
    const c = counts[b];
    counts[b] = offset;
    offset += c;
  }
}

function writeKeys(values: Float64Array, keys: Uint32Array, min: number, scale: number): void {
  for (let i = 0; i < keys.length; i++) values[i] = (keys[i] + min) / scale;
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
  if (n < 2) return { mean, variance: Number.NaN };
  squaredDeviations(sorted, mean);
  const [squares, squaresComp, deviations] = deviationSums;
  // the second term removes what rounding of the mean left behind (Björck's correction)
  return { mean, variance: (squares + squaresComp - (deviations * deviations) / n) / (n - 1) };
}

/** squaredDeviations' results: Σd² (compensated: sum and correction) and Σd, d = x − mean */
const deviationSums = new Float64Array(3);

/**
 * The loop of the variance on its own, its sums left in deviationSums: a loop V8 compiles while
 * it runs must not be followed by code that has not run yet (see sortDecimal).
 */
function squaredDeviations(sorted: Float64Array, mean: number): void {
  let squares = 0;
  let squaresComp = 0;
  let deviations = 0;
  for (let i = 0; i < sorted.length; i++) {
    const d = sorted[i] - mean;
    deviations += d;
    const sq = d * d;
    const t = squares + sq;
    squaresComp += squares >= sq ? squares - t + sq : sq - t + squares;
    squares = t;
  }
  deviationSums[0] = squares;
  deviationSums[1] = squaresComp;
  deviationSums[2] = deviations;
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
