import type { ModelSchema } from '../domain/model-schema.js';
import type { WindowData } from '../analysis/window.js';
import { linearQuantile, decileEdges, sharesInBins } from '../stats/binning.js';
import { Prng, sampleIndices } from '../stats/prng.js';
import { sortFloat64 } from '../stats/sort.js';

/** Most values kept per sample in a baseline; larger samples are subsampled with a fixed seed. */
export const MAX_SAMPLE = 100_000;
/** Distinct values counted exactly up to this many. */
export const UNIQUE_CAP = 10_000;
export const HISTOGRAM_BINS = 20;
const QUANTILES = [0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99] as const;

export interface NumericProfile {
  type: 'numeric';
  /** non-missing values */
  count: number;
  missing: number;
  mean: number | null;
  std: number | null;
  min: number | null;
  max: number | null;
  /** p01 … p99 */
  quantiles: Record<string, number>;
  /** distinct values (exact up to UNIQUE_CAP, then UNIQUE_CAP) */
  unique: number;
  /** the binned tests' reference deciles and shares */
  bins: { edges: number[]; shares: number[] };
  /** equal-width histogram for charts (reference range) */
  histogram: { edges: number[]; counts: number[] };
}

export interface CategoricalProfile {
  type: 'categorical' | 'boolean';
  count: number;
  missing: number;
  counts: Record<string, number>;
}

export type FeatureProfile = NumericProfile | CategoricalProfile;

/** The summary part of a profile (JSON); the sorted samples travel separately. */
export interface ProfileSummary {
  sample_count: number;
  labelled_count: number;
  features: Record<string, FeatureProfile>;
  prediction: {
    label_counts?: Record<string, number>;
    label_shares?: Record<string, number>;
    confidence?: NumericProfile;
    score?: NumericProfile;
    value?: NumericProfile;
  };
  explanations: Record<string, NumericProfile & { mean_abs: number | null }>;
  latency_ms: { p50: number; p95: number; p99: number } | null;
}

export interface Profile {
  summary: ProfileSummary;
  /** sorted samples by name: `f:<feature>`, `x:<feature>`, `confidence`, `score`, `value` */
  samples: Map<string, Float64Array>;
}

/** Finite values, sorted (all of them; callers subsample for storage). */
export function sortedFinite(values: Float64Array): { sorted: Float64Array; missing: number } {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i])) n++;
  const out = new Float64Array(n);
  let j = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isNaN(v)) out[j++] = v;
  }
  return { sorted: sortFloat64(out), missing: values.length - n };
}

/** A seeded subsample of a sorted array (stays sorted). */
export function capSorted(sorted: Float64Array, max = MAX_SAMPLE, seed = 42): Float64Array {
  if (sorted.length <= max) return sorted;
  const idx = sampleIndices(new Prng(seed), sorted.length, max);
  const out = new Float64Array(max);
  for (let i = 0; i < max; i++) out[i] = sorted[idx[i]];
  return out;
}

function countUnique(sorted: Float64Array): number {
  let u = sorted.length ? 1 : 0;
  for (let i = 1; i < sorted.length && u < UNIQUE_CAP; i++) if (sorted[i] !== sorted[i - 1]) u++;
  return u;
}

/** Equal-width histogram edges over [min, max] (one bin when the range is empty). */
export function histogramEdges(min: number, max: number, bins = HISTOGRAM_BINS): number[] {
  if (!(max > min)) return [min, min];
  const step = (max - min) / bins;
  return Array.from({ length: bins + 1 }, (_, i) => (i === bins ? max : min + i * step));
}

/** Counts per histogram bin of a sorted sample (values outside the edges go to the end bins). */
export function histogramCounts(sorted: Float64Array, edges: number[]): number[] {
  const bins = Math.max(1, edges.length - 1);
  const counts = new Array<number>(bins).fill(0);
  let b = 0;
  for (let i = 0; i < sorted.length; i++) {
    const v = sorted[i];
    while (b < bins - 1 && v >= edges[b + 1]) b++;
    counts[b]++;
  }
  return counts;
}

