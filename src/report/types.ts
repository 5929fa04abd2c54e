/**
 * The drift report model: what `driftwatch report` builds and the renderers (json, text, html
 * in src/analysis/report/) draw. A monitoring record (a window against a baseline) produces the
 * same shape, so one set of renderers serves both. Numbers are plain JSON numbers; a value that
 * could not be computed is null, never NaN.
 */
import type { DriftDirection, Severity } from '../stats/types.js';

export type { Severity };

/** One side of the comparison: a file, a baseline or a window. */
export interface DatasetInfo {
  /** what to call it: a file name, `baseline bl_…`, `window 2025-01-01T00:00Z…` */
  readonly name: string;
  readonly rows: number;
}

/** One drift test run on one feature: the registry's result, with nulls for NaN. */
export interface TestRun {
  /** registry name of the test (`ks`, `psi`, …) */
  readonly test: string;
  readonly statistic: number | null;
  /** the p-value, for hypothesis tests only */
  readonly p_value: number | null;
  /** the number judged against the threshold (p-value or distance) */
  readonly value: number | null;
  readonly threshold: number;
  readonly direction: DriftDirection;
  readonly drift_detected: boolean;
}

/**
 * What a feature's values look like on both sides, for the histograms. Numeric: shares of
 * equal-width bins over the joint range (`edges` has one more entry than each share array).
 * Categorical: shares of the most frequent categories, the rest summed as `other`.
 */
export type Distribution =
  | {
      readonly kind: 'numeric';
      readonly edges: readonly number[];
      readonly reference: readonly number[];
      readonly current: readonly number[];
    }
  | {
      readonly kind: 'categorical';
      readonly categories: readonly string[];
      readonly reference: readonly number[];
      readonly current: readonly number[];
      /** shares of categories beyond the listed ones */
      readonly other: { readonly reference: number; readonly current: number };
    };

/** Drift of one feature (or of a model column such as the prediction). */
export interface FeatureDrift {
  readonly name: string;
  /** the schema's type; booleans are tested as categories */
  readonly type: 'numeric' | 'categorical' | 'boolean';
  /** non-missing values per side */
  readonly count: { readonly reference: number; readonly current: number };
  /** missing values (empty, NA, null, NaN, ±inf for numeric) per side */
  readonly missing: { readonly reference: number; readonly current: number };
  /** the test that decides `drift_detected`: the default test when it ran, else the first run */
  readonly decided_by: string | null;
  readonly drift_detected: boolean;
  /** every test run, in registry order */
  readonly tests: readonly TestRun[];
  /** tests asked for that do not apply to this data (e.g. Fisher's exact on 3+ categories) */
  readonly skipped?: readonly { readonly test: string; readonly reason: string }[];
  /** PSI on the reference's deciles (or categories), always computed for the severity */
  readonly psi: number | null;
  /** from PSI: < 0.1 INFO, 0.1–0.25 WARNING, ≥ 0.25 CRITICAL */
  readonly severity: Severity;
  readonly distribution?: Distribution;
  /** why no test could run (e.g. a side has no values) */
  readonly note?: string;
}

/** The dataset-level verdict. */
export interface DriftSummary {
  readonly features_tested: number;
  readonly features_drifted: number;
  /** features_drifted / features_tested */
  readonly drift_share: number;
  /** dataset drift when drift_share ≥ this (Evidently's default 0.5) */
  readonly drift_share_threshold: number;
  readonly dataset_drift: boolean;
  /** the highest feature severity */
  readonly severity: Severity;
}

/** A metric compared between the two sides, judged when it has thresholds. */
export interface MetricComparison {
  readonly metric: string;
  readonly reference: number | null;
  readonly current: number | null;
  /** current − reference */
  readonly change: number | null;
  readonly severity?: Severity;
}

/** Prediction drift: the model's output columns tested like features, plus label-free metrics. */
export interface PredictionSection {
  readonly columns: readonly FeatureDrift[];
  readonly metrics: readonly MetricComparison[];
}

/** Fairness of one protected attribute. */
export interface FairnessAttribute {
  readonly attribute: string;
  /** the schema's privileged group, if any */
  readonly privileged_group: string | null;
  /** the group rates are compared with in the current data: the privileged one, else the highest selection rate */
  readonly reference_group?: string | null;
  readonly groups: readonly {
    readonly group: string;
    readonly reference: { readonly count: number; readonly selection_rate: number | null; readonly tpr: number | null; readonly fpr: number | null };
    readonly current: { readonly count: number; readonly selection_rate: number | null; readonly tpr: number | null; readonly fpr: number | null };
  }[];
  readonly metrics: readonly MetricComparison[];
  /** groups that cross a threshold in the current data */
  readonly affected_groups: readonly string[];
  readonly severity: Severity;
  /** e.g. groups too small to judge */
  readonly notes?: readonly string[];
}

export interface FairnessSection {
  readonly attributes: readonly FairnessAttribute[];
}

/** Model quality where the true values are known. */
export interface PerformanceSection {
  readonly task: 'binary' | 'multiclass' | 'regression';
  readonly metrics: readonly MetricComparison[];
  /** rows with both a prediction and an actual value */
  readonly labelled: { readonly reference: number; readonly current: number };
  readonly confusion_matrix?: { readonly labels: readonly string[]; readonly reference: readonly (readonly number[])[] | null; readonly current: readonly (readonly number[])[] | null };
}

/** The renderers' input. */
export interface DriftReport {
  /** `driftwatch report` output version */
  readonly version: 1;
  readonly title: string;
  /** UTC ISO-8601 */
  readonly generated_at: string;
  readonly reference: DatasetInfo;
  readonly current: DatasetInfo;
  readonly summary: DriftSummary;
  readonly features: readonly FeatureDrift[];
  readonly prediction?: PredictionSection;
  readonly fairness?: FairnessSection;
  readonly performance?: PerformanceSection;
}
