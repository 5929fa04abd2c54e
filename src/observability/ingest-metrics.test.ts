import { describe, expect, it } from 'vitest';
import type { Model } from '../domain/model-schema.js';
import type { ColumnSet } from '../store/blocks/columns.js';
import { parseExposition, samplesOf, valueOf } from './exposition.js';
import { FastRegistry } from './fast-metrics.js';
import { MAX_VERSIONS_PER_MODEL, ingestMetrics, labelConfidenceCounts } from './ingest-metrics.js';

const model = (id: string) => ({ model_id: id }) as unknown as Model;

function batch(labels: (string | null)[], confidence: number[]): ColumnSet {
  const dict = [...new Set(labels.filter((l): l is string => l !== null))];
  return {
    rows: labels.length,
    columns: new Map([
      ['label', { kind: 'dict' as const, dict, codes: Int32Array.from(labels, (l) => (l === null ? -1 : dict.indexOf(l))) }],
      ['confidence', { kind: 'f64' as const, values: Float64Array.from(confidence) }],
    ]),
  };
}

describe('labelConfidenceCounts', () => {
  it('counts stored rows by label and confidence bucket, edges going up, duplicates and missing labels left out', () => {
    const columns = batch(['yes', 'yes', 'no', 'yes', 'no', null, 'no', 'yes'], [0.95, 0.9, 0.6, 0.3, NaN, 0.99, 0.6, 1]);
    const counts = labelConfidenceCounts({ columns, duplicateRows: [1] });
    expect(counts.sort((a, b) => `${a.label}${a.bucket}`.localeCompare(`${b.label}${b.bucket}`))).toEqual([
      { label: 'no', bucket: '0.6-0.7', n: 2 },
      { label: 'no', bucket: 'none', n: 1 },
      { label: 'yes', bucket: '0.0-0.5', n: 1 },
      { label: 'yes', bucket: '0.9-1.0', n: 2 },
    ]);
  });

  it('has nothing to count for regression batches', () => {
    const columns: ColumnSet = { rows: 2, columns: new Map([['value', { kind: 'f64' as const, values: Float64Array.from([1, 2]) }]]) };
    expect(labelConfidenceCounts({ columns, duplicateRows: [] })).toEqual([]);
  });
});

describe('ingestMetrics', () => {
  it('counts predictions by model and version (bounded), outcomes, rejections by bounded reason, and group commits', async () => {
    const registry = new FastRegistry();
    const m = ingestMetrics(registry, () => 1_700_000_000_000);
    const columns = batch(['yes', 'no', 'no'], [0.8, 0.7, 0.75]);
    m.observer.accepted!(model('churn'), 3, new Map([['1.0', 2], ['', 1]]), { columns, duplicateRows: [] });
    for (let v = 0; v < MAX_VERSIONS_PER_MODEL + 5; v++) m.observer.accepted!(model('churn'), 1, new Map([[`v${v}`, 1]]), { columns: batch(['yes'], [0.8]), duplicateRows: [] });
    m.observer.accepted!(model('fraud'), 4, new Map(), { columns: batch(['a', 'a', 'a', 'a'], [0.1, 0.2, 0.3, 0.4]), duplicateRows: [] });
    m.observer.outcomes!('churn', 7);
    m.observer.rejected!('features', 3);
    m.observer.rejected!('a user-chosen field name', 2);
    m.observer.rejected!('actual', 1, 'outcome');
    m.commit({ requests: 2, rows: 250, seconds: 0.004, ok: true });
    m.commit({ requests: 1, rows: 10, seconds: 0.2, ok: false });
    const s = parseExposition(registry.render());
    expect(valueOf(s, 'driftwatch_predictions_ingested_total', { model: 'churn', version: '1.0' })).toBe(2);
    expect(valueOf(s, 'driftwatch_predictions_ingested_total', { model: 'churn', version: 'none' })).toBe(1);
    expect(valueOf(s, 'driftwatch_predictions_ingested_total', { model: 'churn', version: 'other' })).toBe(7); // 20 kept (1.0, none, v0..v17); v18..v24 are other
    expect(samplesOf(s, 'driftwatch_predictions_ingested_total', { model: 'churn' })).toHaveLength(MAX_VERSIONS_PER_MODEL + 1);
    expect(valueOf(s, 'driftwatch_predictions_ingested_total', { model: 'fraud', version: 'none' })).toBe(4);
    expect(valueOf(s, 'driftwatch_predictions_by_label_total', { model: 'churn', label: 'no', confidence_bucket: '0.7-0.8' })).toBe(2);
    expect(valueOf(s, 'driftwatch_predictions_by_label_total', { model: 'churn', label: 'yes', confidence_bucket: '0.8-0.9' })).toBe(1 + MAX_VERSIONS_PER_MODEL + 5);
    expect(valueOf(s, 'driftwatch_predictions_by_label_total', { model: 'fraud', label: 'a', confidence_bucket: '0.0-0.5' })).toBe(4);
    expect(valueOf(s, 'driftwatch_predictions_last_ingested_timestamp_seconds', { model: 'fraud' })).toBe(1_700_000_000);
    expect(valueOf(s, 'driftwatch_outcomes_ingested_total', { model: 'churn' })).toBe(7);
    expect(valueOf(s, 'driftwatch_ingest_rejected_rows_total', { kind: 'prediction', reason: 'features' })).toBe(3);
    expect(valueOf(s, 'driftwatch_ingest_rejected_rows_total', { kind: 'prediction', reason: 'other' })).toBe(2);
    expect(valueOf(s, 'driftwatch_ingest_rejected_rows_total', { kind: 'outcome', reason: 'actual' })).toBe(1);
    expect(valueOf(s, 'driftwatch_ingest_commits_total', { result: 'ok' })).toBe(1);
    expect(valueOf(s, 'driftwatch_ingest_commits_total', { result: 'error' })).toBe(1);
    expect(valueOf(s, 'driftwatch_ingest_commit_rows_bucket', { le: '100' })).toBe(1);
    expect(valueOf(s, 'driftwatch_ingest_commit_rows_bucket', { le: '1000' })).toBe(2);
    expect(valueOf(s, 'driftwatch_ingest_commit_duration_seconds_bucket', { le: '0.005' })).toBe(1);
    expect(valueOf(s, 'driftwatch_ingest_commit_duration_seconds_count')).toBe(2);
  });
});
