import { createHash } from 'node:crypto';
import type { Alert, AlertRule, Comparison, RuleState, Severity } from '../alerting/types.js';
import type { ModelSchema } from '../domain/model-schema.js';
import { parseTimestamp } from '../domain/time.js';

/**
 * The records of the file-based tracker (tracker-and-alerting-analysis §1.2, §2.2) and how
 * each becomes a driftwatch one. Pure: the migration runner does the reading and writing.
 */

type Obj = Record<string, unknown>;
export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Why a record is skipped (the summary groups by it). */
export type Problem = { problem: string };

/**
 * A legacy timestamp as epoch ms: Python's isoformat() (no zone = UTC, microseconds allowed),
 * ISO with a zone, or a number (seconds from time.time() below 1e11, else milliseconds).
 */
export function legacyTime(v: unknown): number {
  if (typeof v === 'number') return Number.isFinite(v) ? parseTimestamp(Math.round(Math.abs(v) < 1e11 ? v * 1000 : v)) : NaN;
  if (typeof v === 'string' && /^\d+(\.\d+)?$/.test(v.trim())) return legacyTime(Number(v));
  return parseTimestamp(v);
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A ULID whose time part is `ts` and whose random part comes from hashing `seed`: the same input, the same id. */
export function deterministicUlid(ts: number, seed: string): string {
  let t = Math.max(0, Math.floor(ts));
  const time = new Array<string>(10);
  for (let i = 9; i >= 0; i--) {
    time[i] = CROCKFORD[t % 32];
    t = Math.floor(t / 32);
  }
  const h = createHash('sha256').update(seed).digest();
  let rand = '';
  for (let i = 0; i < 16; i++) rand += CROCKFORD[h[i] & 31];
  return time.join('') + rand;
}

/** JSON with sorted keys: the same object always gives the same text (and hash). */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (isObj(v)) return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k])}`).join(',')}}`;
  return JSON.stringify(v) ?? 'null';
}

// ── predictions.jsonl ───────────────────────────────────────────────────────────────────
/** PredictionRecord (timestamp, model_version, prediction_id, predicted_outcome, confidence, features, metadata) → an ingest payload. */
export function predictionPayload(line: Obj, schema: ModelSchema): { payload: Obj; actual: unknown } | Problem {
  const id = line.prediction_id;
  if (typeof id !== 'string' && !(typeof id === 'number' && Number.isSafeInteger(id))) return { problem: 'prediction_id is missing (it is what makes the import idempotent)' };
  const ts = legacyTime(line.timestamp);
  if (Number.isNaN(ts)) return { problem: 'timestamp is missing or not a date-time' };
  const outcome = line.predicted_outcome;
  const prediction: Obj = {};
  if (schema.task === 'regression') prediction.value = typeof outcome === 'string' ? Number(outcome) : outcome;
  else prediction.label = outcome === null || outcome === undefined ? outcome : String(outcome);
  if (line.confidence !== undefined && line.confidence !== null && schema.task !== 'regression') prediction.confidence = line.confidence;
  const payload: Obj = { prediction_id: String(id), timestamp: ts, features: line.features, prediction };
  if (typeof line.model_version === 'string' && line.model_version !== '') payload.model_version = line.model_version;
  if (line.metadata !== undefined && line.metadata !== null) payload.metadata = line.metadata;
  return { payload, actual: line.actual_outcome ?? line.actual };
}

// ── alerts.jsonl ────────────────────────────────────────────────────────────────────────
const SEVERITY: Record<string, Severity> = { info: 'INFO', warning: 'WARNING', critical: 'CRITICAL', error: 'CRITICAL' };
export const legacySeverity = (v: unknown): Severity | null => (typeof v === 'string' ? (SEVERITY[v.toLowerCase().replace(/^alertseverity\./, '')] ?? null) : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : null);
const text = (v: unknown, fallback: string): string => (typeof v === 'string' && v !== '' ? v : fallback);

