import { createHash } from 'node:crypto';
import type { AlertCandidate, Severity } from './types.js';

/** One alert of Alertmanager's webhook payload (version 4). */
export interface AlertmanagerAlert {
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  startsAt?: string;
  endsAt?: string;
  generatorURL?: string;
  fingerprint?: string;
}

/** Alertmanager's webhook body (version 4): `status` is the group's, each alert carries its own. */
export interface AlertmanagerPayload {
  version?: string;
  groupKey?: string;
  truncatedAlerts?: number;
  status: 'firing' | 'resolved';
  receiver?: string;
  groupLabels?: Record<string, string>;
  commonLabels?: Record<string, string>;
  commonAnnotations?: Record<string, string>;
  externalURL?: string;
  alerts: AlertmanagerAlert[];
}

/** Prometheus' customary severity labels → ours (unknown ones are WARNING). */
export function severityFromLabel(label: string | undefined): Severity {
  const s = (label ?? '').toLowerCase();
  if (['critical', 'crit', 'page', 'error', 'high', 'emergency', 'alert', 'fatal'].includes(s)) return 'CRITICAL';
  if (['info', 'informational', 'low', 'none', 'notice', 'debug'].includes(s)) return 'INFO';
  return 'WARNING';
}

/** Alertmanager's fingerprint, or a stable one from the sorted labels when it sent none. */
export function fingerprintOf(a: AlertmanagerAlert): string {
  if (a.fingerprint) return a.fingerprint;
  const text = Object.keys(a.labels).sort().map((k) => `${k}=${a.labels[k]}`).join('\u0000');
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

const number = (v: string | undefined): number | null => {
  if (v === undefined || v.trim() === '') return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
};

/**
 * A firing Alertmanager alert as a candidate. `alertname` is the metric; `model_id` (or `model`)
 * ties it to a model; `component` (else `service`, else `job`, else `prometheus`) picks the
 * incident it joins; `severity` maps as in severityFromLabel; annotations `summary` and
 * `description` become title and message, `value` and `threshold` the numbers.
 */
export function alertmanagerCandidate(a: AlertmanagerAlert): AlertCandidate {
  const labels = a.labels;
  const ann = a.annotations ?? {};
  const metric = labels.alertname ?? 'alertmanager';
  const modelId = labels.model_id ?? labels.model ?? null;
  const title = ann.summary ?? ann.title ?? `${metric}${labels.instance ? ` on ${labels.instance}` : ''}`;
  return {
    source: 'alertmanager',
    rule_id: null,
    model_id: modelId,
    metric,
    value: number(ann.value),
    threshold: number(ann.threshold),
    severity: severityFromLabel(labels.severity),
    component: labels.component ?? labels.service ?? labels.job ?? 'prometheus',
    title,
    message: ann.description ?? ann.message ?? title,
    affected_groups: [],
    labels: { ...labels },
    monitoring_record_id: null,
    period: null,
    channels: [],
    fingerprint: fingerprintOf(a),
  };
}
