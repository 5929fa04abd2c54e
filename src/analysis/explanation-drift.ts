import type { ProfileSummary } from '../profile/profile.js';
import { spearman } from '../stats/explanations.js';
import { jensenShannon } from '../stats/jensen-shannon.js';
import { decileEdges, sharesInBins } from '../stats/binning.js';
import type { Severity } from '../stats/types.js';
import { type Thresholds, grade, thresholdOf } from './thresholds.js';
import type { Finding } from './types.js';
import { binUnsorted } from './unsorted-bins.js';
import type { WindowData } from './window.js';

export interface ExplanationDrift {
  features: Record<string, { divergence: number; severity: Severity; mean_abs_reference: number | null; mean_abs_current: number | null }>;
  /** Spearman correlation of feature importance (mean |attribution|), reference vs current */
  rank_correlation: { value: number | null; severity: Severity };
  importance: { reference: Record<string, number>; current: Record<string, number> };
}

/**
 * The bins explanation drift compares in: the reference's deciles per explanation feature of the
 * baseline (no edges when it froze no sample). The window loader bins with these as it reads.
 */
export function explanationEdges(baseline: ProfileSummary, samples: Map<string, Float64Array>): Map<string, Float64Array> {
  const out = new Map<string, Float64Array>();
  for (const name of Object.keys(baseline.explanations)) {
    const ref = samples.get(`x:${name}`);
    out.set(name, ref && ref.length ? decileEdges(ref) : new Float64Array(0));
  }
  return out;
}

export function explanationDrift(baseline: ProfileSummary, samples: Map<string, Float64Array>, w: WindowData, thresholds: Thresholds): ExplanationDrift | null {
  const names = [...new Set([...w.explanations.keys(), ...(w.explanationBins?.keys() ?? [])])].filter((n) => baseline.explanations[n]);
  if (names.length === 0) return null;
  const features: ExplanationDrift['features'] = {};
  const refImp: Record<string, number> = {};
  const curImp: Record<string, number> = {};
  for (const name of names) {
    // the reference is sorted; the window's attributions are only binned and summed, never sorted
    const ref = samples.get(`x:${name}`);
    const edges = ref && ref.length ? decileEdges(ref) : new Float64Array(0);
    const cur = w.explanationBins?.get(name) ?? binUnsorted(w.explanations.get(name)!, edges);
    const meanAbs = cur.n ? cur.absSum / cur.n : null;
    const divergence = ref && ref.length && cur.n ? jensenShannon.computeShares({ referenceShares: sharesInBins(ref, edges), currentShares: cur.shares }).value : 0;
    features[name] = { divergence, severity: grade(divergence, thresholds.attribution_divergence), mean_abs_reference: baseline.explanations[name].mean_abs, mean_abs_current: meanAbs };
    refImp[name] = baseline.explanations[name].mean_abs ?? 0;
    curImp[name] = meanAbs ?? 0;
  }
  const rho = spearman(names.map((n) => refImp[n]), names.map((n) => curImp[n]));
  return { features, rank_correlation: { value: rho, severity: grade(rho, thresholds.rank_correlation) }, importance: { reference: refImp, current: curImp } };
}

export function explanationFindings(e: ExplanationDrift, thresholds: Thresholds): Finding[] {
  const out: Finding[] = Object.entries(e.features).map(([feature, f]) => ({
    metric: `explanation_drift.divergence.${feature}`,
    category: 'explanation_drift' as const,
    value: f.divergence,
    threshold: thresholdOf(f.severity, thresholds.attribution_divergence),
    severity: f.severity,
    feature,
  }));
  out.push({
    metric: 'explanation_drift.rank_correlation',
    category: 'explanation_drift',
    value: e.rank_correlation.value,
    threshold: thresholdOf(e.rank_correlation.severity, thresholds.rank_correlation),
    severity: e.rank_correlation.severity,
  });
  return out;
}