/**
 * Alert (timestamp, alert_id, severity, title, message, metric_name, metric_value, threshold,
 * component, model_version, acknowledged, acknowledged_at, acknowledged_by) → a driftwatch
 * alert. Its id is derived from the legacy id, time, metric and title (not the acknowledgment,
 * which the legacy system rewrote in place), so importing again finds it. No outbox rows: the
 * legacy system notified at the time.
 */
export function alertFrom(line: Obj, modelId: string): Alert | Problem {
  const at = legacyTime(line.timestamp);
  if (Number.isNaN(at)) return { problem: 'timestamp is missing or not a date-time' };
  const severity = legacySeverity(line.severity);
  if (!severity) return { problem: 'severity must be info, warning or critical' };
  const metric = text(line.metric_name, '');
  if (!metric) return { problem: 'metric_name is missing' };
  const legacyId = typeof line.alert_id === 'string' || typeof line.alert_id === 'number' ? String(line.alert_id) : '';
  const id = `ALT-${new Date(at).getUTCFullYear()}-${deterministicUlid(at, canonicalJson([legacyId, at, metric, line.title ?? null, line.message ?? null]))}`;
  const acknowledged = line.acknowledged === true || line.acknowledged === 'true';
  const ackAt = acknowledged && line.acknowledged_at !== undefined && line.acknowledged_at !== null ? legacyTime(line.acknowledged_at) : null;
  if (Number.isNaN(ackAt)) return { problem: 'acknowledged_at is not a date-time' };
  const labels: Record<string, string> = { imported_from: 'alerts.jsonl' };
  if (legacyId) labels.legacy_alert_id = legacyId;
  if (typeof line.model_version === 'string') labels.model_version = line.model_version;
  return {
    alert_id: id,
    incident_id: null,
    model_id: modelId,
    rule_id: null,
    metric_name: metric,
    metric_value: num(line.metric_value),
    threshold: num(line.threshold),
    severity,
    status: acknowledged ? 'acknowledged' : 'sent',
    source: 'external',
    component: text(line.component, 'model'),
    title: text(line.title, `${metric} alert`),
    message: text(line.message, ''),
    created_at: at,
    acknowledged,
    acknowledged_by: acknowledged ? text(line.acknowledged_by, 'unknown') : null,
    acknowledged_at: acknowledged ? (ackAt ?? at) : null,
    acknowledgment_notes: acknowledged ? 'acknowledged in the file-based tracker' : null,
    resolved_at: null,
    fingerprint: null,
    channels_notified: [],
    labels,
    affected_groups: [],
    monitoring_record_id: null,
  };
}

// ── alert_rules.json ────────────────────────────────────────────────────────────────────
const COMPARISON: Record<string, Comparison> = {
  '<': '<', '<=': '<=', '>': '>', '>=': '>=', '==': '==', '=': '==', '!=': '!=',
  lt: '<', le: '<=', lte: '<=', gt: '>', ge: '>=', gte: '>=', eq: '==', ne: '!=',
  less_than: '<', greater_than: '>', equals: '==', not_equals: '!=',
};
/** Legacy metric names whose driftwatch finding is known; others are kept as they were. */
export const METRIC_NAMES: Record<string, string> = {
  accuracy: 'performance.accuracy',
  precision: 'performance.precision',
  recall: 'performance.recall',
  f1: 'performance.f1',
  f1_score: 'performance.f1',
  roc_auc: 'performance.roc_auc',
  expected_calibration_error: 'performance.ece',
  ece: 'performance.ece',
};

/** The key a rule and its alerts share in the legacy system: alerts carry the rule's metric, severity and component. */
export const ruleAlertKey = (metric: string, severity: Severity, component: string): string => `${metric}\u0000${severity}\u0000${component}`;

