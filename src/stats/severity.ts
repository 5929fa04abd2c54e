import type { Severity } from './types.js';

/** Which way a metric gets worse. */
export type SeverityDirection =
  /** e.g. demographic parity difference, ECE, log loss: CRITICAL when value >= critical */
  | 'higher_is_worse'
  /** e.g. disparate impact, accuracy, AUC: CRITICAL when value < critical */
  | 'lower_is_worse';

/**
 * Thresholds of one metric. Either level may be omitted (a metric with only a critical level
 * never grades WARNING). For `higher_is_worse`, warning <= critical; for `lower_is_worse`,
 * warning >= critical.
 */
export interface SeverityThresholds {
  readonly warning?: number;
  readonly critical?: number;
  readonly direction: SeverityDirection;
}

/** A severity together with the threshold that produced it (null when INFO). */
export interface GradedValue {
  readonly severity: Severity;
  readonly threshold: number | null;
}

function crosses(value: number, limit: number | undefined, direction: SeverityDirection): boolean {
  if (limit === undefined || Number.isNaN(limit)) return false;
  // "≥ limit" for higher-is-worse, "< limit" for lower-is-worse: the source designs write
  // "demographic parity ≥ 0.10 critical" and "disparate impact < 0.80 critical".
  return direction === 'higher_is_worse' ? value >= limit : value < limit;
}

/**
 * Grades a value against its thresholds. A missing or non-finite value (an undefined metric,
 * e.g. AUC with one class) is not judged and grades INFO.
 */
export function gradeValue(value: number | null | undefined, thresholds: SeverityThresholds): GradedValue {
  if (value === null || value === undefined || !Number.isFinite(value)) return { severity: 'INFO', threshold: null };
  if (crosses(value, thresholds.critical, thresholds.direction)) {
    return { severity: 'CRITICAL', threshold: thresholds.critical ?? null };
  }
  if (crosses(value, thresholds.warning, thresholds.direction)) {
    return { severity: 'WARNING', threshold: thresholds.warning ?? null };
  }
  return { severity: 'INFO', threshold: null };
}

/** Shorthand for `gradeValue(value, thresholds).severity`. */
export function gradeSeverity(value: number | null | undefined, thresholds: SeverityThresholds): Severity {
  return gradeValue(value, thresholds).severity;
}

const RANK: Record<Severity, number> = { INFO: 0, WARNING: 1, CRITICAL: 2 };

/** The most severe of several severities (INFO for none). */
export function maxSeverity(severities: Iterable<Severity>): Severity {
  let worst: Severity = 'INFO';
  for (const s of severities) if (RANK[s] > RANK[worst]) worst = s;
  return worst;
}

/** The threshold a value must cross to reach `severity` (undefined for INFO). */
export function thresholdFor(severity: Severity, thresholds: SeverityThresholds): number | undefined {
  if (severity === 'CRITICAL') return thresholds.critical;
  if (severity === 'WARNING') return thresholds.warning;
  return undefined;
}
