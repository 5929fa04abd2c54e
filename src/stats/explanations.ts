import { EMPTY_SHARE, decileEdges, sharesInBins } from './binning.js';
import { jensenShannonFromShares } from './jensen-shannon.js';
import { klDivergenceFromShares } from './kl-divergence.js';
import { psiFromShares } from './psi.js';
import { sortFloat64 } from './sort.js';

/**
 * Explanation drift from feature attributions (e.g. SHAP values), given as a row-major n×f
 * Float64Array with one column per feature. Non-finite attributions are skipped per feature.
 *
 * - Importance of a feature: mean |attribution|; ranking: by importance, highest first (ties in
 *   feature order).
 * - Rank correlation: Spearman's rho of the importances, reference vs current, as
 *   `scipy.stats.spearmanr` (Pearson correlation of average ranks); null when either side is
 *   constant or there are fewer than two features (scipy: NaN).
 * - Per feature, the attribution distribution is binned like a numeric drift feature
 *   (binning.ts: 10 bins on the reference's unique deciles, right-closed, empty share 1e-4) and
 *   compared with Jensen–Shannon distance, PSI and KL(current ‖ reference).
 */

/** What a baseline freezes of the reference attributions of one feature. */
export interface FeatureAttributionSummary {
  readonly name: string;
  /** mean |attribution|; null when the feature had no finite attribution */
  readonly mean_abs: number | null;
  /** inner bin edges (unique reference deciles) */
  readonly edges: readonly number[];
  /** reference shares of the edges.length + 1 bins, empty ones at 1e-4 */
  readonly shares: readonly number[];
  readonly count: number;
}

/** Reference attributions, summarised once. */
export interface AttributionSummary {
  readonly features: readonly FeatureAttributionSummary[];
}

/** Drift of one feature's attributions. */
export interface FeatureExplanationDrift {
  readonly name: string;
  readonly reference_importance: number | null;
  readonly current_importance: number | null;
  /** 1 = most important */
  readonly reference_rank: number;
  readonly current_rank: number;
  /** null when either side has no finite attribution */
  readonly jensen_shannon: number | null;
  readonly psi: number | null;
  readonly kl_divergence: number | null;
}

/** Explanation drift of a window against its reference. */
export interface ExplanationDrift {
  readonly features: readonly FeatureExplanationDrift[];
  readonly reference_ranking: readonly string[];
  readonly current_ranking: readonly string[];
  readonly spearman: number | null;
}

function column(values: Float64Array, f: number, j: number): Float64Array {
  const n = Math.floor(values.length / f);
  let finite = 0;
  for (let r = 0; r < n; r++) if (Number.isFinite(values[r * f + j])) finite++;
  const out = new Float64Array(finite);
  let k = 0;
  for (let r = 0; r < n; r++) {
    const v = values[r * f + j];
    if (Number.isFinite(v)) out[k++] = v;
  }
  return out;
}

function checkShape(values: Float64Array, f: number): void {
  if (f < 1 || values.length % f !== 0) throw new RangeError(`attributions must be n × ${f}`);
}

/** Mean |attribution| of one column (null when empty). */
function meanAbs(col: Float64Array): number | null {
  if (col.length === 0) return null;
  let s = 0;
  for (let i = 0; i < col.length; i++) s += Math.abs(col[i]);
  return s / col.length;
}

/** Summarises reference attributions: importance, decile edges and bin shares per feature. */
export function summarizeAttributions(values: Float64Array, features: readonly string[]): AttributionSummary {
  checkShape(values, features.length);
  return {
    features: features.map((name, j) => {
      const col = sortFloat64(column(values, features.length, j));
      if (col.length === 0) return { name, mean_abs: null, edges: [], shares: [], count: 0 };
      const edges = decileEdges(col);
      return { name, mean_abs: meanAbs(col), edges: Array.from(edges), shares: Array.from(sharesInBins(col, edges)), count: col.length };
    }),
  };
}

/** Per-feature sums of one pass over the current attributions. */
interface CurrentPass {
  readonly importance: (number | null)[];
  /** bin counts per feature (edges.length + 1 each) and the finite count */
  readonly counts: Float64Array[];
  readonly finite: Float64Array;
}

/** Most inner edges a feature can have (the nine deciles); every feature's edges are padded to it. */
const MAX_EDGES = 9;

/**
 * One row-major pass over all features: mean |attribution| and the counts in each feature's
 * right-closed bins. The bin of x is the number of edges below x, counted without branches over
 * edges padded with +∞ (a binary search mispredicts on most values). The counts equal
 * binning.ts's sharesInBins on the sorted column, without sorting or copying any column.
 */
