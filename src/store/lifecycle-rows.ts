import type { ModelVersion, RetrainTrigger, SignOff, Stage, TriggerKind, ValidationEvidence, VersionEvent, VersionEventKind } from '../registry/types.js';
import type { DB } from './db-types.js';

/** Conversions between the lifecycle tables' rows and the registry's domain objects (JSON in text columns). */

const json = <T>(text: string | null, fallback: T): T => {
  if (text === null) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
};

export function toVersion(r: DB['model_versions']): ModelVersion {
  return {
    model_id: r.model_id,
    version: r.version,
    stage: r.stage as Stage,
    artifact_uri: r.artifact_uri,
    metrics: json<Record<string, number>>(r.metrics, {}),
    tags: json<string[]>(r.tags, []),
    description: r.description,
    validation: json<ValidationEvidence | null>(r.validation, null),
    sign_off: json<SignOff | null>(r.sign_off, null),
    created_by: r.created_by,
    created_at: Number(r.created_at),
    updated_at: Number(r.updated_at),
    stage_changed_at: Number(r.stage_changed_at),
  };
}

export const fromVersion = (v: ModelVersion): DB['model_versions'] => ({
  ...v,
  metrics: JSON.stringify(v.metrics),
  tags: JSON.stringify(v.tags),
  validation: v.validation === null ? null : JSON.stringify(v.validation),
  sign_off: v.sign_off === null ? null : JSON.stringify(v.sign_off),
});

export const toVersionEvent = (r: DB['model_version_events']): VersionEvent => ({
  event_id: r.event_id,
  model_id: r.model_id,
  version: r.version,
  kind: r.kind as VersionEventKind,
  at: Number(r.at),
  from_stage: r.from_stage as Stage | null,
  to_stage: r.to_stage as Stage | null,
  actor: r.actor,
  details: json<Record<string, unknown>>(r.details, {}),
});

export const fromVersionEvent = (e: VersionEvent): DB['model_version_events'] => ({ ...e, details: JSON.stringify(e.details) });

export const toTrigger = (r: DB['retrain_triggers']): RetrainTrigger => ({
  trigger_id: r.trigger_id,
  model_id: r.model_id,
  kind: r.kind as TriggerKind,
  fired_at: Number(r.fired_at),
  dedup_key: r.dedup_key,
  reason: r.reason,
  record_id: r.record_id,
  model_version: r.model_version,
  actor: r.actor,
  details: json<Record<string, unknown>>(r.details, {}),
});

export const fromTrigger = (t: RetrainTrigger): DB['retrain_triggers'] => ({ ...t, details: JSON.stringify(t.details) });

/** An evidence bundle as recorded when it was built. */
export interface EvidenceBundleRow {
  bundle_id: string;
  incident_id: string;
  created_at: number;
  created_by: string;
  /** file path of the .tar.gz */
  path: string;
  bytes: number;
  /** SHA-256 (hex) of the whole .tar.gz */
  sha256: string;
  /** the files of the bundle with their sizes and row counts */
  summary: Record<string, unknown>;
}

export const toBundle = (r: DB['evidence_bundles']): EvidenceBundleRow => ({
  ...r,
  created_at: Number(r.created_at),
  bytes: Number(r.bytes),
  summary: json<Record<string, unknown>>(r.summary, {}),
});

/** A metric or health snapshot of the file-based tracker, kept as imported. */
export interface HistorySnapshot {
  snapshot_id: string;
  model_id: string;
  kind: 'metric' | 'health';
  ts: number;
  model_version: string | null;
  /** metric_name (metric snapshots) */
  name: string | null;
  /** the metric's value (metric snapshots) */
  value: number | null;
  /** every field of the line (timestamps as they were written) */
  body: Record<string, unknown>;
  /** file and line it came from, e.g. `metrics.jsonl:12` */
  source: string;
  imported_at: number;
}

export const toSnapshot = (r: DB['history_snapshots']): HistorySnapshot => ({
  ...r,
  kind: r.kind as HistorySnapshot['kind'],
  ts: Number(r.ts),
  value: r.value === null ? null : Number(r.value),
  body: json<Record<string, unknown>>(r.body, {}),
  imported_at: Number(r.imported_at),
});

export const fromSnapshot = (s: HistorySnapshot): DB['history_snapshots'] => ({ ...s, body: JSON.stringify(s.body) });
