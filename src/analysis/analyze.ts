import type { Model } from '../domain/model-schema.js';
import { toIso } from '../domain/time.js';
import type { Severity } from '../stats/types.js';
import type { Store } from '../store/store.js';
import type { LoadedBaseline } from './baseline-profile.js';
import { type FeatureDrift, categoricalDrift, featureFindings, numericDrift } from './data-drift.js';
import { type ExplanationDrift, explanationDrift, explanationFindings } from './explanation-drift.js';
import { type FairnessResult, fairnessFindings, fairnessOf } from './fairness-drift.js';
import { type PerformanceResult, performance, performanceFindings } from './performance.js';
import { type PredictionDrift, predictionDrift, predictionFindings } from './prediction-drift.js';
import { type Band, type Thresholds, exceedance, grade, thresholdOf } from './thresholds.js';
import type { Finding, FindingCategory } from './types.js';
import type { WindowData } from './window.js';

/** The metrics of a completed analysis (the `metrics` of a monitoring record, Flow 3 shape). */
export interface RecordMetrics {
  data_drift: {
    features: Record<string, FeatureDrift>;
    psi: Record<string, { value: number; severity: Severity }>;
    dataset_drift_share: { value: number; severity: Severity; drifted_features: string[] };
  };
  model_drift: PredictionDrift;
  fairness_drift: Record<string, FairnessResult & { baseline?: FairnessResult }>;
  performance: PerformanceResult;
  explanation_drift: ExplanationDrift | null;
}

/** The parts of an analysis timed separately (the record's timing_ms). */
export type AnalysisArea = 'data_drift' | 'prediction_drift' | 'fairness' | 'performance' | 'explanation_drift';

/** Weights of the aggregated score per category (missing categories drop out and the rest are renormalised). */
export const SCORE_WEIGHTS: Record<Exclude<FindingCategory, 'analysis'>, number> = {
  data_drift: 0.3,
  data_quality: 0.1,
  prediction_drift: 0.15,
  fairness: 0.2,
  performance: 0.15,
  explanation_drift: 0.1,
};

const RANK: Record<Severity, number> = { INFO: 0, WARNING: 1, CRITICAL: 2 };
export const maxSeverity = (list: Iterable<Severity>): Severity => {
  let m: Severity = 'INFO';
  for (const s of list) if (RANK[s] > RANK[m]) m = s;
  return m;
};

/** Which threshold band a finding's metric is judged by (for the aggregated score). */
function bandOf(f: Finding, t: Thresholds): Band | null {
  const [cat, name] = f.metric.split('.');
  if (cat === 'data_drift') return name === 'psi' ? t.psi : name === 'dataset_drift_share' ? t.dataset_drift_share : null;
  if (cat === 'data_quality') return name === 'missing_rate_change' ? t.missing_rate_change : name === 'unseen_categories' ? t.unseen_categories : t.out_of_range;
  if (cat === 'prediction_drift') return name === 'prediction_shift' ? t.prediction_shift : name === 'confidence_shift' ? t.confidence_shift : t.entropy_change;
  if (cat === 'fairness') return (t as unknown as Record<string, Band>)[name] ?? null;
  if (cat === 'performance') return f.metric.endsWith('.drop') ? t.performance_drop : null;
  if (cat === 'explanation_drift') return name === 'rank_correlation' ? t.rank_correlation : t.attribution_divergence;
  return null;
}

/**
 * Aggregated score in [0, 1]: per category, the mean of each finding's progress towards its
 * critical threshold (capped at 1); then the weighted mean of the categories present.
 */
export function aggregatedScore(findings: Finding[], t: Thresholds): number {
  const per = new Map<string, number[]>();
  for (const f of findings) {
    const band = bandOf(f, t);
    if (!band || f.category === 'analysis') continue;
    const v = f.metric === 'prediction_drift.entropy_change' && f.value !== null ? Math.abs(f.value) : f.value;
    const list = per.get(f.category) ?? [];
    list.push(exceedance(v, band));
    per.set(f.category, list);
  }
  let total = 0;
  let weight = 0;
  for (const [cat, scores] of per) {
    const w = SCORE_WEIGHTS[cat as keyof typeof SCORE_WEIGHTS] ?? 0;
    total += w * (scores.reduce((s, x) => s + x, 0) / scores.length);
    weight += w;
  }
  return weight > 0 ? total / weight : 0;
}

