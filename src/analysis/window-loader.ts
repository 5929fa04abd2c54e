import type { Model } from '../domain/model-schema.js';
import type { Store } from '../store/store.js';
import { analysisColumns, outcomeJoin, type WindowData, WindowBuilder } from './window.js';

/**
 * Where the time of a window load goes (milliseconds): the count, the outcomes query, the block
 * scan (reading and decoding blobs, time spent waiting on the store's iterator) and copying
 * blocks into the window (with the outcome join).
 */
export interface WindowLoadTiming {
  count: number;
  outcomes: number;
  scan: number;
  copy: number;
}

/**
 * Load a model's predictions with `from <= ts < to` (and their outcomes) as one window. Blocks
 * are copied as they arrive, so only one decoded block is alive at a time; outcomes are joined
 * on the way (window.ts OutcomeJoin), so ids are never kept for the whole window. With
 * `explanationEdges`, those explanations are binned on the way instead of kept (analysis).
 */
export async function loadWindow(
  store: Store,
  model: Model,
  from: number,
  to: number,
  options: { timing?: WindowLoadTiming; explanationEdges?: Map<string, Float64Array> } = {},
): Promise<WindowData> {
  const timing = options.timing;
  let t = performance.now();
  const lap = (key: keyof WindowLoadTiming) => {
    const now = performance.now();
    if (timing) timing[key] += now - t;
    t = now;
  };
  const total = await store.countPredictions(model.model_id, from, to);
  lap('count');
  const outcomes = await store.scanOutcomeColumns(model.model_id, from, to, model.schema.task === 'regression' ? 'value' : 'label');
  const join = outcomes.rows > 0 ? outcomeJoin(model.schema, outcomes) : undefined;
  lap('outcomes');
  const builder = new WindowBuilder(model.schema, total, { join, explanationEdges: options.explanationEdges });
  lap('copy');
  for await (const block of store.scanPredictions({ model_id: model.model_id, from, to, columns: analysisColumns(model.schema, join !== undefined), views: true })) {
    lap('scan');
    builder.add(block.columns);
    lap('copy');
  }
  lap('scan');
  return builder.finish();
}
