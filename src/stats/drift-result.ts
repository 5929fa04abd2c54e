/**
 * Building a {@link DriftTestResult}: the one place where a value is judged against a threshold.
 */
import type { DriftDirection, DriftTestOptions, DriftTestResult } from './types.js';

/** What a test computed, before it is judged. */
export interface Measured {
  readonly statistic: number;
  readonly p_value: number | null;
}

/** The descriptor fields a verdict needs. */
export interface Judged {
  readonly name: string;
  readonly direction: DriftDirection;
  readonly defaultThreshold: number;
}

/**
 * Whether `value` means drift: below the threshold for p-values, at or above it for distances.
 * NaN never means drift (a comparison with NaN is false either way).
 */
export function isDrift(direction: DriftDirection, value: number, threshold: number): boolean {
  return direction === 'p_value_below' ? value < threshold : value >= threshold;
}

/**
 * The result of `test` for `measured`: `value` is the p-value for hypothesis tests, else the
 * statistic; the threshold is the caller's override or the test's default.
 */
export function judge(test: Judged, measured: Measured, options?: DriftTestOptions): DriftTestResult {
  const threshold = options?.threshold ?? test.defaultThreshold;
  const value = test.direction === 'p_value_below' ? (measured.p_value ?? Number.NaN) : measured.statistic;
  return {
    test: test.name,
    statistic: measured.statistic,
    p_value: measured.p_value,
    value,
    threshold,
    direction: test.direction,
    drift_detected: isDrift(test.direction, value, threshold),
  };
}
