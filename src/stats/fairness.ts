import { countGroups } from './fairness-groups.js';
import type { FairnessCounts, FairnessInput, GroupCounts } from './fairness-groups.js';
import { gradeValue } from './severity.js';
import type { SeverityThresholds } from './severity.js';
import type { Severity } from './types.js';

export type { FairnessCounts, FairnessInput, GroupCounts } from './fairness-groups.js';

/**
 * Group fairness of one protected attribute, with fairlearn's between-groups definitions:
 * demographic parity difference (max − min selection rate) and ratio (min / max), disparate
 * impact (min over the other groups of rate / reference rate), equal opportunity difference
 * (max − min true positive rate) and equalized odds difference (the larger of the TPR and FPR
 * differences). Only judged groups enter a metric: a group needs `minGroupSize` rows for the
 * selection rate, that many positive outcomes for its TPR and that many negative outcomes for
 * its FPR. Smaller groups are still reported, with `judged: false` and a note.
 *
 * Reference group: the privileged group when one is named; otherwise the judged group with the
 * highest selection rate (for TPR the highest TPR, for FPR the lowest FPR; first in group order
 * on ties).
 *
 * `affected_groups` of a metric graded WARNING or CRITICAL are the judged groups that cross the
 * same threshold that graded the metric, measured against the reference group: for the
 * differences, |value_g − value_ref| ≥ threshold; for the ratios, rate_g / rate_ref < threshold.
 * When no group crosses it that way (a privileged reference in the middle of the spread), the
 * groups at the two ends of the spread, other than the reference, are named. INFO: none.
 */
export interface FairnessThresholds {
  readonly demographic_parity_difference: SeverityThresholds;
  readonly demographic_parity_ratio: SeverityThresholds;
  readonly disparate_impact: SeverityThresholds;
  readonly equal_opportunity_difference: SeverityThresholds;
  readonly equalized_odds_difference: SeverityThresholds;
}

/**
 * Defaults from the source designs: parity difference ≥ 0.10 CRITICAL (≥ 0.05 WARNING),
 * disparate impact < 0.80 CRITICAL (< 0.90 WARNING), equal opportunity ≥ 0.10 CRITICAL (the flow
 * doc grades 0.06 as WARNING, hence ≥ 0.05). The parity ratio is graded like disparate impact
 * and equalized odds like equal opportunity.
 */
export const DEFAULT_FAIRNESS_THRESHOLDS: FairnessThresholds = {
  demographic_parity_difference: { warning: 0.05, critical: 0.1, direction: 'higher_is_worse' },
  demographic_parity_ratio: { warning: 0.9, critical: 0.8, direction: 'lower_is_worse' },
  disparate_impact: { warning: 0.9, critical: 0.8, direction: 'lower_is_worse' },
  equal_opportunity_difference: { warning: 0.05, critical: 0.1, direction: 'higher_is_worse' },
  equalized_odds_difference: { warning: 0.05, critical: 0.1, direction: 'higher_is_worse' },
};

/** Options of {@link fairnessMetrics}. */
export interface FairnessOptions {
  /** name of the privileged group (the reference for disparate impact and affected groups) */
  readonly privilegedGroup?: string;
  /** smallest group that is judged (default 30) */
  readonly minGroupSize?: number;
  readonly thresholds?: Partial<FairnessThresholds>;
}

/** A group with its rates; null where the denominator is 0. */
export interface GroupFairness extends GroupCounts {
  readonly selection_rate: number | null;
  readonly true_positive_rate: number | null;
  readonly false_positive_rate: number | null;
  /** count ≥ minGroupSize: enters the selection-rate metrics */
  readonly judged: boolean;
  /** actual_positives ≥ minGroupSize: enters equal opportunity and equalized odds */
  readonly tpr_judged: boolean;
  /** actual_negatives ≥ minGroupSize: enters equalized odds */
  readonly fpr_judged: boolean;
}

/** One graded fairness metric. */
export interface FairnessMetric {
  /** null when fewer than two judged groups (or a zero reference rate) leave it undefined */
  readonly value: number | null;
  readonly severity: Severity;
  /** the threshold that produced the severity; null for INFO */
  readonly threshold: number | null;
  readonly thresholds: SeverityThresholds;
  readonly affected_groups: readonly string[];
}

