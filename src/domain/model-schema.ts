import { AppError, type FieldProblem, validationError } from '../errors/catalog.js';
import { DEFAULT_THRESHOLDS } from '../analysis/thresholds.js';
import { getDriftTest } from '../stats/registry.js';

export type ModelTask = 'binary_classification' | 'multiclass_classification' | 'regression';
export type FeatureType = 'numeric' | 'categorical' | 'boolean';

/** One input feature of a model. */
export interface FeatureSpec {
  name: string;
  type: FeatureType;
  /** a prediction missing this feature is rejected (default true); null is allowed only when false */
  required: boolean;
  /** a protected attribute (fairness is computed per group of it) */
  protected: boolean;
  /** for protected attributes: the privileged group (disparate impact is relative to it) */
  privileged_group?: string;
  /** marks a feature as key for retraining triggers */
  key?: boolean;
}

/**
 * What a model's predictions look like. Versioned: a change creates a new schema version and
 * rows keep the version they were written with.
 */
export interface ModelSchema {
  task: ModelTask;
  /** class labels (classification only), in a fixed order */
  labels: string[];
  /** the positive label (binary classification) */
  positive_label?: string;
  features: FeatureSpec[];
  /** features that carry explanation attributions (SHAP); [] for none */
  explanation_features: string[];
}

/** Monitoring settings of a model (used by retention and the monitoring loop). */
export interface ModelSettings {
  /** predictions older than this are deleted by retention */
  retention_days: number;
  /** analysis window length in hours */
  window_hours: number;
  /** fewer predictions than this in a window → the analysis is skipped (with a record saying so) */
  min_samples: number;
  /** cron expression of the scheduled analysis (UTC) */
  schedule: string;
  /** overrides of the analysis thresholds (see docs/monitoring.md), merged over the defaults */
  thresholds?: Record<string, unknown>;
  /** drift tests run on every feature besides the default test and PSI (e.g. ["ks", "jensen_shannon"]) */
  drift_tests?: string[];
}

export const DEFAULT_SETTINGS: ModelSettings = {
  retention_days: 90,
  window_hours: 24,
  min_samples: 200,
  schedule: '0 */6 * * *',
};

/** A registered model as stored and returned by the API. */
export interface Model {
  model_id: string;
  name: string;
  description: string;
  schema_version: number;
  schema: ModelSchema;
  settings: ModelSettings;
  created_at: number;
  updated_at: number;
}

export const MODEL_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
export const FEATURE_NAME_PATTERN = /^[^\u0000-\u001f]{1,128}$/;
/** names that would collide with JavaScript object machinery when rows are read back */
const RESERVED_NAMES = new Set(['__proto__']);
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const TASKS: readonly ModelTask[] = ['binary_classification', 'multiclass_classification', 'regression'];
const FEATURE_TYPES: readonly FeatureType[] = ['numeric', 'categorical', 'boolean'];
const MAX_FEATURES = 1000;
const MAX_LABELS = 1000;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Validate and normalise a model schema sent by a client. Throws a 400 listing every problem.
 * `input` is the whole request body (task, labels, features... live at the top level).
 */
