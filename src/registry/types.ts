/**
 * The model registry's domain: versions of a model, their stages, the promotion gates that
 * judge a version before it reaches production, and retraining triggers. driftwatch records
 * and recommends; it neither stores artifacts nor trains.
 */

/** development → staging → production → archived (see stage-rules.ts for the moves allowed). */
export type Stage = 'development' | 'staging' | 'production' | 'archived';
export const STAGES: readonly Stage[] = ['development', 'staging', 'production', 'archived'];

/** Who signed a version off for production, and when. */
export interface SignOff {
  by: string;
  at: number;
  notes: string | null;
}

/**
 * What a version's validation data showed when it was registered (or deployed) with one:
 * the figures the gates read when the version has no logged traffic of its own.
 */
export interface ValidationEvidence {
  rows: number;
  /** p95 of metadata.latency_ms over the rows that carry it (null when none does) */
  latency_p95_ms: number | null;
  latency_samples: number;
  /** disparate impact per protected attribute (classification models with a positive label) */
  disparate_impact: Record<string, number | null>;
  /** performance metrics of the rows that carried `actual` */
  metrics: Record<string, number>;
}

/** One registered version of a model. */
export interface ModelVersion {
  model_id: string;
  version: string;
  stage: Stage;
  /** where the artifact lives (s3://…, models:/…); driftwatch never reads it */
  artifact_uri: string | null;
  /** offline metrics as the trainer reported them (rmse, f1, disparate_impact…) */
  metrics: Record<string, number>;
  tags: string[];
  description: string;
  validation: ValidationEvidence | null;
  sign_off: SignOff | null;
  created_by: string | null;
  created_at: number;
  updated_at: number;
  /** when it last changed stage */
  stage_changed_at: number;
}

/** What happened to a version: the registry's history (and part of the model's timeline). */
export type VersionEventKind = 'registered' | 'stage_changed' | 'deployed' | 'signed_off' | 'promotion_refused' | 'rolled_back';

export interface VersionEvent {
  event_id: string;
  model_id: string;
  version: string;
  kind: VersionEventKind;
  at: number;
  from_stage: Stage | null;
  to_stage: Stage | null;
  actor: string;
  details: Record<string, unknown>;
}

/** The verdict of one promotion gate, with the values it was judged by. */
export interface GateResult {
  gate: 'primary_metric' | 'disparate_impact' | 'latency_p95' | 'sign_off';
  passed: boolean;
  /** false when the gate is switched off for the model (then it always passes) */
  enabled: boolean;
  /** the candidate's value (a number, a map per attribute, or who signed off) */
  value: unknown;
  /** what it had to meet */
  threshold: unknown;
  /** where the value came from (registered metrics, logged predictions, validation data) */
  source: string | null;
  message: string;
}

/** Every gate's verdict for one candidate. */
export interface GateReport {
  model_id: string;
  version: string;
  /** the production version it was compared with */
  baseline_version: string | null;
  passed: boolean;
  gates: GateResult[];
  evaluated_at: number;
}

export type TriggerKind = 'schedule' | 'data_drift' | 'performance_drop' | 'manual';
export const TRIGGER_KINDS: readonly TriggerKind[] = ['schedule', 'data_drift', 'performance_drop', 'manual'];

/** A retraining recommendation that fired. */
export interface RetrainTrigger {
  trigger_id: string;
  model_id: string;
  kind: TriggerKind;
  fired_at: number;
  /** makes firing exactly once: `schedule:<tick>`, `<kind>:<record id>`, or the id of a manual one */
  dedup_key: string;
  reason: string;
  /** the record that showed the drift or drop */
  record_id: string | null;
  /** the production version at the time */
  model_version: string | null;
  actor: string;
  details: Record<string, unknown>;
}