/** Fairness of one protected attribute. */
export interface FairnessResult {
  readonly attribute: string;
  readonly reference_group: string | null;
  readonly reference_rule: 'privileged_group' | 'highest_selection_rate';
  readonly min_group_size: number;
  readonly groups: readonly GroupFairness[];
  /** rows whose group was missing */
  readonly missing: number;
  /** groups with fewer than min_group_size rows: reported, not judged */
  readonly unjudged_groups: readonly string[];
  readonly notes: readonly string[];
  readonly demographic_parity_difference: FairnessMetric;
  readonly demographic_parity_ratio: FairnessMetric;
  readonly disparate_impact: FairnessMetric;
  /** null without outcomes */
  readonly equal_opportunity_difference: FairnessMetric | null;
  readonly equalized_odds_difference: FairnessMetric | null;
}

interface Rated {
  readonly name: string;
  readonly v: number;
}

const div = (a: number, b: number): number | null => (b > 0 ? a / b : null);

/** Fairness metrics from the rows of a window. */
export function fairnessMetrics(input: FairnessInput, options: FairnessOptions = {}): FairnessResult {
  return fairnessFromCounts(countGroups(input), options);
}

/** Fairness metrics from per-group counts (e.g. frozen in a baseline). */
export function fairnessFromCounts(counts: FairnessCounts, options: FairnessOptions = {}): FairnessResult {
  const min = Math.max(1, options.minGroupSize ?? 30);
  const t = { ...DEFAULT_FAIRNESS_THRESHOLDS, ...options.thresholds };
  const privileged = options.privilegedGroup;
  if (privileged !== undefined && !counts.groups.some((g) => g.name === privileged)) {
    throw new RangeError(`privileged group ${privileged} is not one of the groups`);
  }
  const groups: GroupFairness[] = counts.groups.map((g) => ({
    ...g,
    selection_rate: div(g.predicted_positive, g.count),
    true_positive_rate: div(g.true_positives, g.actual_positives),
    false_positive_rate: div(g.false_positives, g.actual_negatives),
    judged: g.count >= min,
    tpr_judged: g.actual_positives >= min,
    fpr_judged: g.actual_negatives >= min,
  }));
  const notes: string[] = [];
  const unjudged = groups.filter((g) => !g.judged).map((g) => g.name);
  for (const g of groups) {
    if (!g.judged) notes.push(`group ${g.name} has ${g.count} rows (< ${min}): reported, not judged`);
  }

  const rates: Rated[] = groups.filter((g) => g.judged).map((g) => ({ name: g.name, v: g.selection_rate! }));
  const tprs: Rated[] = groups.filter((g) => g.tpr_judged).map((g) => ({ name: g.name, v: g.true_positive_rate! }));
  const fprs: Rated[] = groups.filter((g) => g.fpr_judged).map((g) => ({ name: g.name, v: g.false_positive_rate! }));
  const pick = (list: Rated[], best: 'max' | 'min'): Rated | null => {
    if (privileged !== undefined) return list.find((r) => r.name === privileged) ?? null;
    return extreme(list, best);
  };
  const rateRef = pick(rates, 'max');
  if (privileged !== undefined && rateRef === null) notes.push(`privileged group ${privileged} is not judged: no disparate impact`);
  if (rateRef !== null && rateRef.v === 0) notes.push(`reference group ${rateRef.name} has a selection rate of 0: no disparate impact`);

  const dpd = gapMetric(rates, rateRef, t.demographic_parity_difference);
  const dpr = ratioMetric(rates, extreme(rates, 'max'), t.demographic_parity_ratio, true);
  const di = ratioMetric(rates, rateRef, t.disparate_impact, false);

  let eod: FairnessMetric | null = null;
  let eqo: FairnessMetric | null = null;
  if (counts.with_outcomes) {
    const tprRef = pick(tprs, 'max');
    const fprRef = pick(fprs, 'min');
    eod = gapMetric(tprs, tprRef, t.equal_opportunity_difference);
    eqo = equalizedOdds(tprs, tprRef, fprs, fprRef, t.equalized_odds_difference, groups.map((g) => g.name));
  }
  return {
    attribute: counts.attribute,
    reference_group: rateRef?.name ?? null,
    reference_rule: privileged !== undefined ? 'privileged_group' : 'highest_selection_rate',
    min_group_size: min,
    groups,
    missing: counts.missing,
    unjudged_groups: unjudged,
    notes,
    demographic_parity_difference: dpd,
    demographic_parity_ratio: dpr,
    disparate_impact: di,
    equal_opportunity_difference: eod,
    equalized_odds_difference: eqo,
  };
}