/** AlertRule (rule_id, metric_name, metric_type, threshold, comparison, severity, component, enabled, cooldown_minutes, channels, conditions) → a driftwatch rule. */
export function ruleFrom(r: Obj, modelId: string, now: number): { rule: AlertRule; legacyMetric: string; component: string; lastTriggered: number | null; notes: string[] } | Problem {
  const rawId = typeof r.rule_id === 'string' || typeof r.rule_id === 'number' ? String(r.rule_id) : '';
  if (!rawId) return { problem: 'rule_id is missing' };
  const legacyMetric = text(r.metric_name, '');
  if (!legacyMetric) return { problem: 'metric_name is missing' };
  const comparison = typeof r.comparison === 'string' ? COMPARISON[r.comparison.toLowerCase()] : undefined;
  if (!comparison) return { problem: `comparison ${JSON.stringify(r.comparison ?? null)} is not one of < <= > >= == !=` };
  const threshold = num(r.threshold);
  if (threshold === null) return { problem: 'threshold must be a number' };
  const severity = legacySeverity(r.severity);
  if (!severity) return { problem: 'severity must be info, warning or critical' };
  const cooldownMinutes = r.cooldown_minutes === undefined || r.cooldown_minutes === null ? 0 : num(r.cooldown_minutes);
  if (cooldownMinutes === null || cooldownMinutes < 0) return { problem: 'cooldown_minutes must be a number of minutes' };
  const last = r.last_triggered ?? r.last_triggered_at;
  const lastTriggered = last === undefined || last === null ? null : legacyTime(last);
  if (Number.isNaN(lastTriggered)) return { problem: 'last_triggered is not a date-time' };
  const notes: string[] = [];
  const metric = METRIC_NAMES[legacyMetric.toLowerCase()] ?? legacyMetric.replace(/[\u0000-\u001f\u007f]/g, '');
  if (!METRIC_NAMES[legacyMetric.toLowerCase()]) notes.push(`metric "${legacyMetric}" has no driftwatch finding: kept as is (edit the rule's metric to use it)`);
  const conditions = isObj(r.conditions) && Object.keys(r.conditions).length ? r.conditions : null;
  if (conditions) notes.push(`conditions ${JSON.stringify(conditions)} are kept in the description (driftwatch rules have none)`);
  const channels = Array.isArray(r.channels) ? r.channels.map((c) => String(c).toLowerCase().replace(/^alertchannel\./, '')).filter((c) => /^[a-z0-9][a-z0-9_.-]{0,63}$/.test(c)) : [];
  const component = text(r.component, 'model');
  const description = [`Imported from alert_rules.json (rule ${rawId}, metric ${legacyMetric}${typeof r.metric_type === 'string' ? `, type ${r.metric_type}` : ''}, component ${component}).`, conditions ? `Legacy conditions: ${JSON.stringify(conditions)}.` : ''].filter(Boolean).join(' ');
  return {
    rule: {
      rule_id: `legacy-${rawId.replace(/[^A-Za-z0-9._:-]/g, '_')}`.slice(0, 128),
      name: `${legacyMetric} ${comparison} ${threshold} (imported)`,
      description,
      metric,
      comparison,
      threshold,
      severity_at_least: null,
      severity,
      models: [modelId],
      for_count: 1,
      cooldown_ms: Math.round(cooldownMinutes * 60_000),
      channels,
      enabled: r.enabled !== false,
      builtin: false,
      created_at: now,
      updated_at: now,
    },
    legacyMetric,
    component,
    lastTriggered,
    notes,
  };
}

/** The persisted cooldown of an imported rule: it last fired at `lastFired` (cooldown counts from there). */
export const cooldownState = (rule: AlertRule, modelId: string, lastFired: number): RuleState => ({
  rule_id: rule.rule_id,
  model_id: modelId,
  metric: rule.metric,
  consecutive: 0,
  firing: false,
  last_value: null,
  last_evaluated_at: lastFired,
  last_fired_at: lastFired,
});
