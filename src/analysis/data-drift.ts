import type { FeatureSpec } from '../domain/model-schema.js';
import { categoricalFromNumeric, fromCounts } from '../stats/categorical.js';
import { defaultDriftTest, distinctCategories, distinctNumericValues } from '../stats/default-test.js';
import { getDriftTest } from '../stats/registry.js';
import { prepareSorted } from '../stats/sort.js';
import type { CategoricalSample, DriftTestResult, NumericSample, Severity } from '../stats/types.js';
import { type CategoricalProfile, type NumericProfile, categoryCounts, histogramCounts, sortedFinite } from '../profile/profile.js';
import { type Thresholds, grade, thresholdOf } from './thresholds.js';
import type { Finding } from './types.js';
import type { DictColumn } from '../store/blocks/columns.js';

/** Drift and data quality of one feature. */
export interface FeatureDrift {
  feature: string;
  type: FeatureSpec['type'];
  /** the test chosen by the default rule (or the model's setting) */
  default_test: string;
  tests: DriftTestResult[];
  psi: { value: number; severity: Severity };
  drift_detected: boolean;
  severity: Severity;
  quality: {
    missing_rate_reference: number;
    missing_rate_current: number;
    missing_rate_change: number;
    /** categorical: share of current values in categories the baseline never saw */
    unseen_share?: number;
    unseen_categories?: string[];
    /** numeric: share of current values outside the baseline's [min, max] */
    out_of_range_share?: number;
    severity: Severity;
  };
  /** reference vs current, for charts (numeric: the baseline's equal-width bins; categorical: shares) */
  histogram: { edges?: number[]; categories?: string[]; reference: number[]; current: number[] };
  current_summary: { count: number; missing: number; mean?: number | null; std?: number | null; min?: number | null; max?: number | null };
}

const share = (a: number, b: number) => (b > 0 ? a / b : 0);
const rank: Record<Severity, number> = { INFO: 0, WARNING: 1, CRITICAL: 2 };
const maxSev = (...s: Severity[]): Severity => s.reduce((a, b) => (rank[b] > rank[a] ? b : a), 'INFO' as Severity);

/**
 * Run tests by name. A test that cannot judge these samples (too few values, one distinct
 * value, a binary-only test on many categories: the kernels throw RangeError) is reported
 * with its reason and never counts as drift; it does not fail the analysis.
 */
function runTests(names: string[], ref: NumericSample | CategoricalSample, cur: NumericSample | CategoricalSample, kind: 'numeric' | 'categorical'): DriftTestResult[] {
  return names.map((name) => {
    const t = getDriftTest(name);
    try {
      if (kind === 'numeric' && t.computeNumeric) return t.computeNumeric(ref as NumericSample, cur as NumericSample);
      if (t.computeCategorical) {
        const r = kind === 'numeric' ? categoricalFromNumeric(ref as NumericSample) : (ref as CategoricalSample);
        const c = kind === 'numeric' ? categoricalFromNumeric(cur as NumericSample) : (cur as CategoricalSample);
        return t.computeCategorical(r, c);
      }
      throw new RangeError(`${name} does not apply to ${kind} features`);
    } catch (e) {
      if (!(e instanceof RangeError)) throw e;
      const result: DriftTestResult & { error: string } = {
        test: t.name,
        statistic: NaN,
        p_value: null,
        value: NaN,
        threshold: t.defaultThreshold,
        direction: t.direction,
        drift_detected: false,
        error: e.message,
      };
      return result;
    }
  });
}

/** Compare a numeric feature of the window with its baseline sample. */
export function numericDrift(
  spec: FeatureSpec,
  profile: NumericProfile,
  referenceSorted: Float64Array,
  current: Float64Array,
  thresholds: Thresholds,
  extraTests: string[] = [],
): FeatureDrift {
  const { sorted, missing } = sortedFinite(current);
  const ref = prepareSorted(referenceSorted, profile.missing);
  const cur = prepareSorted(sorted, missing);
  const unique = distinctNumericValues(ref, cur);
  const choice = defaultDriftTest('numeric', profile.count, unique);
  const sampleKind = choice.sampleType;
  const names = [choice.test.name, ...extraTests.filter((t) => t !== choice.test.name && t !== 'psi')];
  const tests = cur.n > 0 && ref.n > 0 ? runTests(names, ref, cur, sampleKind) : [];
  const psiResult = cur.n > 0 && ref.n > 0 ? runTests(['psi'], ref, cur, 'numeric')[0] : null;
  tests.push(...(psiResult ? [psiResult] : []));
  const psiValue = psiResult && Number.isFinite(psiResult.value) ? psiResult.value : 0;
  const psiSev = grade(psiValue, thresholds.psi);
  const detected = tests.length > 0 && tests[0].drift_detected;
  let outside = 0;
  if (profile.min !== null && profile.max !== null) {
    for (let i = 0; i < sorted.length; i++) if (sorted[i] < profile.min || sorted[i] > profile.max) outside++;
  }
  const quality = qualityOf(profile.count + profile.missing, profile.missing, cur.n + missing, missing, thresholds);
  quality.out_of_range_share = share(outside, cur.n);
  quality.severity = maxSev(quality.severity, grade(quality.out_of_range_share, thresholds.out_of_range));
  const edges = profile.histogram.edges;
  let mean = 0;
  for (let i = 0; i < sorted.length; i++) mean += sorted[i];
  return {
    feature: spec.name,
    type: spec.type,
    default_test: choice.test.name,
    tests,
    psi: { value: psiValue, severity: psiSev },
    drift_detected: detected,
    severity: maxSev(psiSev, detected ? 'WARNING' : 'INFO'),
    quality,
    histogram: { edges, reference: profile.histogram.counts, current: edges.length ? histogramCounts(sorted, edges) : [] },
    current_summary: {
      count: cur.n,
      missing,
      mean: cur.n ? mean / cur.n : null,
      std: cur.n > 1 ? Math.sqrt(cur.variance) : null,
      min: cur.n ? sorted[0] : null,
      max: cur.n ? sorted[cur.n - 1] : null,
    },
  };
}

