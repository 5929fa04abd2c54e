import type { ModelSchema } from '../domain/model-schema.js';
import type { Severity } from '../stats/types.js';
import { type Thresholds, grade, thresholdOf } from './thresholds.js';
import type { Finding } from './types.js';
import type { WindowData } from './window.js';

export interface GroupRates {
  count: number;
  selection_rate: number;
  /** rows with an outcome */
  labelled: number;
  true_positive_rate: number | null;
  false_positive_rate: number | null;
  /** rows with an outcome that was positive / negative */
  actual_positives: number;
  actual_negatives: number;
  /** false when the group is smaller than the minimum and is reported but not judged */
  judged: boolean;
}

const countPositives = (r: GroupRates) => r.actual_positives;
const countNegatives = (r: GroupRates) => r.actual_negatives;

/** Fairness of one protected attribute. */
export interface FairnessResult {
  attribute: string;
  positive_label: string;
  /** the group rates are compared with: the privileged group, else the group with the highest rate */
  reference_group: string | null;
  groups: Record<string, GroupRates>;
  /** `supported_*`: the confidence bound the severity is judged by (see CONFIDENCE_Z) */
  demographic_parity: { difference: number | null; ratio: number | null; supported_difference: number | null; severity: Severity };
  disparate_impact: { value: number | null; supported_value: number | null; severity: Severity };
  equal_opportunity: { difference: number | null; supported_difference: number | null; severity: Severity } | null;
  equalized_odds: { difference: number | null; supported_difference: number | null; severity: Severity } | null;
  /** groups that cross a critical threshold relative to the reference group */
  affected_groups: string[];
}

const spread = (v: number[]) => (v.length >= 2 ? Math.max(...v) - Math.min(...v) : null);

/**
 * Gaps between group rates are judged by what the data supports: the lower end of a 95%
 * confidence interval of the gap (unpooled normal approximation), not the point estimate.
 * Small groups are noisy; with several groups and several metrics, judging point estimates
 * raises false alarms on clean traffic. The reported values stay the point estimates.
 */
export const CONFIDENCE_Z = 1.96;

interface Rate {
  rate: number;
  n: number;
}

const se = (r: Rate) => (r.n > 0 ? Math.sqrt((r.rate * (1 - r.rate)) / r.n) : Infinity);

/** Lower confidence bound of |a − b| (0 when the interval contains 0). */
export function supportedGap(a: Rate, b: Rate): number {
  return Math.max(0, Math.abs(a.rate - b.rate) - CONFIDENCE_Z * Math.sqrt(se(a) ** 2 + se(b) ** 2));
}

/** The largest supported gap over all pairs of groups (null with fewer than two). */
function supportedSpread(rates: Rate[]): number | null {
  if (rates.length < 2) return null;
  let best = 0;
  for (let i = 0; i < rates.length; i++) for (let j = i + 1; j < rates.length; j++) best = Math.max(best, supportedGap(rates[i], rates[j]));
  return best;
}

/** Upper confidence bound of a / ref (capped at 1): the most favourable ratio the data allows. */
function supportedRatio(a: Rate, ref: Rate): number {
  const hi = a.rate + CONFIDENCE_Z * se(a);
  const lo = ref.rate - CONFIDENCE_Z * se(ref);
  if (!(lo > 0)) return 1;
  return Math.min(1, hi / lo);
}

/**
 * Fairness per protected attribute from predicted labels (and outcomes where present). A
 * prediction is positive when its label is the model's positive label. Groups below
 * `min_group_size` are reported but not judged.
 */
