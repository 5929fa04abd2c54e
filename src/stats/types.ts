/**
 * Shared contracts of the statistics core. Everything in src/stats is pure: no I/O, no clock,
 * no randomness except from an explicit seed.
 */

/** Column kinds the drift tests understand. Boolean features are analysed as categorical. */
export type ColumnType = 'numeric' | 'categorical';

/** Severity of a finding, lowest first. */
export type Severity = 'INFO' | 'WARNING' | 'CRITICAL';

/**
 * A numeric sample, prepared once and shared by every test that looks at it.
 * `sorted` holds the finite values in ascending order; missing values (null/NaN) are only counted.
 */
export interface NumericSample {
  readonly sorted: Float64Array;
  /** number of finite values (= sorted.length) */
  readonly n: number;
  readonly mean: number;
  /** sample variance with ddof = 1 (NaN when n < 2) */
  readonly variance: number;
  /** number of missing values excluded from `sorted` */
  readonly missing: number;
}

/** A categorical sample as counts per category; missing values are only counted. */
export interface CategoricalSample {
  readonly counts: ReadonlyMap<string, number>;
  /** number of non-missing values (sum of counts) */
  readonly n: number;
  readonly missing: number;
}

/** How a test's `value` is judged against its threshold. */
export type DriftDirection =
  /** drift when value (a p-value) < threshold */
  | 'p_value_below'
  /** drift when value (a distance or statistic) >= threshold */
  | 'value_at_or_above';

/** Options every test accepts; tests ignore what does not apply to them. */
export interface DriftTestOptions {
  /** overrides the test's default threshold */
  readonly threshold?: number;
  /** seed for permutation tests (default 42) */
  readonly seed?: number;
  /** number of permutations for permutation tests */
  readonly permutations?: number;
}

/** What every drift test returns. Results carry the threshold they were judged by. */
export interface DriftTestResult {
  readonly test: string;
  readonly statistic: number;
  readonly p_value: number | null;
  /** the number compared with the threshold (the p-value for hypothesis tests, else the distance) */
  readonly value: number;
  readonly threshold: number;
  readonly direction: DriftDirection;
  readonly drift_detected: boolean;
}

/** A drift test descriptor, listed explicitly in registry.ts. */
export interface DriftTest {
  /** stable id used in APIs, configs and `--tests` (e.g. `ks`, `psi`, `chi_square`) */
  readonly name: string;
  /** human name (e.g. `Kolmogorov–Smirnov`) */
  readonly label: string;
  readonly columnTypes: readonly ColumnType[];
  readonly direction: DriftDirection;
  readonly defaultThreshold: number;
  /** true when compute(a, b) equals compute(b, a); otherwise docs/statistics.md says why not */
  readonly symmetric: boolean;
  computeNumeric?(reference: NumericSample, current: NumericSample, options?: DriftTestOptions): DriftTestResult;
  computeCategorical?(
    reference: CategoricalSample,
    current: CategoricalSample,
    options?: DriftTestOptions,
  ): DriftTestResult;
}
