/**
 * Preparing categorical samples: counting categories once so every categorical test reuses the
 * counts, and the stable category order all binned metrics and contingency tables share.
 */
import type { CategoricalSample, NumericSample } from './types.js';

/** A raw categorical value as it arrives from a prediction, a CSV cell or a JSON body. */
export type CategoricalValue = string | number | boolean | null | undefined;

/**
 * The category key of one value, or `null` when the value counts as missing.
 *
 * Missing: `null`, `undefined`, the empty string, and numbers that are not finite (NaN, ±Infinity;
 * Evidently replaces ±inf with NaN and drops them too). Booleans become `"true"` / `"false"`,
 * finite numbers their shortest JavaScript string (`1`, `0.5`, `-0` → `"0"`). Other strings are
 * kept verbatim: `"NA"` or `" "` are categories, not missing values.
 */
export function categoryKey(value: CategoricalValue): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : null;
  return value === '' ? null : value;
}

/** Counts categories of raw values; missing values (see {@link categoryKey}) are only counted. */
export function prepareCategorical(values: Iterable<CategoricalValue>): CategoricalSample {
  const counts = new Map<string, number>();
  let missing = 0;
  let n = 0;
  for (const value of values) {
    const key = categoryKey(value);
    if (key === null) {
      missing++;
      continue;
    }
    counts.set(key, (counts.get(key) ?? 0) + 1);
    n++;
  }
  return { counts, n, missing };
}

/**
 * Builds a sample from counts that were already aggregated (a frozen baseline, a profile).
 * Zero counts are dropped so that a sample means the same whichever way it was built.
 * @throws RangeError when a count or `missing` is not a non-negative integer
 */
export function fromCounts(
  counts: ReadonlyMap<string, number> | Readonly<Record<string, number>>,
  missing = 0,
): CategoricalSample {
  if (!Number.isInteger(missing) || missing < 0) {
    throw new RangeError(`missing must be a non-negative integer, got ${missing}`);
  }
  const entries = counts instanceof Map ? counts.entries() : Object.entries(counts);
  const out = new Map<string, number>();
  let n = 0;
  for (const [key, count] of entries) {
    if (!Number.isInteger(count) || count < 0) {
      throw new RangeError(`count of category "${key}" must be a non-negative integer, got ${count}`);
    }
    if (count === 0) continue;
    out.set(key, count);
    n += count;
  }
  return { counts: out, n, missing };
}

/**
 * A numeric sample seen as categories, one per distinct value (keys as in {@link categoryKey}).
 * Used when a numeric feature has so few distinct values that a categorical test is the right
 * one (see default-test.ts). Walks the sorted values once.
 */
export function categoricalFromNumeric(sample: NumericSample): CategoricalSample {
  const counts = new Map<string, number>();
  const sorted = sample.sorted;
  let i = 0;
  while (i < sorted.length) {
    const value = sorted[i];
    let j = i + 1;
    while (j < sorted.length && sorted[j] === value) j++;
    const key = String(value);
    counts.set(key, (counts.get(key) ?? 0) + (j - i));
    i = j;
  }
  return { counts, n: sample.n, missing: sample.missing };
}

function numericKey(key: string): number {
  // Number('') and Number(' ') are 0: only non-blank keys count as numbers.
  if (key.trim() === '') return NaN;
  const value = Number(key);
  return Number.isFinite(value) ? value : NaN;
}

/**
 * The stable category order: keys that read as finite numbers first, by value (so `2` < `10`),
 * then the other keys by UTF-16 code units (not locale-dependent). Ties between equal numbers
 * written differently (`1`, `1.0`) fall back to code units, so the order is total.
 */
export function compareCategories(a: string, b: string): number {
  const x = numericKey(a);
  const y = numericKey(b);
  const xNum = !Number.isNaN(x);
  const yNum = !Number.isNaN(y);
  if (xNum && yNum && x !== y) return x < y ? -1 : 1;
  if (xNum !== yNum) return xNum ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Categories of reference ∪ current (non-zero counts only) in the stable order. */
export function unionCategories(
  reference: ReadonlyMap<string, number>,
  current: ReadonlyMap<string, number>,
): string[] {
  const keys = new Set<string>();
  for (const [key, count] of reference) if (count > 0) keys.add(key);
  for (const [key, count] of current) if (count > 0) keys.add(key);
  return [...keys].sort(compareCategories);
}

/** The 2×k table of counts over `categories`: row 0 reference, row 1 current. */
export function contingencyRows(
  reference: CategoricalSample,
  current: CategoricalSample,
  categories: readonly string[] = unionCategories(reference.counts, current.counts),
): { categories: readonly string[]; reference: Float64Array; current: Float64Array } {
  const ref = new Float64Array(categories.length);
  const cur = new Float64Array(categories.length);
  for (let j = 0; j < categories.length; j++) {
    ref[j] = reference.counts.get(categories[j]) ?? 0;
    cur[j] = current.counts.get(categories[j]) ?? 0;
  }
  return { categories, reference: ref, current: cur };
}
