import type { Model } from '../domain/model-schema.js';
import type { ErrorCode } from '../errors/catalog.js';
import type { PredictionBatch } from '../store/store.js';
import type { ChunkResult } from './ndjson-chunk.js';
import type { IngestOptions } from './prepare-rows.js';

/** Messages between the main thread and a parse worker. */
export type ToWorker =
  | { type: 'chunk'; task: number; bytes: Uint8Array; first: boolean; options: IngestOptions; now: number; models: [string, Model | null][] }
  | { type: 'models'; task: number; models: [string, Model | null][] };

/** A chunk result as it crosses threads: accepted models by id. */
export interface WireResult extends ChunkResult {
  accepted: { modelId: string; count: number }[];
}

export type ToMain =
  | { type: 'models'; task: number; ids: string[] }
  | { type: 'done'; task: number; result: WireResult }
  | { type: 'error'; task: number; error: { app: boolean; code: ErrorCode; message: string; details: unknown } };

/** The buffers of every typed array in the batches (moved, not copied, to the main thread). */
export function transferablesOf(batches: PredictionBatch[]): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  for (const b of batches) {
    for (const col of b.columns.columns.values()) {
      if (col.kind === 'f64') out.add(col.values.buffer as ArrayBuffer);
      else if (col.kind === 'dict') out.add(col.codes.buffer as ArrayBuffer);
    }
  }
  return [...out];
}
