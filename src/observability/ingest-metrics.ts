import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { CommitObserver } from '../ingest/group-commit.js';
import type { AcceptedBatch, IngestObserver } from '../ingest/ingest-service.js';
import { COL } from '../store/blocks/columns.js';
import { BoundedLabel, oneOf } from './bounded-label.js';

/** Confidence buckets of `driftwatch_predictions_by_label_total` (lower edges; `none` when absent). */
export const CONFIDENCE_BUCKETS = ['0.0-0.5', '0.5-0.6', '0.6-0.7', '0.7-0.8', '0.8-0.9', '0.9-1.0', 'none'] as const;

/** Distinct `version` label values kept per model; later versions are counted as `other`. */
export const MAX_VERSIONS_PER_MODEL = 20;

/** Top-level fields a rejected row is blamed on (ingest's problem fields); anything else is `other`. */
const REJECT_REASONS = new Set(['body', 'model_id', 'prediction_id', 'timestamp', 'features', 'prediction', 'explanation', 'model_version', 'metadata', 'actual']);

function bucketOf(c: number): number {
  if (!(c >= 0)) return 6; // NaN: no confidence (regression, or not given)
  if (c >= 0.9) return 5;
  if (c >= 0.8) return 4;
  if (c >= 0.7) return 3;
  if (c >= 0.6) return 2;
  if (c >= 0.5) return 1;
  return 0;
}

/** Counts of (label code, confidence bucket) over the stored rows of a batch: one pass over typed arrays. */
export function labelConfidenceCounts(batch: AcceptedBatch): { label: string; bucket: string; n: number }[] {
  const label = batch.columns.columns.get(COL.label);
  if (!label || label.kind !== 'dict') return [];
  const conf = batch.columns.columns.get(COL.confidence);
  const confidence = conf && conf.kind === 'f64' ? conf.values : undefined;
  const nb = CONFIDENCE_BUCKETS.length;
  const counts = new Float64Array(label.dict.length * nb);
  const codes = label.codes;
  let skip: Uint8Array | undefined;
  if (batch.duplicateRows.length) {
    skip = new Uint8Array(codes.length);
    for (const r of batch.duplicateRows) skip[r] = 1;
  }
  for (let r = 0; r < codes.length; r++) {
    const code = codes[r];
    if (code < 0 || (skip && skip[r])) continue;
    counts[code * nb + (confidence ? bucketOf(confidence[r]) : 6)]++;
  }
  const out: { label: string; bucket: string; n: number }[] = [];
  for (let i = 0; i < counts.length; i++) if (counts[i] > 0) out.push({ label: label.dict[Math.floor(i / nb)], bucket: CONFIDENCE_BUCKETS[i % nb], n: counts[i] });
  return out;
}

/** Ingestion metrics: an observer for the ingest service and one for the group-commit writer. */
export interface IngestMetrics {
  readonly observer: IngestObserver;
  readonly commit: CommitObserver;
}

export function ingestMetrics(registry: Registry, clock: () => number): IngestMetrics {
  const registers = [registry];
  const predictions = new Counter({
    name: 'driftwatch_predictions_ingested_total',
    help: `Predictions stored (duplicates not counted), by model and model version (at most ${MAX_VERSIONS_PER_MODEL} versions per model, then "other"; "none" when not given).`,
    labelNames: ['model', 'version'] as const,
    registers,
  });
  const byLabel = new Counter({
    name: 'driftwatch_predictions_by_label_total',
    help: 'Classification predictions stored, by model, predicted label and confidence bucket.',
    labelNames: ['model', 'label', 'confidence_bucket'] as const,
    registers,
  });
  const lastIngested = new Gauge({
    name: 'driftwatch_predictions_last_ingested_timestamp_seconds',
    help: 'When predictions of a model were last stored (Unix time).',
    labelNames: ['model'] as const,
    registers,
  });
  const outcomes = new Counter({ name: 'driftwatch_outcomes_ingested_total', help: 'Outcomes (ground truth) stored, by model.', labelNames: ['model'] as const, registers });
  const rejected = new Counter({
    name: 'driftwatch_ingest_rejected_rows_total',
    help: 'Rows rejected by validation, by kind (prediction, outcome) and the field of the first problem.',
    labelNames: ['kind', 'reason'] as const,
    registers,
  });
  const commitRows = new Histogram({
    name: 'driftwatch_ingest_commit_rows',
    help: 'Predictions per group commit (one transaction; concurrent requests share it).',
    buckets: [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000],
    registers,
  });
  const commitDuration = new Histogram({
    name: 'driftwatch_ingest_commit_duration_seconds',
    help: 'Time of one group commit of predictions.',
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  const commits = new Counter({ name: 'driftwatch_ingest_commits_total', help: 'Group commits, by result (ok, error).', labelNames: ['result'] as const, registers });
  for (const kind of ['prediction', 'outcome']) rejected.inc({ kind, reason: 'body' }, 0);
  for (const result of ['ok', 'error']) commits.inc({ result }, 0);
  const versions = new BoundedLabel(MAX_VERSIONS_PER_MODEL);

  return {
    observer: {
      accepted(model, rows, perVersion, batch) {
        const m = model.model_id;
        let counted = 0;
        for (const [v, n] of perVersion) {
          predictions.inc({ model: m, version: versions.value(m, v === '' ? 'none' : v) }, n);
          counted += n;
        }
        if (counted < rows) predictions.inc({ model: m, version: 'none' }, rows - counted);
        lastIngested.set({ model: m }, clock() / 1000);
        for (const c of labelConfidenceCounts(batch)) byLabel.inc({ model: m, label: c.label, confidence_bucket: c.bucket }, c.n);
      },
      rejected(reason, rows, kind = 'prediction') {
        rejected.inc({ kind, reason: oneOf(REJECT_REASONS, reason) }, rows);
      },
      outcomes(modelId, rows) {
        outcomes.inc({ model: modelId }, rows);
      },
    },
    commit({ rows, seconds, ok }) {
      commitRows.observe(rows);
      commitDuration.observe(seconds);
      commits.inc({ result: ok ? 'ok' : 'error' });
    },
  };
}