/** The first group with the largest (or smallest) value. */
function extreme(list: readonly Rated[], which: 'max' | 'min'): Rated | null {
  let best: Rated | null = null;
  for (const r of list) if (best === null || (which === 'max' ? r.v > best.v : r.v < best.v)) best = r;
  return best;
}

function spread(list: readonly Rated[]): number | null {
  return list.length >= 2 ? extreme(list, 'max')!.v - extreme(list, 'min')!.v : null;
}

/** Groups whose gap to the reference reaches `limit`, else the two ends of the spread. */
function gapAffected(list: readonly Rated[], ref: Rated | null, limit: number): string[] {
  const crossing = ref === null ? [] : list.filter((r) => r.name !== ref.name && Math.abs(r.v - ref.v) >= limit);
  if (crossing.length > 0) return crossing.map((r) => r.name);
  const ends = new Set([extreme(list, 'min')!.name, extreme(list, 'max')!.name]);
  return list.filter((r) => ends.has(r.name) && r.name !== ref?.name).map((r) => r.name);
}

function gapMetric(list: readonly Rated[], ref: Rated | null, thresholds: SeverityThresholds): FairnessMetric {
  const value = spread(list);
  const graded = gradeValue(value, thresholds);
  const affected = graded.threshold === null ? [] : gapAffected(list, ref, graded.threshold);
  return { value, severity: graded.severity, threshold: graded.threshold, thresholds, affected_groups: affected };
}

/** min over the other groups of rate / reference rate; with `includeRef` the reference counts too (parity ratio). */
function ratioMetric(list: readonly Rated[], ref: Rated | null, thresholds: SeverityThresholds, includeRef: boolean): FairnessMetric {
  const others = list.filter((r) => includeRef || r.name !== ref?.name);
  let value: number | null = null;
  const ratios: { name: string; ratio: number }[] = [];
  if (ref !== null && ref.v > 0 && list.length >= 2 && others.length > 0) {
    for (const r of others) ratios.push({ name: r.name, ratio: r.v / ref.v });
    value = Math.min(...ratios.map((r) => r.ratio));
  }
  const graded = gradeValue(value, thresholds);
  const limit = graded.threshold;
  const affected = limit === null ? [] : ratios.filter((r) => r.name !== ref?.name && r.ratio < limit).map((r) => r.name);
  return { value, severity: graded.severity, threshold: limit, thresholds, affected_groups: affected };
}

function equalizedOdds(
  tprs: readonly Rated[],
  tprRef: Rated | null,
  fprs: readonly Rated[],
  fprRef: Rated | null,
  thresholds: SeverityThresholds,
  order: readonly string[],
): FairnessMetric {
  const tprGap = spread(tprs);
  const fprGap = spread(fprs);
  const value = tprGap === null || fprGap === null ? null : Math.max(tprGap, fprGap);
  const graded = gradeValue(value, thresholds);
  const limit = graded.threshold;
  let affected: string[] = [];
  if (limit !== null) {
    const viaTpr = tprGap! >= limit ? gapAffected(tprs, tprRef, limit) : [];
    const viaFpr = fprGap! >= limit ? gapAffected(fprs, fprRef, limit) : [];
    const names = new Set([...viaTpr, ...viaFpr]);
    affected = order.filter((name) => names.has(name));
  }
  return { value, severity: graded.severity, threshold: limit, thresholds, affected_groups: affected };
}
