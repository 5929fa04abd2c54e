import { ANALYSIS_FAILED } from './default-rules.js';
import type { Evaluation } from './evaluate-rules.js';
import type { Incident, Severity, TriggeredMetric } from './types.js';

/** How one evaluation saw one of an incident's metrics. */
export type Observation = 'breaching' | 'clear' | 'unobserved';

/**
 * What an evaluation says about a metric. A completed analysis observes every analysis metric
 * (one it did not report, or reported without breaching any rule, is clear); a failed one only
 * that it failed; a skipped one that it did not fail. Self-monitoring observes what it measured.
 */
export function observer(ev: Evaluation, breaching: ReadonlyMap<string, Severity>): (metric: string) => Observation {
  const measured = new Set(ev.findings.map((f) => f.metric));
  return (metric) => {
    if (breaching.has(metric)) return 'breaching';
    const isSelf = metric.startsWith('self.');
    if (ev.kind === 'self') return !isSelf ? 'unobserved' : measured.has(metric) ? 'clear' : 'unobserved';
    if (isSelf) return 'unobserved';
    if (ev.record_status === 'completed') return 'clear';
    return metric === ANALYSIS_FAILED && ev.record_status === 'skipped' ? 'clear' : 'unobserved';
  };
}

/** The smallest clear count among the metrics rules watch (what auto-resolution waits for). */
const minClear = (metrics: TriggeredMetric[]): number => {
  const counts = metrics.filter((m) => m.source === 'rule').map((m) => m.clear_count);
  return counts.length ? Math.min(...counts) : 0;
};

/** Every metric cleared: rule metrics clear for N analyses, Alertmanager's resolved; external triggers never clear by themselves. */
export const allCleared = (i: Incident): boolean => i.metrics_triggered.length > 0 && i.metrics_triggered.every((m) => m.cleared);

/**
 * Count an evaluation against an incident's rule metrics: a breach resets a metric's clear
 * count, a clear observation adds one, and at `autoResolveAfter` the metric has cleared.
 * `resolve` says every metric has now cleared.
 */
export function observeIncident(i: Incident, observe: (metric: string) => Observation, autoResolveAfter: number, now: number): { incident: Incident; changed: boolean; resolve: boolean } {
  let changed = false;
  const metrics = i.metrics_triggered.map((m) => {
    if (m.source !== 'rule') return m;
    const seen = observe(m.metric_name);
    if (seen === 'unobserved') return m;
    changed = true;
    if (seen === 'breaching') return { ...m, clear_count: 0, cleared: false, last_seen: now };
    const clear = m.clear_count + 1;
    return { ...m, clear_count: clear, cleared: clear >= autoResolveAfter };
  });
  if (!changed) return { incident: i, changed: false, resolve: false };
  const incident = { ...i, metrics_triggered: metrics, clear_count: minClear(metrics), updated_at: now };
  return { incident, changed: true, resolve: allCleared(incident) };
}

/** Alertmanager reported a metric resolved: it has cleared. */
export function clearMetric(i: Incident, metric: string, by: string, now: number): Incident {
  return {
    ...i,
    updated_at: now,
    metrics_triggered: i.metrics_triggered.map((m) => (m.metric_name === metric ? { ...m, cleared: true } : m)),
    response_actions: [...i.response_actions, { action: 'cleared', taken_by: by, taken_at: now, metric, automatic: true }],
  };
}
