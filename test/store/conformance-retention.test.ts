import { describe, expect, it } from 'vitest';
import { DAY, T0, batchOf, createModel, rowsAt, useStore, CONFORMANCE_FACTORIES } from './conformance-helpers.js';

const HOUR = 3_600_000;

describe.each(CONFORMANCE_FACTORIES)('store conformance: retention ($label)', (factory) => {
  const store = useStore(factory);

  it('deletes whole days before the cutoff day in bounded batches until done', async () => {
    const model = await createModel(store());
    const other = await createModel(store());
    // 5 days × 3 commits of 40 rows: 3 blocks per day
    for (let c = 0; c < 3; c++) {
      const batches = [0, 1, 2, 3, 4].map((d) => batchOf(model, rowsAt(`d${d}c${c}`, 40, T0 + d * DAY + c * HOUR, 60_000)));
      await store().writePredictions(batches);
    }
    await store().writePredictions([batchOf(other, rowsAt('o', 10, T0, HOUR))]);
    await store().writeOutcomes(
      ['d0c0-1', 'd2c2-39', 'd3c0-0', 'd4c1-5'].map((id) => ({ model_id: model.model_id, prediction_id: id, label: 'a', value: null, timestamp: T0 + 9 * DAY, received_at: T0 + 9 * DAY, prediction_ts: null })),
    );
    await store().writeOutcomes([{ model_id: other.model_id, prediction_id: 'o-1', label: 'b', value: null, timestamp: T0, received_at: T0, prediction_ts: null }]);

    // `before` is mid-day 3: days 0-2 go, all of day 3 stays (even rows earlier than `before`)
    const before = T0 + 3 * DAY + 5 * HOUR;
    const limit = 100;
    let total = 0;
    let calls = 0;
    for (;;) {
      const r = await store().deletePredictionsBefore(model.model_id, before, limit);
      calls++;
      expect(r.deleted).toBeLessThanOrEqual(limit);
      total += r.deleted;
      if (r.done) break;
      expect(calls).toBeLessThan(50);
    }
    expect(total).toBe(3 * 3 * 40);
    expect(calls).toBeGreaterThanOrEqual(Math.ceil(360 / limit));

    expect(await store().countPredictionsByDay(model.model_id, 0, T0 + 10 * DAY)).toEqual([
      { day: '2026-01-04', count: 120 },
      { day: '2026-01-05', count: 120 },
    ]);
    // keys and outcomes of deleted rows are gone; newer ones untouched
    expect(await store().getPrediction(model.model_id, 'd0c0-1')).toBeNull();
    expect(await store().getPrediction(model.model_id, 'd2c2-39')).toBeNull();
    expect(await store().getOutcome(model.model_id, 'd0c0-1')).toBeNull();
    expect(await store().getOutcome(model.model_id, 'd2c2-39')).toBeNull();
    expect((await store().getPrediction(model.model_id, 'd3c0-0'))?.timestamp).toBe(T0 + 3 * DAY);
    expect((await store().getOutcome(model.model_id, 'd3c0-0'))?.prediction_ts).toBe(T0 + 3 * DAY);
    expect(await store().getOutcome(model.model_id, 'd4c1-5')).not.toBeNull();
    expect((await store().scanOutcomes(model.model_id, 0, T0 + 10 * DAY)).map((o) => o.prediction_id).sort()).toEqual(['d3c0-0', 'd4c1-5']);
    // the key is free again: the same id can be logged anew
    const [again] = await store().writePredictions([batchOf(model, [{ id: 'd0c0-1', ts: T0 + 4 * DAY }])]);
    expect(again.inserted).toBe(1);
    // other models are not touched
    expect(await store().countPredictions(other.model_id, 0, T0 + DAY)).toBe(10);
    expect((await store().getOutcome(other.model_id, 'o-1'))?.prediction_ts).toBe(T0 + HOUR);

    const after = await store().deletePredictionsBefore(model.model_id, before, limit);
    expect(after).toEqual({ deleted: 0, done: true });
  });

  it('removes a block larger than the limit in one go rather than never', async () => {
    const model = await createModel(store());
    await store().writePredictions([batchOf(model, rowsAt('big', 500, T0, 1000))]);
    const first = await store().deletePredictionsBefore(model.model_id, T0 + DAY, 10);
    expect(first.deleted).toBe(500);
    let r = first;
    for (let i = 0; !r.done && i < 200; i++) r = await store().deletePredictionsBefore(model.model_id, T0 + DAY, 10);
    expect(r.done).toBe(true);
    expect(await store().countPredictions(model.model_id, 0, T0 + DAY)).toBe(0);
    expect(await store().getPrediction(model.model_id, 'big-499')).toBeNull();
  });

  it('is done at once when there is nothing old', async () => {
    const model = await createModel(store());
    await store().writePredictions([batchOf(model, rowsAt('new', 5, T0 + 5 * DAY, 1000))]);
    expect(await store().deletePredictionsBefore(model.model_id, T0 + 5 * DAY + 10, 1000)).toEqual({ deleted: 0, done: true });
    expect(await store().countPredictions(model.model_id, 0, T0 + 6 * DAY)).toBe(5);
  });
});
