import type { AlertCandidate, Severity } from './types.js';

/** Flow 4's payload of `POST /api/v1/alerts/trigger`, as external producers send it. */
export interface TriggerPayload {
  incident_id?: string;
  severity: Severity;
  metrics: { metric_name: string; value?: number | null; threshold?: number | null; affected_groups?: string[] }[];
  model_id?: string | null;
  component?: string;
  title?: string;
  message?: string;
  /** channel names; absent = the default channels */
  channels?: string[];
}

const fmt = (v: number | null | undefined) => (v === null || v === undefined ? 'n/a' : String(v));

/** One candidate per metric of the payload; all of them go through the same pipeline as rule alerts. */
export function triggerCandidates(p: TriggerPayload): AlertCandidate[] {
  const component = p.component ?? 'external';
  const modelId = p.model_id ?? null;
  return p.metrics.map((m) => ({
    source: 'external',
    rule_id: null,
    model_id: modelId,
    metric: m.metric_name,
    value: m.value ?? null,
    threshold: m.threshold ?? null,
    severity: p.severity,
    component,
    title: p.title ?? `${p.severity}: ${m.metric_name}${modelId ? ` on ${modelId}` : ''}`,
    message: p.message ?? `${m.metric_name} = ${fmt(m.value)} (threshold ${fmt(m.threshold)})`,
    affected_groups: m.affected_groups ?? [],
    labels: {},
    monitoring_record_id: null,
    period: null,
    channels: p.channels ?? [],
    ...(p.incident_id ? { incident_id: p.incident_id } : {}),
  }));
}
