/**
 * What the driftwatch HTTP API answers, as far as the dashboard reads it (see /docs/json).
 * Times are UTC ISO-8601 strings.
 */

export type Severity = 'INFO' | 'WARNING' | 'CRITICAL';

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export interface SessionInfo {
  key_id: string;
  name: string;
  scopes: string[];
}

export interface FeatureSpec {
  name: string;
  type: 'numeric' | 'categorical' | 'boolean';
  protected: boolean;
  privileged_group?: string;
}

export interface ModelInfo {
  model_id: string;
  name: string;
  description: string;
  task: string;
  labels?: string[];
  features: FeatureSpec[];
  positive_label?: string;
  settings: { window_hours: number; schedule: string; min_samples: number; retention_days: number };
  created_at: string;
}

export interface RecordItem {
  record_id: string;
  model_id: string;
  status: 'completed' | 'skipped' | 'failed';
  timestamp: string;
  analysis_period: { start: string; end: string };
  trigger: string;
  baseline_id: string | null;
  sample_count: number;
  aggregated_score: number | null;
  max_severity: Severity | null;
  duration_ms: number;
  error: string | null;
}

export interface RecordList {
  records: RecordItem[];
  summary: { total_records: number; critical_count: number; warning_count: number; info_count: number; skipped_count: number; failed_count: number };
  next_cursor: string | null;
}

export interface DriftTest {
  test: string;
  statistic: number | null;
  p_value: number | null;
  value: number | null;
  threshold: number | null;
  direction: string;
  drift_detected: boolean;
}

export interface FeatureDrift {
  feature: string;
  type: 'numeric' | 'categorical' | 'boolean';
  default_test: string;
  tests: DriftTest[];
  psi: { value: number; severity: Severity };
  drift_detected: boolean;
  severity: Severity;
  quality: {
    missing_rate_reference: number;
    missing_rate_current: number;
    missing_rate_change: number;
    severity: Severity;
    out_of_range_share?: number;
    unseen_categories?: string[];
    unseen_share?: number;
  };
  histogram: { edges: number[]; reference: number[]; current: number[] } | { categories: string[]; reference: number[]; current: number[] };
}

export interface Finding {
  metric: string;
  category: string;
  value: number | null;
  threshold: number | null;
  severity: Severity;
  feature?: string;
  attribute?: string;
  affected_groups?: string[];
  message?: string;
}

export interface GroupStats {
  count: number;
  selection_rate: number | null;
  labelled?: number;
  true_positive_rate?: number | null;
  false_positive_rate?: number | null;
  judged?: boolean;
}

export interface FairnessResult {
  attribute: string;
  reference_group: string;
  groups: Record<string, GroupStats>;
  demographic_parity: { difference: number | null; ratio?: number | null; severity: Severity };
  disparate_impact: { value: number | null; severity: Severity };
  equal_opportunity?: { difference: number | null; severity: Severity } | null;
  equalized_odds?: { difference: number | null; severity: Severity } | null;
  affected_groups: string[];
  baseline?: FairnessResult;
}

export interface PerformanceMetrics {
  n: number;
  [metric: string]: number | boolean | null | undefined;
}

export interface CalibrationBin {
  lower: number;
  upper: number;
  count: number;
  confidence: number | null;
  accuracy: number | null;
}

export interface PerformanceResult {
  primary_metric: string;
  window: PerformanceMetrics & { judged: boolean };
  rolling: Record<'7d' | '30d' | '90d', PerformanceMetrics>;
  baseline: PerformanceMetrics | null;
  drop: { value: number | null; level: string; severity: Severity };
  rollback_recommended: boolean;
  calibration?: { bins: CalibrationBin[]; ece: number | null };
}

export interface PredictionDrift {
  prediction_shift: { value: number; severity: Severity; metric: string };
  label_shares?: { reference: Record<string, number>; current: Record<string, number> };
  confidence_shift?: { value: number; severity: Severity };
  entropy_change?: { value: number; severity: Severity; reference: number; current: number };
  proxy: Record<string, number | null>;
}

export interface FullRecord extends RecordItem {
  labelled_count?: number;
  skipped_reason?: string;
  metrics?: {
    data_drift: { features: Record<string, FeatureDrift>; dataset_drift_share: { value: number; severity: Severity; drifted_features: string[] } };
    model_drift: PredictionDrift;
    fairness_drift: Record<string, FairnessResult>;
    performance: PerformanceResult;
    explanation_drift: {
      features: Record<string, { divergence: number; severity: Severity }>;
      rank_correlation: { value: number; severity: Severity };
      importance: { reference: Record<string, number>; current: Record<string, number> };
    } | null;
  };
  findings?: Finding[];
  summary?: { critical_count: number; warning_count: number; info_count: number };
}

