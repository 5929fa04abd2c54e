import { describe, expect, it } from 'vitest';
import { defaultFeatures, parseBody, toPredictionValue } from './capture.js';

describe('toPredictionValue', () => {
  it('unwraps {prediction}, keeps the prediction fields and maps scalars', () => {
    expect(toPredictionValue({ prediction: { label: 'a', probabilities: { a: 1 }, extra: 1 } })).toEqual({ label: 'a', probabilities: { a: 1 } });
    expect(toPredictionValue({ class: 2, confidence: 0.9, request_id: 'x' })).toEqual({ label: 2, confidence: 0.9 });
    expect(toPredictionValue({ prediction: 'spam' })).toEqual({ label: 'spam' });
    expect(toPredictionValue(true)).toEqual({ label: true });
    expect(toPredictionValue({ prediction: 3.25 })).toEqual({ value: 3.25 });
    expect(toPredictionValue({ value: 0, score: null })).toEqual({ value: 0 });
    for (const nothing of [undefined, null, [0.2, 0.8], { other: 1 }, Number.NaN, {}]) expect(toPredictionValue(nothing)).toBeUndefined();
  });
});

describe('defaultFeatures and parseBody', () => {
  it('takes body.features or the body, objects only', () => {
    const view = (body: unknown) => ({ method: 'POST', url: '/', headers: {}, body });
    expect(defaultFeatures(view({ features: { a: 1 }, id: 2 }))).toEqual({ a: 1 });
    expect(defaultFeatures(view({ a: 1 }))).toEqual({ a: 1 });
    expect(defaultFeatures(view([1, 2]))).toBeUndefined();
    expect(defaultFeatures(view('text'))).toBeUndefined();
  });

  it('parses JSON, leaves text alone', () => {
    expect(parseBody('{"a":1}', 'application/json')).toEqual({ a: 1 });
    expect(parseBody(Buffer.from('[1]'), undefined)).toEqual([1]);
    expect(parseBody(' {"a":1}', 'text/plain')).toEqual({ a: 1 }); // undeclared, but JSON
    expect(parseBody('<p>{}</p>', 'text/html')).toBe('<p>{}</p>');
    expect(parseBody('"quoted"', 'text/plain')).toBe('"quoted"');
    expect(parseBody('"quoted"', 'application/json')).toBe('quoted');
    expect(parseBody('not json', 'application/json')).toBe('not json');
    expect(parseBody('', 'application/json')).toBeUndefined();
  });
});
