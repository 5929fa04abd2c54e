/**
 * Sorting by counting for numbers written with few decimals — the usual case in CSV files
 * (counts, ages, prices, readings rounded to 2–4 places). A value v with d decimals is the
 * integer key k = round(v·10^d) divided by 10^d, and k / 10^d is correctly rounded, so it gives
 * back v exactly: when every value passes that check, sorting the keys by counting (two passes
 * and a fill) sorts the values, where a radix sort of the doubles makes six passes.
 */

/** Most decimals tried: 10^9 · |v| must stay an exact integer (< 2^53) for sensible ranges. */
export const MAX_DECIMALS = 9;

/**
 * Buckets worth counting into: 4 per value (the fill pass stays linear), at least 65,536 and at
 * most 1M (4 MB of counts: beyond that, cache misses and the fresh memory make counting no
 * faster than the radix sort — measured on the standard workload's lognormal columns).
 */
function defaultBuckets(n: number): number {
  return Math.min(1 << 20, Math.max(1 << 16, 4 * n));
}

const POW10 = Array.from({ length: MAX_DECIMALS + 1 }, (_, d) => 10 ** d);

/**
 * Sorts `values` (finite numbers) in place by decimal keys, trying 0, 1, … decimals in turn:
 * a try fails at the first value with more decimals, so trying costs little. Returns false
 * (values unchanged) when no number of decimals up to {@link MAX_DECIMALS} fits, or when the
 * keys would span more than `maxBuckets` integers; the caller then sorts another way.
 */
export function sortDecimal(values: Float64Array, maxBuckets = defaultBuckets(values.length)): boolean {
  if (values.length < 1024) return false;
  for (let d = 0; d <= MAX_DECIMALS; d++) {
    const outcome = sortByDecimalKeys(values, d, maxBuckets);
    if (outcome !== 'not-decimal') return outcome === 'sorted';
  }
  return false;
}

/**
 * Sorts `values` (finite numbers) in place when each one has at most `decimals` decimals and
 * the keys span at most `maxBuckets` integers (see defaultBuckets).
 * Leaves `values` unchanged when a value has more decimals ('not-decimal': the check stops at
 * the first such value) or the keys span too many integers ('too-wide').
 */
export function sortByDecimalKeys(
  values: Float64Array,
  decimals: number,
  maxBuckets = defaultBuckets(values.length),
): 'sorted' | 'not-decimal' | 'too-wide' {
  const n = values.length;
  if (!(decimals >= 0 && decimals <= MAX_DECIMALS) || !Number.isInteger(decimals)) return 'not-decimal';
  const scale = POW10[decimals];
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    const k = Math.round(v * scale);
    if (k / scale !== v || !(Math.abs(k) <= Number.MAX_SAFE_INTEGER)) return 'not-decimal';
    if (k < min) min = k;
    if (k > max) max = k;
  }
  if (n === 0) return 'sorted';
  if (max - min >= maxBuckets) return 'too-wide';
  const counts = new Uint32Array(max - min + 1);
  for (let i = 0; i < n; i++) counts[Math.round(values[i] * scale) - min]++;
  let at = 0;
  for (let b = 0; b < counts.length; b++) {
    const c = counts[b];
    if (c === 0) continue;
    const v = (min + b) / scale;
    if (c === 1) values[at++] = v;
    else {
      values.fill(v, at, at + c);
      at += c;
    }
  }
  return 'sorted';
}
