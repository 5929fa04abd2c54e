import { fairnessOf } from '../analysis/fairness-drift.js';
import { primaryMetric, windowPerformance } from '../analysis/performance.js';
import { mergeThresholds } from '../analysis/thresholds.js';
import { analysisColumns, type WindowData, WindowBuilder } from '../analysis/window.js';
import type { Model } from '../domain/model-schema.js';
import { DAY_MS } from '../domain/time.js';
import { COL, takeColumnSet } from '../store/blocks/columns.js';
import type { Store } from '../store/store.js';
import { type FairnessEvidence, type GateInputs, type LatencyEvidence, percentile95 } from './gates.js';
import type { LifecycleConfig } from './lifecycle-config.js';
import type { ModelVersion, ValidationEvidence } from './types.js';

/** Disparate impact per protected attribute of a sample (empty for regression or models without one). */
export function disparateImpactOf(model: Model, w: WindowData): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const [attr, r] of Object.entries(fairnessOf(model.schema, w, mergeThresholds(model.settings.thresholds)))) out[attr] = r.disparate_impact.value;
  return out;
}

/** What a version's validation data shows: the figures its gates fall back on. */
export function validationEvidence(model: Model, w: WindowData): ValidationEvidence {
  const latency = percentile95(w.latency);
  const perf = windowPerformance(model.schema, w);
  const metrics: Record<string, number> = {};
  if (perf) {
    const { calibration: _c, n: _n, ...rest } = perf;
    for (const [k, v] of Object.entries(rest)) if (typeof v === 'number' && Number.isFinite(v)) metrics[k] = v;
  }
  return { rows: w.rows, latency_p95_ms: latency.p95, latency_samples: latency.samples, disparate_impact: disparateImpactOf(model, w), metrics };
}

/**
 * The predictions logged under one model version in [from, to), as a window: blocks are read
 * one at a time and only the version's rows are kept (model_version is a dictionary column).
 */
export async function versionWindow(store: Store, model: Model, version: string, from: number, to: number): Promise<WindowData> {
  const columns = analysisColumns(model.schema, false);
  columns.add(COL.modelVersion);
  const builder = new WindowBuilder(model.schema, 1024);
  for await (const block of store.scanPredictions({ model_id: model.model_id, from, to, columns })) {
    const mv = block.columns.columns.get(COL.modelVersion);
    if (!mv || mv.kind !== 'dict') continue;
    const code = mv.dict.indexOf(version);
    if (code < 0) continue;
    const rows: number[] = [];
    for (let i = 0; i < mv.codes.length; i++) if (mv.codes[i] === code) rows.push(i);
    if (rows.length) builder.add(rows.length === block.columns.rows ? block.columns : takeColumnSet(block.columns, rows));
  }
  return builder.finish();
}

/** Disparate impact reported with the version's metrics (`disparate_impact` or `disparate_impact.<attribute>`). */
function reportedFairness(v: ModelVersion): FairnessEvidence | null {
  const values: Record<string, number | null> = {};
  for (const [k, val] of Object.entries(v.metrics)) {
    if (k === 'disparate_impact') values['*'] = val;
    else if (k.startsWith('disparate_impact.')) values[k.slice('disparate_impact.'.length)] = val;
  }
  return Object.keys(values).length ? { values, source: 'registered metrics' } : null;
}

const hasValue = (f: FairnessEvidence | null) => f !== null && Object.values(f.values).some((v) => v !== null);

/**
 * Gather what the gates judge a candidate by. Latency and disparate impact come from the
 * candidate's own logged predictions (the last `lookback_days`), when there are at least
 * `min_samples` of them with latency_ms; otherwise from its validation data; disparate impact
 * finally from its registered metrics.
 */
export async function gateInputs(store: Store, model: Model, candidate: ModelVersion, production: ModelVersion | null, config: LifecycleConfig['gates'], now: number): Promise<GateInputs> {
  const hasProtected = model.schema.features.some((f) => f.protected);
  const wantLogs = config.latency_p95.enabled || (config.disparate_impact.enabled && hasProtected);
  const logged = wantLogs ? await versionWindow(store, model, candidate.version, now - config.latency_p95.lookback_days * DAY_MS, now + 1) : null;
  const loggedLatency = logged ? percentile95(logged.latency) : { p95: null, samples: 0 };
  const v = candidate.validation;

  let latency: LatencyEvidence;
  if (loggedLatency.samples >= config.latency_p95.min_samples || (loggedLatency.samples > 0 && !v?.latency_samples)) {
    latency = { p95_ms: loggedLatency.p95, samples: loggedLatency.samples, source: `logged predictions of ${candidate.version}` };
  } else if (v && v.latency_samples > 0) latency = { p95_ms: v.latency_p95_ms, samples: v.latency_samples, source: 'validation data' };
  else latency = { p95_ms: null, samples: 0, source: null };

  let fairness: FairnessEvidence | null = null;
  if (hasProtected) {
    const fromLogs: FairnessEvidence | null = logged && logged.rows > 0 ? { values: disparateImpactOf(model, logged), source: `logged predictions of ${candidate.version} (${logged.rows})` } : null;
    const fromValidation: FairnessEvidence | null = v ? { values: v.disparate_impact, source: `validation data (${v.rows})` } : null;
    fairness = [fromLogs, fromValidation, reportedFairness(candidate)].find(hasValue) ?? fromLogs ?? fromValidation;
  }
  return {
    candidate,
    production: production && production.version !== candidate.version ? production : null,
    defaultMetric: primaryMetric(model.schema).name,
    hasProtected,
    latency,
    fairness,
  };
}
