import { type ModelSchema, parseModelSchema } from '../domain/model-schema.js';
import { isObj } from './legacy-records.js';

/** Labels beyond this many distinct numeric outcomes make a model a regression. */
const MAX_NUMERIC_CLASSES = 20;
const MAX_LABELS = 1000;

/**
 * Infers a model schema from the legacy prediction lines, one line at a time: a feature whose
 * values are all numbers is numeric, all booleans boolean, otherwise categorical (required only
 * when every line has it); the predicted outcomes are the labels (two: binary, more:
 * multiclass), unless they are numbers with too many distinct values (regression).
 */
export class SchemaInference {
  private readonly features = new Map<string, { numbers: number; booleans: number; other: number; present: number }>();
  private readonly outcomes = new Set<string>();
  private numericOutcomes = 0;
  private integerOutcomes = 0;
  private otherOutcomes = 0;
  private rows = 0;

  add(line: unknown): void {
    if (!isObj(line) || !isObj(line.features)) return;
    this.rows++;
    for (const [name, v] of Object.entries(line.features)) {
      let f = this.features.get(name);
      if (!f) this.features.set(name, (f = { numbers: 0, booleans: 0, other: 0, present: 0 }));
      if (v === null || v === undefined) continue;
      f.present++;
      if (typeof v === 'number' && Number.isFinite(v)) f.numbers++;
      else if (typeof v === 'boolean') f.booleans++;
      else f.other++;
    }
    const o = line.predicted_outcome;
    if (o === null || o === undefined) return;
    if (typeof o === 'number' && Number.isFinite(o)) {
      this.numericOutcomes++;
      if (Number.isInteger(o)) this.integerOutcomes++;
    } else this.otherOutcomes++;
    if (this.outcomes.size <= MAX_LABELS) this.outcomes.add(String(o));
  }

  /** The schema (validated like one sent to the API); throws when the lines say too little. */
  schema(): ModelSchema {
    if (this.rows === 0) throw new Error('predictions.jsonl has no usable line to infer the model schema from (create the model first)');
    const regression = this.otherOutcomes === 0 && this.numericOutcomes > 0 && (this.integerOutcomes < this.numericOutcomes || this.outcomes.size > MAX_NUMERIC_CLASSES);
    const features = [...this.features].map(([name, f]) => ({
      name,
      type: f.other > 0 || (f.numbers > 0 && f.booleans > 0) ? 'categorical' : f.booleans > 0 ? 'boolean' : f.numbers > 0 ? 'numeric' : 'categorical',
      required: f.present === this.rows,
    }));
    const labels = [...this.outcomes].sort();
    return parseModelSchema(
      regression
        ? { task: 'regression', features, explanation_features: [] }
        : { task: labels.length === 2 ? 'binary_classification' : 'multiclass_classification', labels, features, explanation_features: [] },
    );
  }
}