export function parseModelSchema(input: Record<string, unknown>): ModelSchema {
  const problems: FieldProblem[] = [];
  const bad = (field: string, problem: string) => problems.push({ field, problem });

  const task = input.task;
  if (typeof task !== 'string' || !TASKS.includes(task as ModelTask)) {
    bad('task', `must be one of ${TASKS.join(', ')}`);
  }
  let labels: string[] = [];
  if (task === 'regression') {
    if (input.labels !== undefined && !(Array.isArray(input.labels) && input.labels.length === 0)) {
      bad('labels', 'a regression model has no labels');
    }
  } else if (!Array.isArray(input.labels) || input.labels.length < 2) {
    bad('labels', 'a classification model needs an array of at least 2 labels');
  } else if (input.labels.length > MAX_LABELS) {
    bad('labels', `at most ${MAX_LABELS} labels`);
  } else {
    labels = input.labels.map((l, i) => {
      if (typeof l === 'string' && l.length > 0 && l.length <= 256) return l;
      if (typeof l === 'number' || typeof l === 'boolean') return String(l);
      bad(`labels[${i}]`, 'must be a non-empty string (at most 256 characters)');
      return '';
    });
    if (new Set(labels).size !== labels.length) bad('labels', 'labels must be unique');
    if (task === 'binary_classification' && labels.length !== 2) {
      bad('labels', 'a binary classification model has exactly 2 labels');
    }
  }
  let positive: string | undefined;
  if (input.positive_label !== undefined && input.positive_label !== null) {
    positive = String(input.positive_label);
    if (task === 'regression') bad('positive_label', 'a regression model has no positive label');
    else if (labels.length > 0 && !labels.includes(positive)) bad('positive_label', 'must be one of labels');
  } else if (task === 'binary_classification' && labels.length === 2) {
    positive = labels[1];
  }

  const features: FeatureSpec[] = [];
  if (!Array.isArray(input.features) || input.features.length === 0) {
    bad('features', 'must be a non-empty array of {name, type}');
  } else if (input.features.length > MAX_FEATURES) {
    bad('features', `at most ${MAX_FEATURES} features`);
  } else {
    const seen = new Set<string>();
    input.features.forEach((f, i) => {
      const at = `features[${i}]`;
      if (!isObject(f)) return bad(at, 'must be an object {name, type}');
      const name = f.name;
      if (typeof name !== 'string' || !FEATURE_NAME_PATTERN.test(name) || LONE_SURROGATE.test(name) || RESERVED_NAMES.has(name)) {
        return bad(`${at}.name`, 'must be a string of 1–128 printable characters (not __proto__)');
      }
      if (seen.has(name)) return bad(`${at}.name`, `duplicate feature name "${name}"`);
      seen.add(name);
      if (typeof f.type !== 'string' || !FEATURE_TYPES.includes(f.type as FeatureType)) {
        return bad(`${at}.type`, `must be one of ${FEATURE_TYPES.join(', ')}`);
      }
      for (const flag of ['required', 'protected', 'key'] as const) {
        if (f[flag] !== undefined && typeof f[flag] !== 'boolean') bad(`${at}.${flag}`, 'must be a boolean');
      }
      const spec: FeatureSpec = {
        name,
        type: f.type as FeatureType,
        required: f.required !== false,
        protected: f.protected === true,
      };
      if (f.key === true) spec.key = true;
      if (f.privileged_group !== undefined && f.privileged_group !== null) {
        if (!spec.protected) bad(`${at}.privileged_group`, 'only a protected feature has a privileged group');
        else if (spec.type === 'numeric') bad(`${at}.privileged_group`, 'a numeric feature cannot be protected');
        else spec.privileged_group = String(f.privileged_group);
      }
      if (spec.protected && spec.type === 'numeric') bad(`${at}.protected`, 'protected attributes must be categorical or boolean');
      features.push(spec);
    });
  }

  let explanation: string[] = [];
  const ex = input.explanation_features;
  if (ex === true) explanation = features.map((f) => f.name);
  else if (ex !== undefined && ex !== null && ex !== false) {
    if (!Array.isArray(ex)) bad('explanation_features', 'must be an array of feature names or true');
    else {
      const names = new Set(features.map((f) => f.name));
      ex.forEach((n, i) => {
        if (typeof n !== 'string' || !names.has(n)) bad(`explanation_features[${i}]`, 'must name a feature of the model');
      });
      explanation = [...new Set(ex as string[])];
    }
  }
  if (problems.length) throw validationError(problems);
  const schema: ModelSchema = { task: task as ModelTask, labels, features, explanation_features: explanation };
  if (positive !== undefined) schema.positive_label = positive;
  return schema;
}