/** Compare a window with the active baseline: every metric, its findings, the score and the worst severity. */
export async function compareWithBaseline(
  store: Store,
  model: Model,
  baseline: LoadedBaseline,
  w: WindowData,
  now: number,
  th: Thresholds,
  options: { extraTests?: string[]; timing?: Partial<Record<AnalysisArea, number>> } = {},
): Promise<{ metrics: RecordMetrics; findings: Finding[]; aggregated_score: number; max_severity: Severity }> {
  const schema = model.schema;
  const b = baseline.summary;
  // `performance` here is the performance-metrics module
  const clock = globalThis.performance;
  let t = clock.now();
  const lap = (area: AnalysisArea) => {
    const at = clock.now();
    if (options.timing) options.timing[area] = (options.timing[area] ?? 0) + at - t;
    t = at;
  };
  const features: Record<string, FeatureDrift> = {};
  for (const spec of schema.features) {
    const prof = b.features[spec.name];
    if (!prof) continue; // a feature added after the baseline was frozen has nothing to compare with
    if (spec.type === 'numeric' && prof.type === 'numeric') {
      const ref = baseline.samples.get(`f:${spec.name}`) ?? new Float64Array(0);
      features[spec.name] = numericDrift(spec, prof, ref, w.numeric.get(spec.name)!, th, options.extraTests);
    } else if (spec.type !== 'numeric' && prof.type !== 'numeric') {
      features[spec.name] = categoricalDrift(spec, prof, w.categorical.get(spec.name)!, th, options.extraTests);
    }
  }
  const list = Object.values(features);
  const drifted = list.filter((f) => f.drift_detected).map((f) => f.feature);
  const share = list.length ? drifted.length / list.length : 0;
  const shareSev = grade(share, th.dataset_drift_share);
  lap('data_drift');
  const modelDrift = predictionDrift(schema, b, baseline.samples, w, th);
  lap('prediction_drift');
  const fairness = fairnessOf(schema, w, th);
  const fairnessWithBase: RecordMetrics['fairness_drift'] = {};
  for (const [k, v] of Object.entries(fairness)) fairnessWithBase[k] = b.fairness[k] ? { ...v, baseline: b.fairness[k] } : v;
  lap('fairness');
  const perf = await performance(store, model.model_id, schema, w, b.performance, now, th);
  lap('performance');
  const explanations = explanationDrift(b, baseline.samples, w, th);
  lap('explanation_drift');
  const metrics: RecordMetrics = {
    data_drift: {
      features,
      psi: Object.fromEntries(list.map((f) => [f.feature, f.psi])),
      dataset_drift_share: { value: share, severity: shareSev, drifted_features: drifted },
    },
    model_drift: modelDrift,
    fairness_drift: fairnessWithBase,
    performance: perf,
    explanation_drift: explanations,
  };
  const findings: Finding[] = [
    ...list.flatMap((f) => featureFindings(f, th)),
    { metric: 'data_drift.dataset_drift_share', category: 'data_drift', value: share, threshold: thresholdOf(shareSev, th.dataset_drift_share), severity: shareSev, affected_groups: drifted },
    ...predictionFindings(metrics.model_drift, th),
    ...fairnessFindings(fairness, b.fairness, th),
    ...performanceFindings(metrics.performance, th),
    ...(metrics.explanation_drift ? explanationFindings(metrics.explanation_drift, th) : []),
  ];
  return { metrics, findings, aggregated_score: aggregatedScore(findings, th), max_severity: maxSeverity(findings.map((f) => f.severity)) };
}

/** Summary counts of a record's findings (Flow 5's summary, per record). */
export function severityCounts(findings: Finding[]): { critical_count: number; warning_count: number; info_count: number } {
  let critical = 0;
  let warning = 0;
  let info = 0;
  for (const f of findings) {
    if (f.severity === 'CRITICAL') critical++;
    else if (f.severity === 'WARNING') warning++;
    else info++;
  }
  return { critical_count: critical, warning_count: warning, info_count: info };
}

export const periodOf = (from: number, to: number) => ({ start: toIso(from), end: toIso(to) });