export interface ScorePoint {
  timestamp: string;
  aggregated_score: number | null;
  max_severity: Severity | null;
  status: string;
}

export interface ModelOverview {
  model_id: string;
  name: string;
  task: string;
  latest: RecordItem | null;
  stale: boolean;
  score_series: ScorePoint[];
  predictions_per_day: { day: string; count: number }[];
  open_incidents: number;
  counts: { critical: number; warning: number; info: number; failed: number; skipped: number };
}

export interface OverviewPage {
  generated_at: string;
  stale_after_hours: number;
  models: ModelOverview[];
  next_cursor: string | null;
}

export interface Band {
  warning: number;
  critical: number;
  worse: 'higher' | 'lower';
}

export interface TrendSeries {
  key: string;
  kind: 'finding' | 'metric';
  band: Band | null;
  points: { timestamp: string; record_id: string; value: number | null; threshold?: number | null; severity?: Severity }[];
}

export interface Trend {
  model_id: string;
  from: string;
  to: string | null;
  records: number;
  truncated: boolean;
  series: TrendSeries[];
}

export interface PredictionCounts {
  model_id: string;
  total: number;
  days: { day: string; count: number }[];
}

export interface Baseline {
  snapshot_id: string;
  model_id: string;
  model_version: string | null;
  is_active: boolean;
  created_at: string;
  created_by: string | null;
  archived_at: string | null;
  source: string;
  sample_count: number;
  labelled_count: number | null;
  metadata: Record<string, unknown>;
}

export interface JobRun {
  id: string;
  job: string;
  model_id: string | null;
  status: 'running' | 'succeeded' | 'failed' | 'skipped';
  started_at: string;
  finished_at: string | null;
  duration_ms: number | null;
  details: Record<string, unknown>;
  error: string | null;
}

export type IncidentStatus = 'open' | 'investigating' | 'resolved';

export interface ResponseAction {
  action: string;
  taken_by: string;
  taken_at: string;
  notes?: string;
  alert_id?: string;
  metric?: string;
  automatic?: boolean;
}

export interface TriggeredMetric {
  metric_name: string;
  value: number | null;
  threshold: number | null;
  severity: Severity;
  affected_groups: string[];
  first_seen: string;
  last_seen: string;
  cleared: boolean;
}

export interface Incident {
  incident_id: string;
  model_id: string | null;
  component: string;
  title: string;
  severity: Severity;
  status: IncidentStatus;
  created_at: string;
  updated_at: string;
  acknowledged_at: string | null;
  resolved_at: string | null;
  monitoring_record_id: string | null;
  metrics_triggered: TriggeredMetric[];
  alert_ids: string[];
  response_actions: ResponseAction[];
  resolved_by: string | null;
  resolution_notes: string | null;
  alerts?: Alert[];
}

export type AlertStatus = 'pending' | 'sent' | 'failed' | 'acknowledged' | 'resolved';

export interface Alert {
  alert_id: string;
  incident_id: string | null;
  model_id: string | null;
  rule_id: string | null;
  metric_name: string;
  metric_value: number | null;
  threshold: number | null;
  severity: Severity;
  status: AlertStatus;
  component: string;
  title: string;
  message: string;
  created_at: string;
  acknowledged: boolean;
  acknowledged_by: string | null;
  acknowledged_at: string | null;
  acknowledgment_notes: string | null;
  resolved_at: string | null;
  channels_notified: string[];
  affected_groups: string[];
  monitoring_record_id: string | null;
}

export interface AlertStatistics {
  total: number;
  by_severity: Record<string, number>;
  by_status: Record<string, number>;
  by_component: Record<string, number>;
  acknowledged: number;
  unacknowledged: number;
}

export interface SilenceMatcher {
  label: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
}

export interface Silence {
  silence_id: string;
  matchers: SilenceMatcher[];
  starts_at: string;
  ends_at: string;
  created_by: string;
  comment: string;
  created_at: string;
  state: 'pending' | 'active' | 'expired';
}

export interface Rule {
  rule_id: string;
  name: string;
  description: string;
  metric: string;
  comparison: string | null;
  threshold: number | null;
  severity_at_least: Severity | null;
  severity: Severity;
  models: string[];
  for: number;
  cooldown_ms: number;
  channels: string[];
  enabled: boolean;
  builtin: boolean;
  updated_at: string;
}