/** Validate settings (partial updates allowed) on top of a base. */
export function parseModelSettings(input: unknown, base: ModelSettings = DEFAULT_SETTINGS): ModelSettings {
  if (input === undefined || input === null) return { ...base };
  if (!isObject(input)) throw validationError([{ field: 'settings', problem: 'must be an object' }]);
  const problems: FieldProblem[] = [];
  const out = { ...base };
  const int = (key: 'retention_days' | 'window_hours' | 'min_samples', min: number, max: number) => {
    const v = input[key];
    if (v === undefined) return;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      problems.push({ field: `settings.${key}`, problem: `must be an integer from ${min} to ${max}` });
    } else out[key] = v;
  };
  int('retention_days', 1, 36500);
  int('window_hours', 1, 24 * 366);
  int('min_samples', 1, 100_000_000);
  if (input.schedule !== undefined) {
    if (typeof input.schedule !== 'string' || !/^[\d*/,\- A-Za-z?LW#]{1,100}$/.test(input.schedule) || input.schedule.trim().split(/\s+/).length < 5) {
      problems.push({ field: 'settings.schedule', problem: 'must be a cron expression with 5 or 6 fields' });
    } else out.schedule = input.schedule.trim();
  }
  if (input.thresholds !== undefined) {
    const t = input.thresholds;
    if (!isObject(t)) problems.push({ field: 'settings.thresholds', problem: 'must be an object' });
    else {
      for (const [k, v] of Object.entries(t)) {
        const base = Object.hasOwn(DEFAULT_THRESHOLDS, k) ? (DEFAULT_THRESHOLDS as unknown as Record<string, unknown>)[k] : undefined;
        if (base === undefined) problems.push({ field: `settings.thresholds.${k}`, problem: 'is not a known threshold' });
        else if (typeof base === 'object') {
          if (!isObject(v)) problems.push({ field: `settings.thresholds.${k}`, problem: 'must be an object like {"warning": …, "critical": …}' });
          else for (const [kk, vv] of Object.entries(v)) {
            if (!['warning', 'critical', 'minor'].includes(kk) || typeof vv !== 'number' || !Number.isFinite(vv)) problems.push({ field: `settings.thresholds.${k}.${kk}`, problem: 'must be warning/critical with a finite number' });
          }
        } else if (typeof base !== typeof v) problems.push({ field: `settings.thresholds.${k}`, problem: `must be a ${typeof base}` });
      }
      out.thresholds = { ...(base.thresholds ?? {}), ...t };
    }
  }
  if (input.drift_tests !== undefined) {
    if (!Array.isArray(input.drift_tests)) problems.push({ field: 'settings.drift_tests', problem: 'must be an array of test names' });
    else {
      const names: string[] = [];
      input.drift_tests.forEach((n, i) => {
        try {
          if (typeof n !== 'string') throw new Error('not a string');
          names.push(getDriftTest(n).name);
        } catch {
          problems.push({ field: `settings.drift_tests[${i}]`, problem: 'is not a known drift test' });
        }
      });
      out.drift_tests = [...new Set(names)];
    }
  }
  for (const k of Object.keys(input)) {
    if (!Object.hasOwn(DEFAULT_SETTINGS, k) && k !== 'thresholds' && k !== 'drift_tests') problems.push({ field: `settings.${k}`, problem: 'unknown setting' });
  }
  if (problems.length) throw validationError(problems);
  return out;
}

export function assertModelId(id: unknown, field = 'model_id'): string {
  if (typeof id !== 'string' || !MODEL_ID_PATTERN.test(id)) {
    throw new AppError('validation_failed', `${field}: must match ${MODEL_ID_PATTERN.source}`, {
      problems: [{ field, problem: `must be 1–128 characters of letters, digits, . _ : - starting with a letter or digit` }],
    });
  }
  return id;
}

/** True when two schemas describe the same data (a no-op update must not create a version). */
export function sameSchema(a: ModelSchema, b: ModelSchema): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
