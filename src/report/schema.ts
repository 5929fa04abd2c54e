import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { inputError } from './input-error.js';

/** Feature types of a report schema (booleans are analysed as categories). */
export type ReportFeatureType = 'numeric' | 'categorical' | 'boolean';

/** What the model predicts: classification is binary or multiclass, as the labels say. */
export type ReportTask = 'classification' | 'regression';

export interface ReportFeature {
  readonly name: string;
  readonly type: ReportFeatureType;
}

/** A protected attribute: fairness metrics are computed per group of this column. */
export interface ProtectedAttribute {
  readonly name: string;
  /** the group disparate impact is relative to (default: the group with the highest rate) */
  readonly privileged_group?: string;
}

/**
 * The schema file of `driftwatch report`: the features to compare and, optionally, the model's
 * columns. The standard workload's schema.json (`{"features": [{name, type}]}`) is one.
 */
export interface ReportSchema {
  readonly features: readonly ReportFeature[];
  /** column of the predicted label (classification) or value (regression) */
  readonly prediction?: string;
  /** column of the predicted probability of the positive label (binary classification) */
  readonly score?: string;
  /** column of the true label or value, when known */
  readonly actual?: string;
  readonly protected_attributes: readonly ProtectedAttribute[];
  /** the positive label of a binary classifier (default: "1" or "true" when present) */
  readonly positive_label?: string;
  /** required when `prediction` or `actual` is given */
  readonly task?: ReportTask;
}

const TYPES: readonly ReportFeatureType[] = ['numeric', 'categorical', 'boolean'];
const KEYS = new Set(['features', 'prediction', 'score', 'actual', 'protected_attributes', 'positive_label', 'task']);
const TASKS: Readonly<Record<string, ReportTask>> = {
  classification: 'classification',
  binary_classification: 'classification',
  multiclass_classification: 'classification',
  regression: 'regression',
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads and validates a schema file; errors name the file and the field. */
export function loadReportSchema(path: string): ReportSchema {
  const file = basename(path);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw inputError({ file: path }, `cannot read the schema file (${(e as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw inputError({ file }, `not valid JSON (${(e as Error).message})`);
  }
  return parseReportSchema(json, file);
}

/**
 * Validates a schema object. Features may also carry `protected: true` and `privileged_group`
 * (as in a registered model's schema); unknown top-level keys are rejected so typos surface.
 */
export function parseReportSchema(json: unknown, file = 'schema'): ReportSchema {
  const fail = (field: string, problem: string): never => {
    throw inputError({ file, field }, problem);
  };
  if (!isObject(json)) return fail('(root)', 'the schema must be a JSON object with a "features" array');
  for (const key of Object.keys(json)) {
    if (!KEYS.has(key)) fail(key, `unknown field; expected one of ${[...KEYS].join(', ')}`);
  }
  if (!Array.isArray(json.features) || json.features.length === 0) {
    fail('features', 'must be a non-empty array of {"name", "type"}');
  }
  const features: ReportFeature[] = [];
  const protectedAttributes: ProtectedAttribute[] = [];
  const names = new Set<string>();
  (json.features as unknown[]).forEach((f, i) => {
    const at = `features[${i}]`;
    if (!isObject(f)) return fail(at, 'must be an object {"name", "type"}');
    if (typeof f.name !== 'string' || f.name.length === 0) return fail(`${at}.name`, 'must be a non-empty string');
    if (names.has(f.name)) fail(`${at}.name`, `duplicate feature "${f.name}"`);
    names.add(f.name);
    if (typeof f.type !== 'string' || !TYPES.includes(f.type as ReportFeatureType)) {
      fail(`${at}.type`, `must be one of ${TYPES.join(', ')} (got ${JSON.stringify(f.type)})`);
    }
    features.push({ name: f.name, type: f.type as ReportFeatureType });
    if (f.protected !== undefined && typeof f.protected !== 'boolean') fail(`${at}.protected`, 'must be a boolean');
    if (f.protected === true) protectedAttributes.push(protectedOf(f.name, f.privileged_group, `${at}.privileged_group`, fail));
  });
  const column = (key: string): string | undefined => {
    const v = json[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string' || v.length === 0) return fail(key, 'must be a column name (a non-empty string)');
    return v;
  };
  const prediction = column('prediction');
  const score = column('score');
  const actual = column('actual');
  if (json.protected_attributes !== undefined) {
    if (!Array.isArray(json.protected_attributes)) fail('protected_attributes', 'must be an array of column names');
    (json.protected_attributes as unknown[]).forEach((p, i) => {
      const at = `protected_attributes[${i}]`;
      if (typeof p === 'string' && p.length > 0) protectedAttributes.push({ name: p });
      else if (isObject(p) && typeof p.name === 'string' && p.name.length > 0) {
        protectedAttributes.push(protectedOf(p.name, p.privileged_group, `${at}.privileged_group`, fail));
      } else fail(at, 'must be a column name or {"name", "privileged_group"}');
    });
  }
  const seen = new Set<string>();
  for (const p of protectedAttributes) {
    if (seen.has(p.name)) fail('protected_attributes', `"${p.name}" is listed twice`);
    seen.add(p.name);
  }
  let task: ReportTask | undefined;
  if (json.task !== undefined) {
    task = typeof json.task === 'string' ? TASKS[json.task] : undefined;
    if (!task) fail('task', `must be one of ${Object.keys(TASKS).join(', ')}`);
  } else if (prediction !== undefined || actual !== undefined) {
    fail('task', 'is required when "prediction" or "actual" is given (classification or regression)');
  }
  let positive: string | undefined;
  const pl = json.positive_label;
  if (pl !== undefined && pl !== null) {
    if (typeof pl !== 'string' && typeof pl !== 'number' && typeof pl !== 'boolean') fail('positive_label', 'must be a string, number or boolean');
    if (task === 'regression') fail('positive_label', 'a regression model has no positive label');
    positive = String(pl);
  }
  if (score !== undefined && task === 'regression') fail('score', 'a regression model has no score column; use "prediction"');
  if (protectedAttributes.length > 0 && prediction === undefined) {
    fail('protected_attributes', 'fairness needs the "prediction" column');
  }
  if (protectedAttributes.length > 0 && task === 'regression') {
    fail('protected_attributes', 'fairness is defined for classification (selection rates of the positive label)');
  }
  return { features, prediction, score, actual, protected_attributes: protectedAttributes, positive_label: positive, task };
}

function protectedOf(
  name: string,
  privileged: unknown,
  field: string,
  fail: (field: string, problem: string) => never,
): ProtectedAttribute {
  if (privileged === undefined || privileged === null) return { name };
  if (typeof privileged !== 'string' && typeof privileged !== 'number' && typeof privileged !== 'boolean') {
    return fail(field, 'must be a string');
  }
  return { name, privileged_group: String(privileged) };
}
