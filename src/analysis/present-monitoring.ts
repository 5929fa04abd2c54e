/**
 * How baselines and monitoring records look at the edges (HTTP API, CLI): times as UTC
 * ISO-8601, the baseline summary in the shape of Flow 2 (feature_distributions,
 * fairness_metrics, prediction_distribution, shap_distributions).
 */
import { toIso } from '../domain/time.js';
import type { NumericProfile } from '../profile/profile.js';
import type { BaselineRow, MonitoringRecordRow } from '../store/monitoring-store.js';
import type { BaselineSummary } from './baseline-profile.js';

const r6 = (v: number | null | undefined): number | null => (typeof v === 'number' && Number.isFinite(v) ? Number(v.toPrecision(6)) : null);
const rate = (part: number, total: number) => (total > 0 ? r6(part / total) : null);

function numeric(p: NumericProfile) {
  return {
    type: 'numeric' as const,
    count: p.count,
    missing_rate: rate(p.missing, p.count + p.missing),
    mean: r6(p.mean),
    std: r6(p.std),
    min: p.min,
    max: p.max,
    quantiles: p.quantiles,
  };
}

/** The Flow 2 view of a frozen baseline summary. */
export function baselineDistributions(summary: BaselineSummary) {
  const feature_distributions: Record<string, unknown> = {};
  for (const [name, p] of Object.entries(summary.features)) {
    if (p.type === 'numeric') feature_distributions[name] = numeric(p);
    else feature_distributions[name] = { type: p.type, count: p.count, missing_rate: rate(p.missing, p.count + p.missing), frequencies: Object.fromEntries(Object.entries(p.counts).map(([k, n]) => [k, rate(n, p.count)])) };
  }
  const fairness_metrics: Record<string, unknown> = {};
  for (const [attr, f] of Object.entries(summary.fairness)) {
    fairness_metrics[attr] = {
      reference_group: f.reference_group,
      demographic_parity: r6(f.demographic_parity.difference),
      disparate_impact: r6(f.disparate_impact.value),
      equal_opportunity: r6(f.equal_opportunity?.difference),
      equalized_odds: r6(f.equalized_odds?.difference),
      selection_rates: Object.fromEntries(Object.entries(f.groups).map(([g, x]) => [g, r6(x.selection_rate)])),
    };
  }
  const pred = summary.prediction;
  const prediction_distribution = pred.label_shares ? Object.fromEntries(Object.entries(pred.label_shares).map(([k, v]) => [k, r6(v)])) : pred.value ? numeric(pred.value) : {};
  const shap_distributions: Record<string, unknown> = {};
  for (const [name, x] of Object.entries(summary.explanations)) shap_distributions[name] = { mean: r6(x.mean), std: r6(x.std), mean_abs: r6(x.mean_abs) };
  return { feature_distributions, fairness_metrics, prediction_distribution, shap_distributions, performance: summary.performance };
}

/** A baseline: its metadata, and with `distributions` the Flow 2 summary; with `full` the whole frozen profile too. */
export function presentBaseline(b: BaselineRow, options: { distributions?: boolean; full?: boolean } = {}) {
  const out: Record<string, unknown> = {
    snapshot_id: b.snapshot_id,
    model_id: b.model_id,
    model_version: b.model_version,
    schema_version: b.schema_version,
    is_active: b.is_active,
    created_at: toIso(b.created_at),
    created_by: b.created_by,
    archived_at: b.archived_at === null ? null : toIso(b.archived_at),
    source: b.source,
    sample_count: b.sample_count,
    labelled_count: (b.summary as BaselineSummary | undefined)?.labelled_count ?? null,
    content_hash: b.content_hash,
    metadata: b.metadata,
  };
  if (options.distributions || options.full) Object.assign(out, baselineDistributions(b.summary as BaselineSummary));
  if (options.full) out.summary = b.summary;
  return out;
}

/** The fields every record has, without the body (list views). */
export function presentRecordItem(r: MonitoringRecordRow) {
  return {
    record_id: r.record_id,
    model_id: r.model_id,
    status: r.status,
    timestamp: toIso(r.timestamp),
    analysis_period: { start: toIso(r.period_start), end: toIso(r.period_end) },
    trigger: r.trigger,
    baseline_id: r.baseline_id,
    sample_count: r.sample_count,
    aggregated_score: r.aggregated_score,
    // a failed analysis counts as CRITICAL (its body says so); the column stays null
    max_severity: r.max_severity ?? (r.status === 'failed' ? 'CRITICAL' : null),
    duration_ms: Math.round(r.duration_ms * 10) / 10,
    error: r.error,
  };
}

/** A whole record: the item fields plus the body (metrics, findings, summary, skipped_reason). */
export function presentRecord(r: MonitoringRecordRow) {
  const { analysis_period: _p, sample_count: _s, aggregated_score: _a, max_severity: _m, ...body } = r.body;
  return { ...presentRecordItem(r), ...body };
}
