import type { Generated } from 'kysely';

/** Table shapes as Kysely sees them (JSON lives in text columns, times are epoch ms). */
export interface DB {
  models: {
    model_id: string;
    name: string;
    description: string;
    schema_version: number;
    settings: string;
    created_at: number;
    updated_at: number;
  };
  model_schemas: { model_id: string; version: number; schema: string; created_at: number };
  prediction_blocks: {
    id: Generated<number>;
    model_id: string;
    schema_version: number;
    day: number;
    min_ts: number;
    max_ts: number;
    row_count: number;
    created_at: number;
    data: Uint8Array;
    /** 1 while the block's keys are not yet in prediction_keys (SQLite; see sqlite/key-ledger.ts) */
    keys_pending: Generated<number>;
  };
  prediction_keys: {
    model_id: string;
    prediction_id: string;
    ts: number;
    pred_label: string | null;
    pred_score: number | null;
    pred_value: number | null;
  };
  outcomes: {
    model_id: string;
    prediction_id: string;
    label: string | null;
    value: number | null;
    ts: number;
    received_at: number;
    prediction_ts: number | null;
    pred_label: string | null;
    pred_score: number | null;
    pred_value: number | null;
  };
  /** per model, hour of prediction time and (predicted, actual) key: outcome counts and sums (migration 0005) */
  outcome_rollups: {
    model_id: string;
    hour: number;
    pred_key: string;
    label_key: string;
    n_label: number;
    n_value: number;
    sum_abs_error: number;
    sum_sq_error: number;
    sum_y: number;
    sum_y2: number;
    sum_abs_pct_error: number;
  };
  api_keys: {
    id: string;
    name: string;
    scopes: string;
    hash: string;
    created_at: number;
    revoked_at: number | null;
    last_used_at: number | null;
  };
  job_runs: {
    id: string;
    job: string;
    model_id: string | null;
    status: string;
    started_at: number;
    finished_at: number | null;
    details: string;
    error: string | null;
  };
  baselines: {
    snapshot_id: string;
    model_id: string;
    model_version: string | null;
    schema_version: number;
    is_active: number;
    created_at: number;
    created_by: string | null;
    archived_at: number | null;
    source: string;
    sample_count: number;
    content_hash: string;
    metadata: string;
    summary: string;
    data: Uint8Array;
  };
  monitoring_records: {
    record_id: string;
    model_id: string;
    status: string;
    timestamp: number;
    period_start: number;
    period_end: number;
    sample_count: number;
    baseline_id: string | null;
    aggregated_score: number | null;
    max_severity: string | null;
    duration_ms: number;
    trigger: string;
    body: string;
    error: string | null;
  };
  alert_rules: {
    rule_id: string;
    name: string;
    description: string;
    metric: string;
    comparison: string | null;
    threshold: number | null;
    severity_at_least: string | null;
    severity: string;
    models: string;
    for_count: number;
    cooldown_ms: number;
    channels: string;
    enabled: number;
    builtin: number;
    created_at: number;
    updated_at: number;
  };
  alert_rule_state: {
    rule_id: string;
    model_id: string;
    metric: string;
    consecutive: number;
    firing: number;
    last_value: number | null;
    last_evaluated_at: number;
    last_fired_at: number | null;
  };
  incidents: {
    incident_id: string;
    model_id: string | null;
    component: string;
    condition_key: string;
    title: string;
    severity: string;
    status: string;
    created_at: number;
    updated_at: number;
    acknowledged_at: number | null;
    resolved_at: number | null;
    monitoring_record_id: string | null;
    period_start: number | null;
    period_end: number | null;
    clear_count: number;
    exported_at: number | null;
    body: string;
  };
  alerts: {
    alert_id: string;
    incident_id: string | null;
    model_id: string | null;
    rule_id: string | null;
    metric_name: string;
    metric_value: number | null;
    threshold: number | null;
    severity: string;
    status: string;
    source: string;
    fingerprint: string | null;
    component: string;
    title: string;
    message: string;
    created_at: number;
    acknowledged: number;
    acknowledged_by: string | null;
    acknowledged_at: number | null;
    acknowledgment_notes: string | null;
    resolved_at: number | null;
    body: string;
  };
  silences: {
    silence_id: string;
    matchers: string;
    starts_at: number;
    ends_at: number;
    created_by: string;
    comment: string;
    created_at: number;
  };
  deliveries: {
    delivery_id: string;
    alert_id: string | null;
    incident_id: string | null;
    channel: string;
    kind: string;
    sequence: number;
    idempotency_key: string;
    payload: string;
    status: string;
    attempts: number;
    next_attempt_at: number;
    last_error: string | null;
    lease_owner: string | null;
    lease_until: number | null;
    created_at: number;
    sent_at: number | null;
  };
  alert_decisions: {
    id: string;
    at: number;
    model_id: string | null;
    rule_id: string | null;
    metric: string;
    severity: string;
    decision: string;
    reason: string;
    alert_id: string | null;
  };
  audit_log: {
    id: string;
    at: number;
    actor: string;
    action: string;
    target_type: string;
    target_id: string | null;
    details: string;
    request_id: string | null;
  };
  /** registered versions of models (migration 0006) */
  model_versions: {
    model_id: string;
    version: string;
    stage: string;
    artifact_uri: string | null;
    metrics: string;
    tags: string;
    description: string;
    validation: string | null;
    sign_off: string | null;
    created_by: string | null;
    created_at: number;
    updated_at: number;
    stage_changed_at: number;
  };
  model_version_events: {
    event_id: string;
    model_id: string;
    version: string;
    kind: string;
    at: number;
    from_stage: string | null;
    to_stage: string | null;
    actor: string;
    details: string;
  };
  model_lifecycle: { model_id: string; config: string; updated_at: number };
  retrain_triggers: {
    trigger_id: string;
    model_id: string;
    kind: string;
    fired_at: number;
    dedup_key: string;
    reason: string;
    record_id: string | null;
    model_version: string | null;
    actor: string;
    details: string;
  };
  evidence_bundles: {
    bundle_id: string;
    incident_id: string;
    created_at: number;
    created_by: string;
    path: string;
    bytes: number;
    sha256: string;
    summary: string;
  };
  /** metrics.jsonl and health_snapshots.jsonl of the file-based tracker (migration 0006) */
  history_snapshots: {
    snapshot_id: string;
    model_id: string;
    kind: string;
    ts: number;
    model_version: string | null;
    name: string | null;
    value: number | null;
    body: string;
    source: string;
    imported_at: number;
  };
  /** one row per (scheduled job, cron tick): its lease across instances (scheduler/lease-tick-gate.ts) */
  job_ticks: {
    job: string;
    tick_at: number;
    owner: string;
    lease_until: number;
    status: string;
    attempts: number;
    claimed_at: number;
    finished_at: number | null;
    outcome: string | null;
  };
}