function currentPass(reference: AttributionSummary, values: Float64Array): CurrentPass {
  const f = reference.features.length;
  const n = values.length / f;
  const edges = new Float64Array(f * MAX_EDGES).fill(Infinity);
  reference.features.forEach((s, j) => {
    if (s.edges.length > MAX_EDGES) throw new RangeError(`feature ${s.name} has more than ${MAX_EDGES} edges`);
    edges.set(s.edges, j * MAX_EDGES);
  });
  const flat = new Float64Array(f * (MAX_EDGES + 1));
  const absSum = new Float64Array(f);
  const finite = new Float64Array(f);
  for (let r = 0; r < n; r++) {
    const base = r * f;
    for (let j = 0; j < f; j++) {
      const x = values[base + j];
      if (!Number.isFinite(x)) continue;
      absSum[j] += Math.abs(x);
      finite[j]++;
      const e = j * MAX_EDGES;
      const bin =
        +(edges[e] < x) + +(edges[e + 1] < x) + +(edges[e + 2] < x) + +(edges[e + 3] < x) + +(edges[e + 4] < x) +
        +(edges[e + 5] < x) + +(edges[e + 6] < x) + +(edges[e + 7] < x) + +(edges[e + 8] < x);
      flat[j * (MAX_EDGES + 1) + bin]++;
    }
  }
  const counts = reference.features.map((s, j) => flat.slice(j * (MAX_EDGES + 1), j * (MAX_EDGES + 1) + s.edges.length + 1));
  return { importance: Array.from(absSum, (s, j) => (finite[j] > 0 ? s / finite[j] : null)), counts, finite };
}

/** Compares current attributions (columns in the order of `reference.features`) with a summary. */
export function compareAttributions(reference: AttributionSummary, current: Float64Array): ExplanationDrift {
  const f = reference.features.length;
  checkShape(current, f);
  const pass = currentPass(reference, current);
  const curImportance = pass.importance;
  const divergences = reference.features.map((ref, j) => {
    if (pass.finite[j] === 0 || ref.count === 0) return { jensen_shannon: null, psi: null, kl_divergence: null };
    const r = Float64Array.from(ref.shares);
    const c = pass.counts[j].map((count) => (count === 0 ? EMPTY_SHARE : count / pass.finite[j]));
    return { jensen_shannon: jensenShannonFromShares(r, c), psi: psiFromShares(r, c), kl_divergence: klDivergenceFromShares(r, c) };
  });
  const refImportance = reference.features.map((s) => s.mean_abs);
  const refRank = ranking(refImportance);
  const curRank = ranking(curImportance);
  const names = reference.features.map((s) => s.name);
  return {
    features: reference.features.map((s, j) => ({
      name: s.name,
      reference_importance: refImportance[j],
      current_importance: curImportance[j],
      reference_rank: refRank.indexOf(j) + 1,
      current_rank: curRank.indexOf(j) + 1,
      ...divergences[j],
    })),
    reference_ranking: refRank.map((j) => names[j]),
    current_ranking: curRank.map((j) => names[j]),
    spearman: spearman(refImportance.map((v) => v ?? 0), curImportance.map((v) => v ?? 0)),
  };
}

/** Reference and current attributions in one call (summarises the reference first). */
export function explanationDrift(reference: Float64Array, current: Float64Array, features: readonly string[]): ExplanationDrift {
  return compareAttributions(summarizeAttributions(reference, features), current);
}

/** Feature indices by importance, highest first; missing importance last; ties in feature order. */
function ranking(importance: readonly (number | null)[]): number[] {
  return importance
    .map((v, j) => ({ v: v ?? -Infinity, j }))
    .sort((a, b) => (b.v === a.v ? a.j - b.j : b.v - a.v))
    .map((e) => e.j);
}

/** Average ranks (1-based; tied values share the mean of their ranks), as scipy.stats.rankdata. */
export function averageRanks(values: readonly number[]): Float64Array {
  const order = values.map((_, i) => i).sort((a, b) => values[a] - values[b]);
  const ranks = new Float64Array(values.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && values[order[j + 1]] === values[order[i]]) j++;
    for (let t = i; t <= j; t++) ranks[order[t]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return ranks;
}

/** Spearman's rho of two equally long vectors; null when undefined (n < 2 or a constant side). */
export function spearman(a: readonly number[], b: readonly number[]): number | null {
  if (a.length !== b.length) throw new RangeError('spearman needs vectors of equal length');
  const n = a.length;
  if (n < 2) return null;
  const ra = averageRanks(a);
  const rb = averageRanks(b);
  const mean = (n + 1) / 2; // the mean of any average-rank vector
  let num = 0;
  let da = 0;
  let db = 0;
  for (let i = 0; i < n; i++) {
    num += (ra[i] - mean) * (rb[i] - mean);
    da += (ra[i] - mean) ** 2;
    db += (rb[i] - mean) ** 2;
  }
  return da > 0 && db > 0 ? num / Math.sqrt(da * db) : null;
}
