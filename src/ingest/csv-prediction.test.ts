import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, type Model, parseModelSchema } from '../domain/model-schema.js';
import { CsvHeaderError, CsvPredictionMapper, parseNumberCell } from './csv-prediction.js';

const model = (over: Record<string, unknown>): Model => ({
  model_id: 'm',
  name: 'm',
  description: '',
  schema_version: 1,
  schema: parseModelSchema({
    task: 'multiclass_classification',
    labels: ['a', 'b', 'c'],
    features: [
      { name: 'age', type: 'numeric' },
      { name: 'city', type: 'categorical' },
      { name: 'member', type: 'boolean', required: false },
      { name: 'score', type: 'numeric', required: false },
    ],
    explanation_features: ['age'],
    ...over,
  }),
  settings: DEFAULT_SETTINGS,
  created_at: 0,
  updated_at: 0,
});

describe('parseNumberCell', () => {
  it('reads decimal numbers only', () => {
    expect(parseNumberCell(' 1.5 ')).toBe(1.5);
    expect(parseNumberCell('-2e3')).toBe(-2000);
    expect(parseNumberCell('.5')).toBe(0.5);
    for (const bad of ['', ' ', '0x10', 'abc', '1,5', 'Infinity', 'NaN', '1e999']) expect(parseNumberCell(bad)).toBeUndefined();
  });
});

describe('CsvPredictionMapper', () => {
  it('maps every kind of column onto the payload, converting by feature type', () => {
    const header = ['prediction_id', 'timestamp', 'model_version', 'age', 'city', 'member', 'score', 'label', 'confidence', 'proba_a', 'probability_b', 'proba_c', 'shap_age', 'latency_ms', 'metadata_user'];
    const m = new CsvPredictionMapper(model({}), header);
    expect(m.map(['p1', '2026-01-02T03:04:05Z', 'v2', '41', 'Oslo', 'TRUE', '0.5', 'b', '0.7', '0.2', '0.7', '0.1', '-0.25', '12.5', 'u-9'])).toEqual({
      value: {
        prediction_id: 'p1',
        timestamp: '2026-01-02T03:04:05Z',
        model_version: 'v2',
        // "score" is a feature of this model, so the feature wins over the reserved name
        features: { age: 41, city: 'Oslo', member: true, score: 0.5 },
        prediction: { label: 'b', confidence: 0.7, probabilities: { a: 0.2, b: 0.7, c: 0.1 } },
        explanation: { age: -0.25 },
        metadata: { latency_ms: 12.5, user: 'u-9' },
      },
    });
  });

  it('treats empty cells as missing', () => {
    const m = new CsvPredictionMapper(model({}), ['age', 'city', 'member', 'label', 'proba_a', 'proba_b', 'proba_c', 'prediction_id', 'timestamp']);
    expect(m.map(['', '', '', 'a', '', '', '', '', ''])).toEqual({ value: { features: { age: null, city: null, member: null }, prediction: { label: 'a' } } });
  });

  it('reports cells that cannot be converted, naming the field', () => {
    const m = new CsvPredictionMapper(model({}), ['age', 'city', 'member', 'label', 'confidence', 'model_id']);
    expect(m.map(['forty', 'x', 'maybe', 'a', 'high', 'other'])).toEqual({
      problems: [
        { field: 'features.age', problem: 'is not a number' },
        { field: 'features.member', problem: 'is not a boolean (true/false/1/0)' },
        { field: 'prediction.confidence', problem: 'is not a number' },
        { field: 'model_id', problem: "names another model than the import's" },
      ],
    });
    expect(m.map(['1', 'x'])).toEqual({ problems: [{ field: '', problem: 'has 2 field(s) where the header has 6' }] });
    expect(m.map(['0', 'x', '0', 'a', '', 'm'])).toEqual({ value: { features: { age: 0, city: 'x', member: false }, prediction: { label: 'a' } } });
  });

  it('maps prediction and value columns of a regression model', () => {
    const reg = model({ task: 'regression', labels: undefined, explanation_features: undefined });
    expect(new CsvPredictionMapper(reg, ['age', 'city', 'prediction']).map(['1', 'x', '3.25'])).toEqual({ value: { features: { age: 1, city: 'x' }, prediction: { value: 3.25 } } });
    expect(new CsvPredictionMapper(reg, ['age', 'city', 'value']).map(['1', 'x', '-1'])).toEqual({ value: { features: { age: 1, city: 'x' }, prediction: { value: -1 } } });
    expect(() => new CsvPredictionMapper(reg, ['age', 'city', 'label'])).toThrow(/"label"/);
  });

  it('refuses headers it cannot map', () => {
    const m = model({});
    expect(() => new CsvPredictionMapper(m, ['age', 'city', 'label', 'colour'])).toThrow(CsvHeaderError);
    expect(() => new CsvPredictionMapper(m, ['age', 'city', 'label', 'colour'])).toThrow(/"colour".*--ignore-unknown-columns/);
    expect(() => new CsvPredictionMapper(m, ['age', 'label'])).toThrow(/lacks required feature column\(s\): city/);
    expect(() => new CsvPredictionMapper(m, ['age', 'city'])).toThrow(/no prediction column/);
    expect(() => new CsvPredictionMapper(m, ['age', 'city', 'label', 'age'])).toThrow(/"age" twice/);
    expect(() => new CsvPredictionMapper(m, ['age', 'city', 'label', 'proba_z'])).toThrow(/"proba_z"/); // not a label
    expect(() => new CsvPredictionMapper(m, ['age', 'city', 'label', 'shap_city'])).toThrow(/"shap_city"/); // not an explanation feature
    const lenient = new CsvPredictionMapper(m, ['age', 'city', 'label', 'colour'], { ignoreUnknown: true });
    expect(lenient.ignored).toEqual(['colour']);
    expect(lenient.map(['1', 'x', 'a', 'red'])).toEqual({ value: { features: { age: 1, city: 'x' }, prediction: { label: 'a' } } });
    // probabilities alone are a prediction
    expect(() => new CsvPredictionMapper(m, ['age', 'city', 'proba_a', 'proba_b', 'proba_c'])).not.toThrow();
  });
});