/** Summary of a sorted numeric sample. */
export function numericProfile(sorted: Float64Array, missing: number): NumericProfile {
  const n = sorted.length;
  if (n === 0) {
    return { type: 'numeric', count: 0, missing, mean: null, std: null, min: null, max: null, quantiles: {}, unique: 0, bins: { edges: [], shares: [] }, histogram: { edges: [], counts: [] } };
  }
  let mean = 0;
  let m2 = 0;
  for (let i = 0; i < n; i++) {
    const d = sorted[i] - mean;
    mean += d / (i + 1);
    m2 += d * (sorted[i] - mean);
  }
  const edges = decileEdges(sorted);
  const hEdges = histogramEdges(sorted[0], sorted[n - 1]);
  return {
    type: 'numeric',
    count: n,
    missing,
    mean,
    std: n > 1 ? Math.sqrt(m2 / (n - 1)) : 0,
    min: sorted[0],
    max: sorted[n - 1],
    quantiles: Object.fromEntries(QUANTILES.map((q) => [`p${String(Math.round(q * 100)).padStart(2, '0')}`, linearQuantile(sorted, q)])),
    unique: countUnique(sorted),
    bins: { edges: Array.from(edges), shares: Array.from(sharesInBins(sorted, edges)) },
    histogram: { edges: hEdges, counts: histogramCounts(sorted, hEdges) },
  };
}

/** Category counts of a dictionary column. */
export function categoryCounts(dict: string[], codes: Int32Array): { counts: Record<string, number>; count: number; missing: number } {
  const c = new Float64Array(dict.length);
  let missing = 0;
  for (let i = 0; i < codes.length; i++) {
    const v = codes[i];
    if (v < 0) missing++;
    else c[v]++;
  }
  const counts: Record<string, number> = {};
  dict.forEach((d, i) => {
    if (c[i] > 0) counts[d] = (counts[d] ?? 0) + c[i];
  });
  return { counts, count: codes.length - missing, missing };
}

/** Profile a window (or validation data): everything a baseline freezes, except fairness and performance. */
export function buildProfile(schema: ModelSchema, w: WindowData): Profile {
  const samples = new Map<string, Float64Array>();
  const features: Record<string, FeatureProfile> = {};
  for (const f of schema.features) {
    if (f.type === 'numeric') {
      const { sorted, missing } = sortedFinite(w.numeric.get(f.name)!);
      features[f.name] = numericProfile(sorted, missing);
      samples.set(`f:${f.name}`, capSorted(sorted));
    } else {
      const col = w.categorical.get(f.name)!;
      features[f.name] = { type: f.type, ...categoryCounts(col.dict, col.codes) };
    }
  }
  const prediction: ProfileSummary['prediction'] = {};
  const numericOf = (name: string, values: Float64Array | null) => {
    if (!values) return undefined;
    const { sorted, missing } = sortedFinite(values);
    if (sorted.length === 0) return undefined;
    samples.set(name, capSorted(sorted));
    return numericProfile(sorted, missing);
  };
  if (w.label) {
    const counts: Record<string, number> = Object.fromEntries(schema.labels.map((l) => [l, 0]));
    let n = 0;
    for (let i = 0; i < w.rows; i++) {
      const l = w.label[i];
      if (l >= 0) {
        counts[schema.labels[l]]++;
        n++;
      }
    }
    prediction.label_counts = counts;
    prediction.label_shares = Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, n ? v / n : 0]));
  }
  prediction.confidence = numericOf('confidence', w.confidence);
  prediction.score = numericOf('score', w.score);
  prediction.value = numericOf('value', w.value);
  const explanations: ProfileSummary['explanations'] = {};
  for (const [name, values] of w.explanations) {
    const { sorted, missing } = sortedFinite(values);
    if (sorted.length === 0) continue;
    let abs = 0;
    for (let i = 0; i < sorted.length; i++) abs += Math.abs(sorted[i]);
    explanations[name] = { ...numericProfile(sorted, missing), mean_abs: abs / sorted.length };
    samples.set(`x:${name}`, capSorted(sorted));
  }
  const lat = sortedFinite(w.latency).sorted;
  const latency_ms = lat.length ? { p50: linearQuantile(lat, 0.5), p95: linearQuantile(lat, 0.95), p99: linearQuantile(lat, 0.99) } : null;
  return { summary: { sample_count: w.rows, labelled_count: w.labelled, features, prediction, explanations, latency_ms }, samples };
}
