import { describe, expect, it } from 'vitest';
import { type GateInputs, evaluateGates, percentile95 } from './gates.js';
import { DEFAULT_LIFECYCLE, mergeLifecycle } from './lifecycle-config.js';
import type { ModelVersion } from './types.js';

const version = (v: string, metrics: Record<string, number>, signed = true): ModelVersion => ({
  model_id: 'm',
  version: v,
  stage: 'staging',
  artifact_uri: null,
  metrics,
  tags: [],
  description: '',
  validation: null,
  sign_off: signed ? { by: 'ann', at: 0, notes: null } : null,
  created_by: null,
  created_at: 0,
  updated_at: 0,
  stage_changed_at: 0,
});

const passing = (): GateInputs => ({
  candidate: version('2', { f1: 0.82 }),
  production: version('1', { f1: 0.8 }),
  defaultMetric: 'f1',
  hasProtected: true,
  latency: { p95_ms: 42, samples: 500, source: 'logged predictions of 2' },
  fairness: { values: { gender: 0.93, age_band: 1.1 }, source: 'validation data (1000)' },
});

const gate = (i: GateInputs, name: string, config = DEFAULT_LIFECYCLE.gates) => evaluateGates(i, config, 0).gates.find((g) => g.gate === name)!;

describe('promotion gates', () => {
  it('pass together, each with its value and threshold', () => {
    const r = evaluateGates(passing(), DEFAULT_LIFECYCLE.gates, 5);
    expect(r).toMatchObject({ passed: true, version: '2', baseline_version: '1', evaluated_at: 5 });
    expect(r.gates.map((g) => [g.gate, g.passed])).toEqual([['primary_metric', true], ['disparate_impact', true], ['latency_p95', true], ['sign_off', true]]);
    expect(r.gates[0]).toMatchObject({ value: 0.82, threshold: { min: 0.8, production_value: 0.8, production_version: '1' } });
    expect(r.gates[2]).toMatchObject({ value: 42, threshold: { max_ms: 100 }, source: 'logged predictions of 2' });
  });

  it('primary metric: worse than production fails; lower-is-better metrics are judged the other way; tolerance allows a small loss', () => {
    const worse = { ...passing(), candidate: version('2', { f1: 0.79 }) };
    expect(gate(worse, 'primary_metric')).toMatchObject({ passed: false, value: 0.79 });
    expect(gate(worse, 'primary_metric').message).toMatch(/f1 0\.79 is worse than production 1's 0\.8/);
    const rmse = { ...passing(), defaultMetric: 'rmse', candidate: version('2', { rmse: 52.15 }), production: version('1', { rmse: 52.1 }) };
    expect(gate(rmse, 'primary_metric')).toMatchObject({ passed: false, threshold: { max: 52.1, higher_is_better: false } });
    expect(gate({ ...rmse, candidate: version('2', { rmse: 50 }) }, 'primary_metric').passed).toBe(true);
    const tolerant = mergeLifecycle({ gates: { primary_metric: { tolerance: 0.02 } } }).gates;
    expect(gate(worse, 'primary_metric', tolerant).passed).toBe(true);
    // no production version: nothing to be worse than; no metric on the candidate: fails
    expect(gate({ ...worse, production: null }, 'primary_metric').passed).toBe(true);
    expect(gate({ ...passing(), candidate: version('2', { auc: 0.9 }) }, 'primary_metric')).toMatchObject({ passed: false, value: null });
  });

  it('disparate impact: any attribute outside [0.8, 1.25] fails and is named; unmeasured fails; no protected attribute passes', () => {
    const unfair = { ...passing(), fairness: { values: { gender: 0.71, age_band: 1.3, region: null }, source: 'logged predictions of 2 (900)' } };
    const g = gate(unfair, 'disparate_impact');
    expect(g).toMatchObject({ passed: false, threshold: { min: 0.8, max: 1.25 }, value: { gender: 0.71, age_band: 1.3, region: null } });
    expect(g.message).toBe('disparate impact outside [0.8, 1.25]: gender 0.71, age_band 1.3');
    expect(gate({ ...passing(), fairness: { values: { gender: 0.8, age_band: 1.25 }, source: 'x' } }, 'disparate_impact').passed).toBe(true);
    expect(gate({ ...passing(), fairness: null }, 'disparate_impact').passed).toBe(false);
    expect(gate({ ...passing(), fairness: null, hasProtected: false }, 'disparate_impact').passed).toBe(true);
  });

  it('latency: p95 must be strictly under the limit; no measurement fails', () => {
    expect(gate({ ...passing(), latency: { p95_ms: 100, samples: 10, source: 'validation data' } }, 'latency_p95')).toMatchObject({ passed: false, value: 100 });
    expect(gate({ ...passing(), latency: { p95_ms: 99.9, samples: 10, source: 'validation data' } }, 'latency_p95').passed).toBe(true);
    expect(gate({ ...passing(), latency: { p95_ms: null, samples: 0, source: null } }, 'latency_p95').passed).toBe(false);
  });

  it('sign-off: required unless disabled; a disabled gate passes and says so', () => {
    const unsigned = { ...passing(), candidate: version('2', { f1: 0.9 }, false) };
    const r = evaluateGates(unsigned, DEFAULT_LIFECYCLE.gates, 0);
    expect(r.passed).toBe(false);
    expect(r.gates.filter((g) => !g.passed).map((g) => g.gate)).toEqual(['sign_off']);
    const config = mergeLifecycle({ gates: { sign_off: { enabled: false } } }).gates;
    const off = evaluateGates(unsigned, config, 0);
    expect(off.passed).toBe(true);
    expect(off.gates[3]).toMatchObject({ enabled: false, passed: true });
  });

  it('p95 interpolates between ranks and ignores missing values', () => {
    const values = Float64Array.from({ length: 101 }, (_, i) => i);
    expect(percentile95(values)).toEqual({ p95: 95, samples: 101 });
    expect(percentile95([10, NaN, 20])).toEqual({ p95: 19.5, samples: 2 });
    expect(percentile95([NaN])).toEqual({ p95: null, samples: 0 });
  });
});
