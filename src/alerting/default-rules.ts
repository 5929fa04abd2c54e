import { HOUR_MS } from '../domain/time.js';
import type { AlertRule } from './types.js';

/** Metrics the self-monitoring job measures for every model (see self-monitoring.ts). */
export const SELF_METRICS = {
  /** hours since the model's newest monitoring record (since registration when it has none) */
  hoursSinceAnalysis: 'self.hours_since_analysis',
  /** predictions logged in the last 24 hours; only measured for models that had predictions in the week before */
  predictionsLastDay: 'self.predictions_last_day',
} as const;

/** The analysis' own failure finding (MonitoringService writes it into failed records). */
export const ANALYSIS_FAILED = 'analysis.failed';

/**
 * Which part of the system a metric speaks about. An incident groups the alerts of one model
 * and component, so a broken analyzer and a drifting model are separate incidents.
 */
export function componentOf(metric: string): string {
  if (metric === ANALYSIS_FAILED || metric === SELF_METRICS.hoursSinceAnalysis) return 'analyzer';
  if (metric === SELF_METRICS.predictionsLastDay) return 'ingest';
  return 'model';
}

type BuiltinRule = Omit<AlertRule, 'created_at' | 'updated_at'>;

const base = { models: ['*'], channels: [] as string[], enabled: true, builtin: true, comparison: null, threshold: null, severity_at_least: null };

/**
 * The rule set shipped with the product. Analysis findings are judged by the thresholds of the
 * analysis itself (src/analysis/thresholds.ts, per-model overrides included), so the defaults
 * follow those grades instead of repeating the numbers: a finding graded CRITICAL makes a
 * CRITICAL alert at once, one graded WARNING makes a WARNING alert when it persists for two
 * analyses. When both match one finding the CRITICAL one speaks for it (the other is logged as
 * inhibited). Self-monitoring rules watch the monitoring itself.
 */
export const DEFAULT_RULES: readonly BuiltinRule[] = [
  {
    ...base,
    rule_id: 'builtin.critical-findings',
    name: 'Critical findings',
    description: 'Any finding the analysis graded CRITICAL (PSI ≥ 0.25, disparate impact < 0.8, performance drop ≥ 10 %, … per the model thresholds).',
    metric: '*',
    severity_at_least: 'CRITICAL',
    severity: 'CRITICAL',
    for_count: 1,
    cooldown_ms: HOUR_MS,
  },
  {
    ...base,
    rule_id: 'builtin.warning-findings',
    name: 'Persistent warnings',
    description: 'A finding graded WARNING or worse in two consecutive analyses (PSI ≥ 0.1, disparate impact < 0.9, …).',
    metric: '*',
    severity_at_least: 'WARNING',
    severity: 'WARNING',
    for_count: 2,
    cooldown_ms: 6 * HOUR_MS,
  },
  {
    ...base,
    rule_id: 'builtin.analysis-failed',
    name: 'Analysis failed',
    description: 'An analysis run failed (Flow 10): the model is not being watched until it runs again.',
    metric: ANALYSIS_FAILED,
    severity: 'CRITICAL',
    for_count: 1,
    cooldown_ms: HOUR_MS,
  },
  {
    ...base,
    rule_id: 'builtin.no-analysis',
    name: 'No analysis for 12 hours',
    description: 'The newest monitoring record of the model is 12 hours old or older (the default schedule runs every 6 hours).',
    metric: SELF_METRICS.hoursSinceAnalysis,
    comparison: '>=',
    threshold: 12,
    severity: 'CRITICAL',
    for_count: 1,
    cooldown_ms: 6 * HOUR_MS,
  },
  {
    ...base,
    rule_id: 'builtin.predictions-stopped',
    name: 'Prediction logging stopped',
    description: 'No prediction was logged in the last 24 hours for a model that had predictions in the week before.',
    metric: SELF_METRICS.predictionsLastDay,
    comparison: '<=',
    threshold: 0,
    severity: 'WARNING',
    for_count: 1,
    cooldown_ms: 6 * HOUR_MS,
  },
];

/** Built-in rules stamped with a time (to insert the ones a store does not have yet). */
export const defaultRules = (now: number): AlertRule[] => DEFAULT_RULES.map((r) => ({ ...r, models: [...r.models], channels: [...r.channels], created_at: now, updated_at: now }));