export function fairnessOf(schema: ModelSchema, w: WindowData, t: Thresholds): Record<string, FairnessResult> {
  const out: Record<string, FairnessResult> = {};
  if (schema.task === 'regression' || !w.label || schema.positive_label === undefined) return out;
  const pos = schema.labels.indexOf(schema.positive_label);
  for (const f of schema.features) {
    if (!f.protected) continue;
    const col = w.categorical.get(f.name);
    if (!col) continue;
    const g = col.dict.length;
    const count = new Float64Array(g);
    const positive = new Float64Array(g);
    const labelled = new Float64Array(g);
    const actualPos = new Float64Array(g);
    const tp = new Float64Array(g);
    const actualNeg = new Float64Array(g);
    const fp = new Float64Array(g);
    for (let i = 0; i < w.rows; i++) {
      const c = col.codes[i];
      const l = w.label[i];
      if (c < 0 || l < 0) continue;
      count[c]++;
      const predPos = l === pos;
      if (predPos) positive[c]++;
      const a = w.actualLabel ? w.actualLabel[i] : -1;
      if (a >= 0) {
        labelled[c]++;
        if (a === pos) {
          actualPos[c]++;
          if (predPos) tp[c]++;
        } else {
          actualNeg[c]++;
          if (predPos) fp[c]++;
        }
      }
    }
    const groups: Record<string, GroupRates> = {};
    for (let c = 0; c < g; c++) {
      if (count[c] === 0) continue;
      groups[col.dict[c]] = {
        count: count[c],
        selection_rate: positive[c] / count[c],
        labelled: labelled[c],
        true_positive_rate: actualPos[c] > 0 ? tp[c] / actualPos[c] : null,
        false_positive_rate: actualNeg[c] > 0 ? fp[c] / actualNeg[c] : null,
        actual_positives: actualPos[c],
        actual_negatives: actualNeg[c],
        judged: count[c] >= t.min_group_size,
      };
    }
    const judged = Object.entries(groups).filter(([, r]) => r.judged);
    const rates = judged.map(([, r]) => r.selection_rate);
    let reference: string | null = f.privileged_group !== undefined && groups[f.privileged_group]?.judged ? f.privileged_group : null;
    if (reference === null && judged.length) reference = judged.reduce((a, b) => (b[1].selection_rate > a[1].selection_rate ? b : a))[0];
    const refRate = reference !== null ? groups[reference].selection_rate : null;
    const dpDiff = spread(rates);
    const dpRatio = rates.length >= 2 && Math.max(...rates) > 0 ? Math.min(...rates) / Math.max(...rates) : null;
    let di: number | null = null;
    if (refRate !== null && refRate > 0 && judged.length >= 2) di = Math.min(...judged.map(([, r]) => r.selection_rate / refRate));
    const withOutcomes = judged.filter(([, r]) => r.true_positive_rate !== null && r.actual_positives >= t.min_group_size);
    const tprs = withOutcomes.map(([, r]) => r.true_positive_rate!);
    const fprs = withOutcomes.filter(([, r]) => r.false_positive_rate !== null && r.actual_negatives >= t.min_group_size).map(([, r]) => r.false_positive_rate!);
    const eo = spread(tprs);
    const fprSpread = spread(fprs);
    const eodds = eo === null ? null : Math.max(eo, fprSpread ?? 0);
    const sel = (r: GroupRates): Rate => ({ rate: r.selection_rate, n: r.count });
    const tpr = (r: GroupRates): Rate => ({ rate: r.true_positive_rate!, n: r.actual_positives });
    const fpr = (r: GroupRates): Rate => ({ rate: r.false_positive_rate!, n: r.actual_negatives });
    const dpSupported = supportedSpread(judged.map(([, r]) => sel(r)));
    let diSupported: number | null = null;
    if (reference !== null && refRate !== null && refRate > 0 && judged.length >= 2) {
      diSupported = Math.min(...judged.filter(([n]) => n !== reference).map(([, r]) => supportedRatio(sel(r), sel(groups[reference!]))));
    }
    const eoSupported = supportedSpread(withOutcomes.map(([, r]) => tpr(r)));
    const fprSupported = supportedSpread(withOutcomes.filter(([, r]) => r.false_positive_rate !== null && r.actual_negatives >= t.min_group_size).map(([, r]) => fpr(r)));
    const eoddsSupported = eoSupported === null ? null : Math.max(eoSupported, fprSupported ?? 0);
    const affected = new Set<string>();
    if (reference !== null && refRate !== null) {
      const refTpr = groups[reference].true_positive_rate;
      for (const [name, r] of judged) {
        if (name === reference) continue;
        const ref = groups[reference];
        if (refRate > 0 && supportedRatio(sel(r), sel(ref)) < t.disparate_impact.critical) affected.add(name);
        if (supportedGap(sel(ref), sel(r)) >= t.demographic_parity.critical) affected.add(name);
        if (refTpr !== null && r.true_positive_rate !== null && r.actual_positives >= t.min_group_size && ref.actual_positives >= t.min_group_size && supportedGap(tpr(ref), tpr(r)) >= t.equal_opportunity.critical) affected.add(name);
      }
    }
    out[f.name] = {
      attribute: f.name,
      positive_label: schema.positive_label,
      reference_group: reference,
      groups,
      demographic_parity: { difference: dpDiff, ratio: dpRatio, supported_difference: dpSupported, severity: grade(dpSupported, t.demographic_parity) },
      disparate_impact: { value: di, supported_value: diSupported, severity: grade(diSupported, t.disparate_impact) },
      equal_opportunity: eo === null ? null : { difference: eo, supported_difference: eoSupported, severity: grade(eoSupported, t.equal_opportunity) },
      equalized_odds: eodds === null ? null : { difference: eodds, supported_difference: eoddsSupported, severity: grade(eoddsSupported, t.equalized_odds) },
      affected_groups: [...affected].sort(),
    };
  }
  return out;
}

export function fairnessFindings(results: Record<string, FairnessResult>, baseline: Record<string, FairnessResult>, t: Thresholds): Finding[] {
  const out: Finding[] = [];
  for (const [attr, r] of Object.entries(results)) {
    const affected = r.affected_groups;
    const push = (name: string, value: number | null, severity: Severity, band: keyof Thresholds, baseValue: number | null | undefined) => {
      if (value === null) return;
      out.push({
        metric: `fairness.${name}.${attr}`,
        category: 'fairness',
        value,
        threshold: thresholdOf(severity, t[band] as never),
        severity,
        attribute: attr,
        affected_groups: severity === 'INFO' ? [] : affected,
        message: baseValue !== null && baseValue !== undefined ? `baseline ${baseValue.toFixed(4)}` : undefined,
      });
    };
    const b = baseline[attr];
    push('demographic_parity', r.demographic_parity.difference, r.demographic_parity.severity, 'demographic_parity', b?.demographic_parity.difference);
    push('disparate_impact', r.disparate_impact.value, r.disparate_impact.severity, 'disparate_impact', b?.disparate_impact.value);
    if (r.equal_opportunity) push('equal_opportunity', r.equal_opportunity.difference, r.equal_opportunity.severity, 'equal_opportunity', b?.equal_opportunity?.difference);
    if (r.equalized_odds) push('equalized_odds', r.equalized_odds.difference, r.equalized_odds.severity, 'equalized_odds', b?.equalized_odds?.difference);
  }
  return out;
}
