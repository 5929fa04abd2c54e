import { describe, expect, it } from 'vitest';
import { STORE_FACTORIES } from './store-fixtures.js';
import { PredictionBuilder } from '../../src/ingest/prediction-builder.js';
import { DEFAULT_SETTINGS, parseModelSchema, type Model } from '../../src/domain/model-schema.js';

describe.each(STORE_FACTORIES)('smoke $name', (factory) => {
  it('writes and reads predictions', async () => {
    const { store, cleanup } = await factory.create();
    try {
      const schema = parseModelSchema({ task: 'binary_classification', labels: ['no', 'yes'], features: [{ name: 'x', type: 'numeric' }, { name: 'c', type: 'categorical' }] });
      const model: Model = { model_id: 'm1', name: 'm1', description: '', schema_version: 1, schema, settings: DEFAULT_SETTINGS, created_at: 1, updated_at: 1 };
      await store.createModel(model);
      const b = new PredictionBuilder(model, 3, Date.UTC(2026, 0, 1));
      const problems: never[] = [];
      for (let i = 0; i < 3; i++) b.add({ prediction_id: `p${i}`, timestamp: Date.UTC(2026, 0, 1) + i * 50_000_000, features: { x: i, c: 'a' }, prediction: { label: 'yes', confidence: 0.9 } }, i, problems);
      const res = await store.writePredictions([{ model_id: 'm1', schema_version: 1, columns: b.build() }]);
      expect(res[0].inserted).toBe(3);
      const again = await store.writePredictions([{ model_id: 'm1', schema_version: 1, columns: b.build() }]);
      expect(again[0].duplicates.sort()).toEqual(['p0', 'p1', 'p2']);
      const page = await store.listPredictions({ model_id: 'm1', limit: 2 });
      expect(page.items.map((p) => p.prediction_id)).toEqual(['p0', 'p1']);
      const page2 = await store.listPredictions({ model_id: 'm1', limit: 2, cursor: page.next_cursor });
      expect(page2.items.map((p) => p.prediction_id)).toEqual(['p2']);
      expect(await store.countPredictionsByDay('m1', 0, 2e13)).toEqual([{ day: '2026-01-01', count: 2 }, { day: '2026-01-02', count: 1 }]);
      const got = await store.getPrediction('m1', 'p1');
      expect(got?.features).toEqual({ x: 1, c: 'a' });
    } finally {
      await cleanup();
    }
  });
});
