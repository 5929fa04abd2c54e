/**
 * A monitoring record as the report model (src/report/types.ts), so records are drawn by the
 * same JSON, text and HTML renderers as `driftwatch report`. The reference side is the
 * record's baseline, the current side its window.
 */
import { compareCategories } from '../../stats/categorical.js';
import type { Severity } from '../../stats/types.js';
import { HISTOGRAM_CATEGORIES } from '../../report/distribution.js';
import { toRun } from '../../report/feature-drift.js';
import type { DriftReport, FairnessAttribute, FeatureDrift as ReportFeature, MetricComparison, PerformanceSection, PredictionSection } from '../../report/types.js';
import type { Model } from '../../domain/model-schema.js';
import type { BaselineRow, MonitoringRecordRow } from '../../store/monitoring-store.js';
import { type RecordMetrics, maxSeverity } from '../analyze.js';
import type { BaselineSummary } from '../baseline-profile.js';
import type { FeatureDrift } from '../data-drift.js';
import type { FairnessResult } from '../fairness-drift.js';
import type { PerformanceMetrics } from '../performance.js';
import { type Thresholds, mergeThresholds } from '../thresholds.js';

export interface RecordReportOptions {
  /** the record's baseline (summary only is enough): reference counts and group rates */
  baseline?: BaselineRow | null;
  /** the model: privileged groups, and its thresholds unless `thresholds` is given */
  model?: Model | null;
  /** the thresholds the record was judged by (dataset drift share); the model's, else the defaults */
  thresholds?: Thresholds;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const diff = (cur: number | null, ref: number | null): number | null => (cur !== null && ref !== null ? cur - ref : null);
const shares = (counts: number[]): number[] => {
  const total = counts.reduce((s, c) => s + c, 0);
  return counts.map((c) => (total > 0 ? c / total : 0));
};

/** The report model of a record. Skipped and failed records give a report without features, saying why in the title. */
export function recordToReport(record: MonitoringRecordRow, options: RecordReportOptions = {}): DriftReport {
  const t = options.thresholds ?? mergeThresholds(options.model?.settings.thresholds);
  const body = record.body;
  const metrics = body.metrics as RecordMetrics | undefined;
  const summary = options.baseline?.summary as BaselineSummary | undefined;
  const features = metrics ? Object.values(metrics.data_drift.features).map((f) => featureOf(f, summary)) : [];
  const tested = features.filter((f) => f.decided_by !== null);
  const drifted = tested.filter((f) => f.drift_detected).length;
  const share = tested.length ? drifted / tested.length : 0;
  const status =
    record.status === 'completed'
      ? `${record.max_severity ?? 'INFO'}, score ${(record.aggregated_score ?? 0).toFixed(2)}`
      : record.status === 'skipped'
        ? `skipped: ${String(body.skipped_reason ?? '')}`
        : `failed: ${record.error ?? ''}`;
  const report: DriftReport = {
    version: 1,
    title: `Monitoring record ${record.record_id} · ${record.model_id} (${status})`,
    generated_at: new Date(record.timestamp).toISOString(),
    reference: { name: `baseline ${record.baseline_id ?? '(none)'}`, rows: options.baseline?.sample_count ?? 0 },
    current: { name: `window ${new Date(record.period_start).toISOString()} – ${new Date(record.period_end).toISOString()}`, rows: record.sample_count },
    summary: {
      features_tested: tested.length,
      features_drifted: drifted,
      drift_share: share,
      drift_share_threshold: t.dataset_drift_share.critical,
      dataset_drift: tested.length > 0 && share >= t.dataset_drift_share.critical,
      severity: record.status === 'failed' ? 'CRITICAL' : ((record.max_severity as Severity | null) ?? 'INFO'),
    },
    features,
  };
  if (!metrics) return report;
  const prediction = predictionOf(metrics);
  const privileged = new Map((options.model?.schema.features ?? []).map((f) => [f.name, f.privileged_group ?? null]));
  const fairness = Object.values(metrics.fairness_drift).map((r) => fairnessOf(r, privileged.get(r.attribute) ?? null, t));
  const performance = performanceOf(metrics.performance, summary);
  return {
    ...report,
    ...(prediction ? { prediction } : {}),
    ...(fairness.length ? { fairness: { attributes: fairness } } : {}),
    ...(performance ? { performance } : {}),
  };
}

function featureOf(f: FeatureDrift, baseline: BaselineSummary | undefined): ReportFeature {
  const profile = baseline?.features[f.feature];
  const tests = f.tests.map(toRun);
  const decided = tests.find((r) => r.test === f.default_test) ?? tests[0];
  const h = f.histogram;
  let distribution: ReportFeature['distribution'];
  if (h.edges && h.edges.length > 1) distribution = { kind: 'numeric', edges: h.edges, reference: shares(h.reference), current: shares(h.current) };
  else if (h.categories) {
    // the most frequent categories over both sides, the rest as `other`, like the offline report
    const idx = h.categories.map((_, i) => i).sort((a, b) => h.reference[b] + h.current[b] - h.reference[a] - h.current[a]);
    const shown = idx.slice(0, HISTOGRAM_CATEGORIES).sort((a, b) => compareCategories(h.categories![a], h.categories![b]));
    const rest = (v: number[]) => (idx.length > HISTOGRAM_CATEGORIES ? Math.max(0, 1 - shown.reduce((s, i) => s + v[i], 0)) : 0);
    distribution = {
      kind: 'categorical',
      categories: shown.map((i) => h.categories![i]),
      reference: shown.map((i) => h.reference[i]),
      current: shown.map((i) => h.current[i]),
      other: { reference: rest(h.reference), current: rest(h.current) },
    };
  }
  const out: ReportFeature = {
    name: f.feature,
    type: f.type,
    count: { reference: profile?.count ?? 0, current: f.current_summary.count },
    missing: { reference: profile?.missing ?? 0, current: f.current_summary.missing },
    decided_by: decided?.test ?? null,
    drift_detected: f.drift_detected,
    tests,
    psi: num(f.psi.value),
    severity: f.severity,
    ...(distribution ? { distribution } : {}),
  };
  return decided ? out : { ...out, note: 'no values to test in the window or the baseline' };
}

function predictionOf(m: RecordMetrics): PredictionSection | undefined {
  const p = m.model_drift;
  const columns: ReportFeature[] = [];
  if (p.label_shares) {
    const labels = Object.keys(p.label_shares.reference);
    const shift = num(p.prediction_shift.value);
    columns.push({
      name: 'predicted label',
      type: 'categorical',
      count: { reference: 0, current: 0 },
      missing: { reference: 0, current: 0 },
      decided_by: 'psi',
      drift_detected: p.prediction_shift.severity !== 'INFO',
      tests: [],
      psi: shift,
      severity: p.prediction_shift.severity,
      distribution: {
        kind: 'categorical',
        categories: labels,
        reference: labels.map((l) => p.label_shares!.reference[l] ?? 0),
        current: labels.map((l) => p.label_shares!.current[l] ?? 0),
        other: { reference: 0, current: 0 },
      },
    });
  }
  const metrics: MetricComparison[] = [{ metric: 'prediction shift (PSI)', reference: null, current: num(p.prediction_shift.value), change: null, severity: p.prediction_shift.severity }];
  if (p.confidence_shift) metrics.push({ metric: 'confidence shift (PSI)', reference: null, current: num(p.confidence_shift.value), change: null, severity: p.confidence_shift.severity });
  if (p.entropy_change) {
    const e = p.entropy_change;
    metrics.push({ metric: 'mean entropy (nats)', reference: num(e.reference), current: num(e.current), change: num(e.value), severity: e.severity });
  }
  if (p.proxy.confidence_mean !== null) metrics.push({ metric: 'mean confidence', reference: null, current: num(p.proxy.confidence_mean), change: null });
  const x = m.explanation_drift;
  if (x) {
    // the report model has no section of its own for attributions; they describe the model's output
    metrics.push({ metric: 'attribution importance rank correlation', reference: null, current: num(x.rank_correlation.value), change: null, severity: x.rank_correlation.severity });
    for (const [feature, d] of Object.entries(x.features)) {
      metrics.push({ metric: `attribution divergence: ${feature}`, reference: num(d.mean_abs_reference), current: num(d.mean_abs_current), change: num(d.divergence), severity: d.severity });
    }
  }
  return { columns, metrics };
}

function fairnessOf(r: FairnessResult & { baseline?: FairnessResult }, privileged: string | null, t: Thresholds): FairnessAttribute {
  const b = r.baseline;
  const side = (g: FairnessResult['groups'][string] | undefined) => ({
    count: g?.count ?? 0,
    selection_rate: num(g?.selection_rate),
    tpr: num(g?.true_positive_rate),
    fpr: num(g?.false_positive_rate),
  });
  const names = [...new Set([...Object.keys(b?.groups ?? {}), ...Object.keys(r.groups)])].sort(compareCategories);
  const metric = (name: string, cur: number | null | undefined, ref: number | null | undefined, severity: Severity | undefined): MetricComparison => ({
    metric: name,
    reference: num(ref),
    current: num(cur),
    change: diff(num(cur), num(ref)),
    ...(severity ? { severity } : {}),
  });
  const metrics = [
    metric('demographic parity difference', r.demographic_parity.difference, b?.demographic_parity.difference, r.demographic_parity.severity),
    metric('disparate impact', r.disparate_impact.value, b?.disparate_impact.value, r.disparate_impact.severity),
  ];
  if (r.equal_opportunity) metrics.push(metric('equal opportunity difference', r.equal_opportunity.difference, b?.equal_opportunity?.difference, r.equal_opportunity.severity));
  if (r.equalized_odds) metrics.push(metric('equalized odds difference', r.equalized_odds.difference, b?.equalized_odds?.difference, r.equalized_odds.severity));
  const notes = Object.entries(r.groups)
    .filter(([, g]) => !g.judged)
    .map(([name, g]) => `group ${name} has ${g.count} prediction(s), fewer than ${t.min_group_size}: reported, not judged`);
  return {
    attribute: r.attribute,
    privileged_group: privileged,
    reference_group: r.reference_group,
    groups: names.map((g) => ({ group: g, reference: side(b?.groups[g]), current: side(r.groups[g]) })),
    metrics,
    affected_groups: r.affected_groups,
    severity: maxSeverity(metrics.map((m) => m.severity ?? 'INFO')),
    notes,
  };
}

const METRIC_NAMES: (keyof PerformanceMetrics)[] = ['accuracy', 'precision', 'recall', 'f1', 'roc_auc', 'pr_auc', 'log_loss', 'brier_score', 'ece', 'mae', 'rmse', 'mape', 'r2'];

function performanceOf(p: RecordMetrics['performance'], baseline: BaselineSummary | undefined): PerformanceSection | undefined {
  if (!p || (p.window.n === 0 && !p.baseline)) return undefined;
  const metrics: MetricComparison[] = [];
  for (const name of METRIC_NAMES) {
    const cur = num(p.window[name]);
    const ref = num(p.baseline?.[name]);
    if (cur === null && ref === null) continue;
    metrics.push({ metric: name, reference: ref, current: cur, change: diff(cur, ref), ...(name === p.primary_metric && p.window.judged ? { severity: p.drop.severity } : {}) });
  }
  if (p.drop.value !== null) metrics.push({ metric: `${p.primary_metric} relative drop (${p.drop.level}${p.rollback_recommended ? ', rollback recommended' : ''})`, reference: null, current: num(p.drop.value), change: null, severity: p.drop.severity });
  for (const [window, m] of Object.entries(p.rolling)) {
    const v = num(m[p.primary_metric as keyof PerformanceMetrics]);
    if (m.n > 0) metrics.push({ metric: `${p.primary_metric}, outcomes of the last ${window} (n=${m.n})`, reference: num(p.baseline?.[p.primary_metric as keyof PerformanceMetrics]), current: v, change: diff(v, num(p.baseline?.[p.primary_metric as keyof PerformanceMetrics])) });
  }
  const task = p.primary_metric === 'mae' ? 'regression' : p.primary_metric === 'f1' ? 'binary' : 'multiclass';
  return { task, metrics, labelled: { reference: baseline?.labelled_count ?? p.baseline?.n ?? 0, current: p.window.n } };
}
