import { describe, expect, it } from 'vitest';
import { type ProxiedCall, compileMapping } from './proxy-mapping.js';

const call = (requestBody: unknown, responseBody: unknown, headers: Record<string, string> = {}): ProxiedCall => ({
  request: { method: 'POST', path: '/v1/models/credit:predict', query: { user: 'u7' }, headers: { 'x-request-id': 'req-1', ...headers }, body: requestBody },
  response: { status: 200, headers: { 'x-model-version': 'v9' }, body: responseBody },
});

describe('compileMapping', () => {
  it('uses the middleware defaults when empty', () => {
    const m = compileMapping({});
    expect(m.matches('POST', '/anything')).toBe(true);
    expect(m.matches('GET', '/anything')).toBe(false);
    expect(m.extract(call({ features: { a: 1 } }, { prediction: 'yes', prediction_id: 'p1', model_version: 'v1' }))).toEqual({
      features: { a: 1 },
      prediction: { label: 'yes' },
      prediction_id: 'p1',
      model_version: 'v1',
      metadata: {},
    });
    expect(m.extract(call({ a: 1 }, { score: 0.5 }, { 'x-prediction-id': 'h1' }))).toMatchObject({ features: { a: 1 }, prediction: { score: 0.5 }, prediction_id: 'h1' });
    expect(m.extract(call([1, 2], { prediction: 'yes' }))).toBeUndefined(); // no features
    expect(m.extract(call({ a: 1 }, 'plain text'))).toMatchObject({ prediction: { label: 'plain text' } });
    expect(m.extract(call({ a: 1 }, [0.1, 0.9]))).toBeUndefined(); // no prediction
  });

  it('maps positional inputs, prediction fields, ids, time, version and metadata by pointer', () => {
    const m = compileMapping({
      paths: ['/v1/models/*'],
      methods: ['post'],
      features: { income: '/request/body/instances/0/0', region: '/request/body/instances/0/1' },
      prediction: { label: '/response/body/predictions/0/label', probabilities: '/response/body/predictions/0/probs' },
      prediction_id: '/request/headers/x-request-id',
      timestamp: '/request/body/ts',
      model_version: '/response/headers/x-model-version',
      metadata: { user_id: '/request/query/user', missing: '/request/body/nope' },
    });
    expect(m.matches('POST', '/v1/models/credit:predict')).toBe(true);
    expect(m.matches('POST', '/v2/models/x')).toBe(false);
    const body = { instances: [[1200, 'north']], ts: '2026-03-01T00:00:00Z' };
    expect(m.extract(call(body, { predictions: [{ label: 'deny', probs: { approve: 0.3, deny: 0.7 } }] }))).toEqual({
      features: { income: 1200, region: 'north' },
      prediction: { label: 'deny', probabilities: { approve: 0.3, deny: 0.7 } },
      prediction_id: 'req-1',
      timestamp: '2026-03-01T00:00:00Z',
      model_version: 'v9',
      metadata: { user_id: 'u7' },
    });
    const byPointer = compileMapping({ features: '/request/body/x', prediction: '/response/body/out', paths: ['/exact'] });
    expect(byPointer.matches('POST', '/exact/more')).toBe(false);
    expect(byPointer.extract(call({ x: { f: 1 } }, { out: 3.5 }))).toMatchObject({ features: { f: 1 }, prediction: { value: 3.5 } });
  });

  it('names every bad key', () => {
    expect(() => compileMapping([])).toThrow(/JSON object/);
    let message = '';
    try {
      compileMapping({ feature: '/request/body', features: 'request/body', prediction: { labels: '/response/body/l' }, metadata: { u: 5 }, paths: '/x', prediction_id: '/body/id', timestamp: '/request/a~2' });
    } catch (e) {
      message = (e as Error).message;
    }
    for (const key of ['feature:', 'features:', 'prediction.labels:', 'metadata.u:', 'paths:', 'prediction_id:', 'timestamp:']) expect(message).toContain(key);
  });
});
