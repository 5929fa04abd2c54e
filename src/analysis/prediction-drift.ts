import type { ModelSchema } from '../domain/model-schema.js';
import type { ProfileSummary } from '../profile/profile.js';
import { fromCounts } from '../stats/categorical.js';
import { psi } from '../stats/psi.js';
import { prepareSorted } from '../stats/sort.js';
import type { Severity } from '../stats/types.js';
import { sortedFinite } from '../profile/profile.js';
import { type Thresholds, grade, thresholdOf } from './thresholds.js';
import type { WindowData } from './window.js';
import type { Finding } from './types.js';

/** Prediction drift and the label-free proxy metrics. */
export interface PredictionDrift {
  /** PSI of class shares (classification) or of the predicted value (regression) */
  prediction_shift: { value: number; severity: Severity; metric: 'psi' };
  label_shares?: { reference: Record<string, number>; current: Record<string, number> };
  confidence_shift?: { value: number; severity: Severity };
  /** change of the mean per-prediction entropy (nats), current − reference */
  entropy_change?: { value: number; severity: Severity; reference: number; current: number };
  proxy: { confidence_mean: number | null; confidence_std: number | null; mean_entropy: number | null; class_share_entropy: number | null };
}

/** Mean entropy of the probability rows (or of the binary confidence) in nats. */
function meanEntropy(w: WindowData, k: number): number | null {
  if (w.probabilities) {
    let sum = 0;
    let n = 0;
    for (let i = 0; i < w.rows; i++) {
      let h = 0;
      let ok = true;
      for (let l = 0; l < k; l++) {
        const p = w.probabilities[i * k + l];
        if (Number.isNaN(p)) {
          ok = false;
          break;
        }
        if (p > 0) h -= p * Math.log(p);
      }
      if (ok) {
        sum += h;
        n++;
      }
    }
    if (n > 0) return sum / n;
  }
  if (w.confidence && k === 2) {
    let sum = 0;
    let n = 0;
    for (let i = 0; i < w.rows; i++) {
      const p = w.confidence[i];
      if (Number.isNaN(p)) continue;
      const q = 1 - p;
      sum -= (p > 0 ? p * Math.log(p) : 0) + (q > 0 ? q * Math.log(q) : 0);
      n++;
    }
    if (n > 0) return sum / n;
  }
  return null;
}

const entropyOfShares = (shares: number[]) => shares.reduce((h, p) => (p > 0 ? h - p * Math.log(p) : h), 0);

export interface PredictionStats {
  label_counts?: Record<string, number>;
  mean_entropy: number | null;
}

/** Label counts and mean entropy of a sample (frozen in a baseline, computed for a window). */
export function predictionStats(schema: ModelSchema, w: WindowData): PredictionStats {
  const out: PredictionStats = { mean_entropy: schema.task === 'regression' ? null : meanEntropy(w, schema.labels.length) };
  if (w.label) {
    const counts = Object.fromEntries(schema.labels.map((l) => [l, 0])) as Record<string, number>;
    for (let i = 0; i < w.rows; i++) if (w.label[i] >= 0) counts[schema.labels[w.label[i]]]++;
    out.label_counts = counts;
  }
  return out;
}

export function predictionDrift(
  schema: ModelSchema,
  baseline: ProfileSummary & { prediction_stats?: PredictionStats },
  samples: Map<string, Float64Array>,
  w: WindowData,
  thresholds: Thresholds,
): PredictionDrift {
  const cur = predictionStats(schema, w);
  let shift = 0;
  let labelShares: PredictionDrift['label_shares'];
  const conf = w.confidence ? sortedFinite(w.confidence) : null;
  if (schema.task !== 'regression' && baseline.prediction.label_counts && cur.label_counts) {
    const r = fromCounts(baseline.prediction.label_counts);
    const c = fromCounts(cur.label_counts);
    if (r.n > 0 && c.n > 0) shift = psi.computeCategorical!(r, c).value;
    const total = (o: Record<string, number>) => Object.values(o).reduce((s, v) => s + v, 0);
    const rt = total(baseline.prediction.label_counts);
    const ct = total(cur.label_counts);
    labelShares = {
      reference: Object.fromEntries(Object.entries(baseline.prediction.label_counts).map(([k, v]) => [k, rt ? v / rt : 0])),
      current: Object.fromEntries(Object.entries(cur.label_counts).map(([k, v]) => [k, ct ? v / ct : 0])),
    };
  } else if (w.value && samples.get('value')) {
    const { sorted, missing } = sortedFinite(w.value);
    const ref = samples.get('value')!;
    if (sorted.length && ref.length) shift = psi.computeNumeric!(prepareSorted(ref, 0), prepareSorted(sorted, missing)).value;
  }
  const out: PredictionDrift = {
    prediction_shift: { value: shift, severity: grade(shift, thresholds.prediction_shift), metric: 'psi' },
    proxy: { confidence_mean: null, confidence_std: null, mean_entropy: cur.mean_entropy, class_share_entropy: labelShares ? entropyOfShares(Object.values(labelShares.current)) : null },
  };
  if (labelShares) out.label_shares = labelShares;
  const refConf = samples.get('confidence');
  if (conf && conf.sorted.length) {
    const s = prepareSorted(conf.sorted, conf.missing);
    out.proxy.confidence_mean = s.mean;
    out.proxy.confidence_std = s.n > 1 ? Math.sqrt(s.variance) : null;
    if (refConf && refConf.length) {
      const v = psi.computeNumeric!(prepareSorted(refConf, 0), s).value;
      out.confidence_shift = { value: v, severity: grade(v, thresholds.confidence_shift) };
    }
  }
  const refEntropy = baseline.prediction_stats?.mean_entropy;
  if (refEntropy !== undefined && refEntropy !== null && cur.mean_entropy !== null) {
    const change = cur.mean_entropy - refEntropy;
    out.entropy_change = { value: change, severity: grade(Math.abs(change), thresholds.entropy_change), reference: refEntropy, current: cur.mean_entropy };
  }
  return out;
}

export function predictionFindings(p: PredictionDrift, thresholds: Thresholds): Finding[] {
  const out: Finding[] = [
    {
      metric: 'prediction_drift.prediction_shift',
      category: 'prediction_drift',
      value: p.prediction_shift.value,
      threshold: thresholdOf(p.prediction_shift.severity, thresholds.prediction_shift),
      severity: p.prediction_shift.severity,
    },
  ];
  if (p.confidence_shift) {
    out.push({ metric: 'prediction_drift.confidence_shift', category: 'prediction_drift', value: p.confidence_shift.value, threshold: thresholdOf(p.confidence_shift.severity, thresholds.confidence_shift), severity: p.confidence_shift.severity });
  }
  if (p.entropy_change) {
    out.push({ metric: 'prediction_drift.entropy_change', category: 'prediction_drift', value: p.entropy_change.value, threshold: thresholdOf(p.entropy_change.severity, thresholds.entropy_change), severity: p.entropy_change.severity });
  }
  return out;
}
