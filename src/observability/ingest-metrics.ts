import type { CommitObserver } from '../ingest/group-commit.js';
import type { AcceptedBatch, IngestObserver } from '../ingest/ingest-service.js';
import { COL } from '../store/blocks/columns.js';
import { BoundedLabel, oneOf } from './bounded-label.js';
import type { FastRegistry } from './fast-metrics.js';

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

/** Series by key, created on first use (keys are bounded: see the labels). */
function cached<S>(make: (key: string) => S): (key: string) => S {
  const map = new Map<string, S>();
  return (key) => {
    let s = map.get(key);
    if (s === undefined) map.set(key, (s = make(key)));
    return s;
  };
}

export function ingestMetrics(fast: FastRegistry, clock: () => number): IngestMetrics {
  const predictions = fast.counter(
    'driftwatch_predictions_ingested_total',
    `Predictions stored (duplicates not counted), by model and model version (at most ${MAX_VERSIONS_PER_MODEL} versions per model, then "other"; "none" when not given).`,
    ['model', 'version'],
  );
  const byLabel = fast.counter('driftwatch_predictions_by_label_total', 'Classification predictions stored, by model, predicted label and confidence bucket.', ['model', 'label', 'confidence_bucket']);
  const lastIngested = fast.gauge('driftwatch_predictions_last_ingested_timestamp_seconds', 'When predictions of a model were last stored (Unix time).', ['model']);
  const outcomes = fast.counter('driftwatch_outcomes_ingested_total', 'Outcomes (ground truth) stored, by model.', ['model']);
  const rejected = fast.counter('driftwatch_ingest_rejected_rows_total', 'Rows rejected by validation, by kind (prediction, outcome) and the field of the first problem.', ['kind', 'reason']);
  const rowsHist = fast.histogram('driftwatch_ingest_commit_rows', 'Predictions per group commit (one transaction; concurrent requests share it).', [], [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000]);
  const durationHist = fast.histogram('driftwatch_ingest_commit_duration_seconds', 'Time of one group commit of predictions.', [], [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]);
  const commitRows = rowsHist.child();
  const commitDuration = durationHist.child();
  const commits = fast.counter('driftwatch_ingest_commits_total', 'Group commits, by result (ok, error).', ['result']);
  const commitsOk = commits.child('ok');
  const commitsError = commits.child('error');
  for (const kind of ['prediction', 'outcome']) rejected.child(kind, 'body');
  const versions = new BoundedLabel(MAX_VERSIONS_PER_MODEL);
  const predictionSeries = cached((key) => predictions.child(...(key.split('\u0001') as [string, string])));
  const labelSeries = cached((key) => byLabel.child(...(key.split('\u0001') as [string, string, string])));
  const lastSeries = cached((model) => lastIngested.child(model));
  const outcomeSeries = cached((model) => outcomes.child(model));
  const rejectedSeries = cached((key) => rejected.child(...(key.split('\u0001') as [string, string])));

  return {
    observer: {
      accepted(model, rows, perVersion, batch) {
        const m = model.model_id;
        let counted = 0;
        for (const [v, n] of perVersion) {
          predictionSeries(`${m}\u0001${versions.value(m, v === '' ? 'none' : v)}`).value += n;
          counted += n;
        }
        if (counted < rows) predictionSeries(`${m}\u0001none`).value += rows - counted;
        lastSeries(m).value = clock() / 1000;
        for (const c of labelConfidenceCounts(batch)) labelSeries(`${m}\u0001${c.label}\u0001${c.bucket}`).value += c.n;
      },
      rejected(reason, rows, kind = 'prediction') {
        rejectedSeries(`${kind}\u0001${oneOf(REJECT_REASONS, reason)}`).value += rows;
      },
      outcomes(modelId, rows) {
        outcomeSeries(modelId).value += rows;
      },
    },
    commit: ({ rows, seconds, ok }) => {
      rowsHist.observe(commitRows, rows);
      durationHist.observe(commitDuration, seconds);
      (ok ? commitsOk : commitsError).value++;
    },
  };
}
