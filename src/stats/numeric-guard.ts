/**
 * The one rule for numeric samples a test cannot use: like the categorical tests (see
 * docs/statistics.md, "Preparing samples"), a numeric test throws a `RangeError` when a sample has
 * too few non-missing values for it, or when scipy itself refuses the data; callers report the
 * feature as not testable. Results that scipy reports as NaN stay NaN (and never mean drift).
 */
import type { NumericSample } from './types.js';

/** Throws a RangeError unless both samples hold at least `min` non-missing values. */
export function requireValues(test: string, reference: NumericSample, current: NumericSample, min = 1): void {
  if (reference.n < min || current.n < min) {
    const what = min === 1 ? 'a non-missing value' : `${min} non-missing values`;
    throw new RangeError(`${test} needs ${what} in each sample (reference: ${reference.n}, current: ${current.n})`);
  }
}

/** Throws a RangeError with `reason` for data the test cannot handle (scipy raises a ValueError). */
export function refuse(test: string, reason: string): never {
  throw new RangeError(`${test}: ${reason}`);
}