function qualityOf(refTotal: number, refMissing: number, curTotal: number, curMissing: number, thresholds: Thresholds): FeatureDrift['quality'] {
  const r = share(refMissing, refTotal);
  const c = share(curMissing, curTotal);
  return { missing_rate_reference: r, missing_rate_current: c, missing_rate_change: c - r, severity: grade(c - r, thresholds.missing_rate_change) };
}

/** Compare a categorical (or boolean) feature of the window with its baseline counts. */
export function categoricalDrift(spec: FeatureSpec, profile: CategoricalProfile, current: DictColumn, thresholds: Thresholds, extraTests: string[] = []): FeatureDrift {
  const cc = categoryCounts(current.dict, current.codes);
  const ref = fromCounts(profile.counts, profile.missing);
  const cur = fromCounts(cc.counts, cc.missing);
  const choice = defaultDriftTest('categorical', profile.count, distinctCategories(ref, cur));
  const names = [choice.test.name, ...extraTests.filter((t) => t !== choice.test.name && t !== 'psi')];
  const tests = cur.n > 0 && ref.n > 0 ? runTests(names, ref, cur, 'categorical') : [];
  const psiResult = cur.n > 0 && ref.n > 0 ? runTests(['psi'], ref, cur, 'categorical')[0] : null;
  if (psiResult) tests.push(psiResult);
  const psiValue = psiResult && Number.isFinite(psiResult.value) ? psiResult.value : 0;
  const psiSev = grade(psiValue, thresholds.psi);
  const detected = tests.length > 0 && tests[0].drift_detected;
  const unseen = Object.keys(cc.counts).filter((k) => !(k in profile.counts));
  const unseenCount = unseen.reduce((s, k) => s + cc.counts[k], 0);
  const quality = qualityOf(profile.count + profile.missing, profile.missing, cc.count + cc.missing, cc.missing, thresholds);
  quality.unseen_categories = unseen.slice(0, 50);
  quality.unseen_share = share(unseenCount, cc.count);
  quality.severity = maxSev(quality.severity, grade(quality.unseen_share, thresholds.unseen_categories));
  const categories = [...new Set([...Object.keys(profile.counts), ...Object.keys(cc.counts)])].slice(0, 100);
  return {
    feature: spec.name,
    type: spec.type,
    default_test: choice.test.name,
    tests,
    psi: { value: psiValue, severity: psiSev },
    drift_detected: detected,
    severity: maxSev(psiSev, detected ? 'WARNING' : 'INFO'),
    quality,
    histogram: {
      categories,
      reference: categories.map((k) => share(profile.counts[k] ?? 0, profile.count)),
      current: categories.map((k) => share(cc.counts[k] ?? 0, cc.count)),
    },
    current_summary: { count: cc.count, missing: cc.missing },
  };
}

/** The findings of one feature (data drift and data quality). */
export function featureFindings(d: FeatureDrift, thresholds: Thresholds): Finding[] {
  const out: Finding[] = [
    { metric: `data_drift.psi.${d.feature}`, category: 'data_drift', value: d.psi.value, threshold: thresholdOf(d.psi.severity, thresholds.psi), severity: d.psi.severity, feature: d.feature },
  ];
  const t = d.tests[0];
  if (t && t.test !== 'psi') {
    out.push({
      metric: `data_drift.${t.test}.${d.feature}`,
      category: 'data_drift',
      value: t.value,
      threshold: t.threshold,
      severity: t.drift_detected ? 'WARNING' : 'INFO',
      feature: d.feature,
    });
  }
  const q = d.quality;
  out.push({
    metric: `data_quality.missing_rate_change.${d.feature}`,
    category: 'data_quality',
    value: q.missing_rate_change,
    threshold: thresholdOf(grade(q.missing_rate_change, thresholds.missing_rate_change), thresholds.missing_rate_change),
    severity: grade(q.missing_rate_change, thresholds.missing_rate_change),
    feature: d.feature,
  });
  if (q.unseen_share !== undefined) {
    const s = grade(q.unseen_share, thresholds.unseen_categories);
    out.push({ metric: `data_quality.unseen_categories.${d.feature}`, category: 'data_quality', value: q.unseen_share, threshold: thresholdOf(s, thresholds.unseen_categories), severity: s, feature: d.feature, affected_groups: q.unseen_categories?.slice(0, 10) });
  }
  if (q.out_of_range_share !== undefined) {
    const s = grade(q.out_of_range_share, thresholds.out_of_range);
    out.push({ metric: `data_quality.out_of_range.${d.feature}`, category: 'data_quality', value: q.out_of_range_share, threshold: thresholdOf(s, thresholds.out_of_range), severity: s, feature: d.feature });
  }
  return out;
}
