import { type FieldProblem, validationError } from '../errors/catalog.js';
import { cronProblem } from '../scheduler/scheduler.js';

/**
 * A model's lifecycle settings: which promotion gates apply and with what limits, and which
 * retraining triggers fire. Stored per model as overrides (`PUT /api/v1/models/:id/lifecycle`)
 * merged over these defaults, so a model that never set anything gets the seed's rules.
 */
export interface LifecycleConfig {
  gates: {
    /** the candidate's primary metric is no worse than the production version's */
    primary_metric: {
      enabled: boolean;
      /** metric name in the versions' metrics; null: the task's (f1, accuracy, mae) */
      metric: string | null;
      /** null: known from the name (rmse, mae, mape, log_loss, brier_score, ece… are lower-is-better) */
      higher_is_better: boolean | null;
      /** relative worsening still accepted (0: none) */
      tolerance: number;
    };
    /** every protected attribute's disparate impact within [min, max] */
    disparate_impact: { enabled: boolean; min: number; max: number };
    /** p95 of metadata.latency_ms strictly under max_ms */
    latency_p95: {
      enabled: boolean;
      max_ms: number;
      /** logged predictions of the candidate in this many days before the promotion are read */
      lookback_days: number;
      /** fewer logged latencies than this: the validation data's are used when there are any */
      min_samples: number;
    };
    /** someone signed the version off */
    sign_off: { enabled: boolean };
  };
  triggers: {
    /** a recommendation on a cron schedule (UTC; monthly by default) */
    schedule: { enabled: boolean; cron: string };
    /** an analysis finds PSI above `psi` on a feature marked `key` */
    data_drift: { enabled: boolean; psi: number };
    /** an analysis finds the primary metric dropped by more than `drop` (relative) */
    performance_drop: { enabled: boolean; drop: number };
    /** a drift or performance trigger does not fire again for the model within this many hours */
    cooldown_hours: number;
  };
}

export const DEFAULT_LIFECYCLE: LifecycleConfig = {
  gates: {
    primary_metric: { enabled: true, metric: null, higher_is_better: null, tolerance: 0 },
    disparate_impact: { enabled: true, min: 0.8, max: 1.25 },
    latency_p95: { enabled: true, max_ms: 100, lookback_days: 7, min_samples: 100 },
    sign_off: { enabled: true },
  },
  triggers: {
    schedule: { enabled: true, cron: '0 0 1 * *' },
    data_drift: { enabled: true, psi: 0.2 },
    performance_drop: { enabled: true, drop: 0.1 },
    cooldown_hours: 168,
  },
};

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

type Kind = 'bool' | 'number' | 'int' | 'string' | 'nullable-string' | 'nullable-bool' | 'cron';
/** Every setting that can be overridden, with its type and range. */
const SPEC: Record<string, { kind: Kind; min?: number; max?: number }> = {
  'gates.primary_metric.enabled': { kind: 'bool' },
  'gates.primary_metric.metric': { kind: 'nullable-string' },
  'gates.primary_metric.higher_is_better': { kind: 'nullable-bool' },
  'gates.primary_metric.tolerance': { kind: 'number', min: 0, max: 1 },
  'gates.disparate_impact.enabled': { kind: 'bool' },
  'gates.disparate_impact.min': { kind: 'number', min: 0, max: 1 },
  'gates.disparate_impact.max': { kind: 'number', min: 1, max: 100 },
  'gates.latency_p95.enabled': { kind: 'bool' },
  'gates.latency_p95.max_ms': { kind: 'number', min: 0, max: 3_600_000 },
  'gates.latency_p95.lookback_days': { kind: 'int', min: 1, max: 365 },
  'gates.latency_p95.min_samples': { kind: 'int', min: 1, max: 1_000_000 },
  'gates.sign_off.enabled': { kind: 'bool' },
  'triggers.schedule.enabled': { kind: 'bool' },
  'triggers.schedule.cron': { kind: 'cron' },
  'triggers.data_drift.enabled': { kind: 'bool' },
  'triggers.data_drift.psi': { kind: 'number', min: 0, max: 100 },
  'triggers.performance_drop.enabled': { kind: 'bool' },
  'triggers.performance_drop.drop': { kind: 'number', min: 0, max: 10 },
  'triggers.cooldown_hours': { kind: 'number', min: 0, max: 24 * 366 },
};

function check(path: string, v: unknown, problems: FieldProblem[]): void {
  const s = SPEC[path];
  const bad = (problem: string): void => {
    problems.push({ field: path, problem });
  };
  if (!s) return bad('is not a lifecycle setting');
  switch (s.kind) {
    case 'bool':
      if (typeof v !== 'boolean') bad('must be true or false');
      return;
    case 'nullable-bool':
      if (v !== null && typeof v !== 'boolean') bad('must be true, false or null');
      return;
    case 'nullable-string':
      if (v !== null && (typeof v !== 'string' || v.length === 0 || v.length > 128)) bad('must be a metric name (1–128 characters) or null');
      return;
    case 'string':
      if (typeof v !== 'string') bad('must be a string');
      return;
    case 'cron': {
      const problem = typeof v === 'string' ? cronProblem(v) : 'must be a cron expression';
      if (problem) bad(problem);
      return;
    }
    default:
      if (typeof v !== 'number' || !Number.isFinite(v) || (s.kind === 'int' && !Number.isInteger(v)) || v < (s.min ?? -Infinity) || v > (s.max ?? Infinity)) {
        bad(`must be ${s.kind === 'int' ? 'an integer' : 'a number'} from ${s.min} to ${s.max}`);
      }
  }
}

function walk(value: Obj, prefix: string, problems: FieldProblem[]): void {
  for (const [k, v] of Object.entries(value)) {
    const path = prefix ? `${prefix}.${k}` : k;
    if (isObj(v) && !(path in SPEC)) walk(v, path, problems);
    else check(path, v, problems);
  }
}

/**
 * Validate overrides (a partial LifecycleConfig). Throws a 400 naming every bad key. Returns
 * them unchanged: they are stored as given and merged over the defaults when read.
 */
export function parseLifecycleOverrides(input: unknown): Obj {
  if (!isObj(input)) throw validationError([{ field: '', problem: 'must be an object of lifecycle settings (gates, triggers)' }]);
  const problems: FieldProblem[] = [];
  walk(input, '', problems);
  const merged = mergeLifecycle(input);
  if (merged.gates.disparate_impact.min >= merged.gates.disparate_impact.max) problems.push({ field: 'gates.disparate_impact', problem: 'min must be below max' });
  if (problems.length) throw validationError(problems);
  return input;
}

function deepMerge(base: Obj, over: Obj): Obj {
  const out: Obj = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = isObj(v) && isObj(base[k]) ? deepMerge(base[k] as Obj, v) : v;
  return out;
}

/** The effective settings: stored overrides (validated by parseLifecycleOverrides) over the defaults. */
export function mergeLifecycle(overrides: Obj | null | undefined): LifecycleConfig {
  return (overrides ? deepMerge(DEFAULT_LIFECYCLE as unknown as Obj, overrides) : structuredClone(DEFAULT_LIFECYCLE)) as unknown as LifecycleConfig;
}

/** Overrides merged: what a PATCH-like update stores (new keys over the stored ones). */
export function combineOverrides(stored: Obj | null, change: Obj): Obj {
  return deepMerge(stored ?? {}, change);
}
