import type { LifecycleConfig } from './lifecycle-config.js';
import type { GateReport, GateResult, ModelVersion } from './types.js';

/** Metrics where a smaller value is better (the primary-metric gate's default direction). */
const LOWER_IS_BETTER = new Set(['mae', 'mse', 'rmse', 'mape', 'log_loss', 'brier_score', 'ece', 'expected_calibration_error', 'error_rate', 'latency_p95_ms']);

export const higherIsBetter = (metric: string, configured: boolean | null): boolean => configured ?? !LOWER_IS_BETTER.has(metric.toLowerCase());

/** A measured latency figure and where it came from. */
export interface LatencyEvidence {
  p95_ms: number | null;
  samples: number;
  source: string | null;
}

/** Disparate impact per protected attribute and where it came from (null: nothing measured). */
export interface FairnessEvidence {
  values: Record<string, number | null>;
  source: string;
}

/** Everything the gates judge a candidate by (gathered by gate-evidence.ts). */
export interface GateInputs {
  candidate: ModelVersion;
  /** the current production version (null: none, or the candidate itself) */
  production: ModelVersion | null;
  /** the task's primary metric (f1, accuracy, mae) when the config names none */
  defaultMetric: string;
  /** the model has protected attributes (without any, the fairness gate has nothing to judge) */
  hasProtected: boolean;
  latency: LatencyEvidence;
  fairness: FairnessEvidence | null;
}

/** A version's value of a metric: registered metrics first, then what its validation data showed. */
export function metricOf(v: ModelVersion, name: string): number | null {
  const m = v.metrics[name] ?? v.validation?.metrics[name];
  return typeof m === 'number' && Number.isFinite(m) ? m : null;
}

const fmt = (v: number) => (Number.isInteger(v) ? String(v) : v.toPrecision(4).replace(/\.?0+$/, ''));

function primaryMetricGate(i: GateInputs, c: LifecycleConfig['gates']['primary_metric']): GateResult {
  const metric = c.metric ?? i.defaultMetric;
  const hib = higherIsBetter(metric, c.higher_is_better);
  const value = metricOf(i.candidate, metric);
  const base = { gate: 'primary_metric' as const, enabled: true, source: 'registered metrics' };
  if (value === null) return { ...base, passed: false, value: null, threshold: null, message: `the candidate reports no "${metric}" (register it with the version's metrics or validation data with actuals)` };
  const prod = i.production ? metricOf(i.production, metric) : null;
  if (!i.production) return { ...base, passed: true, value, threshold: null, message: `no production version to compare with (${metric} ${fmt(value)})` };
  if (prod === null) return { ...base, passed: true, value, threshold: null, message: `production version ${i.production.version} has no "${metric}" to compare with` };
  const slack = c.tolerance * Math.abs(prod);
  const limit = hib ? prod - slack : prod + slack;
  const passed = hib ? value >= limit : value <= limit;
  const rel = hib ? `at least` : `at most`;
  return {
    ...base,
    passed,
    value,
    threshold: { [hib ? 'min' : 'max']: limit, production_version: i.production.version, production_value: prod, higher_is_better: hib },
    message: `${metric} ${fmt(value)} ${passed ? 'is no worse than' : 'is worse than'} production ${i.production.version}'s ${fmt(prod)} (needs ${rel} ${fmt(limit)})`,
  };
}

function fairnessGate(i: GateInputs, c: LifecycleConfig['gates']['disparate_impact']): GateResult {
  const threshold = { min: c.min, max: c.max };
  const base = { gate: 'disparate_impact' as const, enabled: true, threshold };
  if (!i.hasProtected) return { ...base, passed: true, value: null, source: null, message: 'the model has no protected attributes' };
  const measured = i.fairness ? Object.entries(i.fairness.values).filter((e): e is [string, number] => e[1] !== null) : [];
  if (!i.fairness || measured.length === 0) {
    return { ...base, passed: false, value: i.fairness?.values ?? null, source: i.fairness?.source ?? null, message: 'no disparate impact measured (log predictions of the candidate, register it with validation data, or report disparate_impact in its metrics)' };
  }
  const outside = measured.filter(([, v]) => v < c.min || v > c.max);
  return {
    ...base,
    passed: outside.length === 0,
    value: i.fairness.values,
    source: i.fairness.source,
    message: outside.length
      ? `disparate impact outside [${c.min}, ${c.max}]: ${outside.map(([a, v]) => `${a} ${fmt(v)}`).join(', ')}`
      : `disparate impact within [${c.min}, ${c.max}]: ${measured.map(([a, v]) => `${a} ${fmt(v)}`).join(', ')}`,
  };
}

function latencyGate(i: GateInputs, c: LifecycleConfig['gates']['latency_p95']): GateResult {
  const base = { gate: 'latency_p95' as const, enabled: true, threshold: { max_ms: c.max_ms }, source: i.latency.source };
  const p95 = i.latency.p95_ms;
  if (p95 === null) return { ...base, passed: false, value: null, message: 'no latency_ms measured (log the candidate’s predictions with metadata.latency_ms, or register it with validation data that carries it)' };
  const passed = p95 < c.max_ms;
  return { ...base, passed, value: p95, message: `p95 latency ${fmt(p95)} ms over ${i.latency.samples} predictions ${passed ? 'is under' : 'is not under'} ${c.max_ms} ms` };
}

function signOffGate(i: GateInputs): GateResult {
  const s = i.candidate.sign_off;
  const base = { gate: 'sign_off' as const, enabled: true, threshold: 'an explicit sign-off', source: null };
  return s
    ? { ...base, passed: true, value: { by: s.by, at: new Date(s.at).toISOString(), notes: s.notes }, message: `signed off by ${s.by}` }
    : { ...base, passed: false, value: null, message: 'nobody has signed this version off (POST …/versions/:version/sign-off)' };
}

const off = (gate: GateResult['gate']): GateResult => ({ gate, enabled: false, passed: true, value: null, threshold: null, source: null, message: 'gate disabled for this model' });

/** Judge a candidate for production, gate by gate (pure: every input is gathered beforehand). */
export function evaluateGates(i: GateInputs, config: LifecycleConfig['gates'], now: number): GateReport {
  const g = config;
  const gates = [
    g.primary_metric.enabled ? primaryMetricGate(i, g.primary_metric) : off('primary_metric'),
    g.disparate_impact.enabled ? fairnessGate(i, g.disparate_impact) : off('disparate_impact'),
    g.latency_p95.enabled ? latencyGate(i, g.latency_p95) : off('latency_p95'),
    g.sign_off.enabled ? signOffGate(i) : off('sign_off'),
  ];
  return {
    model_id: i.candidate.model_id,
    version: i.candidate.version,
    baseline_version: i.production?.version ?? null,
    passed: gates.every((r) => r.passed),
    gates,
    evaluated_at: now,
  };
}

/** p95 of the finite values (linear interpolation between closest ranks); null when none. */
export function percentile95(values: ArrayLike<number>): { p95: number | null; samples: number } {
  const finite: number[] = [];
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) finite.push(values[i]);
  if (finite.length === 0) return { p95: null, samples: 0 };
  finite.sort((a, b) => a - b);
  const pos = 0.95 * (finite.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(finite.length - 1, lo + 1);
  return { p95: finite[lo] + (finite[hi] - finite[lo]) * (pos - lo), samples: finite.length };
}
