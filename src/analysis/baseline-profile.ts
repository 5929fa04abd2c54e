import type { Model } from '../domain/model-schema.js';
import { ulid } from '../domain/ids.js';
import { AppError } from '../errors/catalog.js';
import { buildProfile, type ProfileSummary } from '../profile/profile.js';
import { contentHash, decodeSamples, encodeSamples } from '../profile/samples.js';
import type { BaselineRow } from '../store/monitoring-store.js';
import { type FairnessResult, fairnessOf } from './fairness-drift.js';
import { type PerformanceMetrics, windowPerformance } from './performance.js';
import { type PredictionStats, predictionStats } from './prediction-drift.js';
import type { Thresholds } from './thresholds.js';
import type { WindowData } from './window.js';

/** What a baseline freezes, as JSON (the samples live in the data blob). */
export interface BaselineSummary extends ProfileSummary {
  prediction_stats: PredictionStats;
  fairness: Record<string, FairnessResult>;
  performance: PerformanceMetrics | null;
}

/** A baseline read back and verified: summary plus decoded samples. */
export interface LoadedBaseline {
  row: BaselineRow;
  summary: BaselineSummary;
  samples: Map<string, Float64Array>;
}

export function snapshotId(now: number): string {
  return `SNAP-${new Date(now).toISOString().slice(0, 10)}-${ulid(now).slice(-8)}`;
}

/** Profile a sample and freeze it as a baseline row (not yet stored). */
export function buildBaseline(
  model: Model,
  w: WindowData,
  options: { now: number; createdBy: string | null; source: BaselineRow['source']; modelVersion: string | null; metadata: Record<string, unknown>; activate: boolean; thresholds: Thresholds },
): BaselineRow & { data: Uint8Array } {
  if (w.rows === 0) throw new AppError('validation_failed', 'a baseline needs at least one prediction', { problems: [{ field: 'validation_data', problem: 'is empty' }] });
  const profile = buildProfile(model.schema, w);
  const summary: BaselineSummary = {
    ...profile.summary,
    prediction_stats: predictionStats(model.schema, w),
    fairness: fairnessOf(model.schema, w, options.thresholds),
    performance: (() => {
      const p = windowPerformance(model.schema, w);
      if (!p) return null;
      const { calibration: _c, ...rest } = p;
      return rest;
    })(),
  };
  const data = encodeSamples(profile.samples);
  const summaryJson = JSON.stringify(summary);
  return {
    snapshot_id: snapshotId(options.now),
    model_id: model.model_id,
    model_version: options.modelVersion,
    schema_version: model.schema_version,
    is_active: options.activate,
    created_at: options.now,
    created_by: options.createdBy,
    archived_at: null,
    source: options.source,
    sample_count: w.rows,
    content_hash: contentHash(summaryJson, data),
    metadata: options.metadata,
    summary,
    data,
  };
}

/** Decode and verify a stored baseline (its content hash must match). */
export function loadBaseline(row: BaselineRow): LoadedBaseline {
  if (!row.data) throw new Error('baseline read without its data');
  const summaryJson = JSON.stringify(row.summary);
  if (contentHash(summaryJson, row.data) !== row.content_hash) {
    throw new AppError('conflict', `baseline ${row.snapshot_id} failed its integrity check (content hash mismatch)`);
  }
  return { row, summary: row.summary as BaselineSummary, samples: decodeSamples(row.data) };
}
