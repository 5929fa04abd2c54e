import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { planReportColumns } from './column-plan.js';
import { loadReportSchema, parseReportSchema } from './schema.js';

const dir = mkdtempSync(join(tmpdir(), 'dw-schema-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('report schema', () => {
  it('loads the standard workload schema as gen_workload.py writes it', () => {
    const path = join(dir, 'schema.json');
    const features = [
      ...Array.from({ length: 15 }, (_, i) => ({ name: `num_${i}`, type: 'numeric' })),
      ...Array.from({ length: 5 }, (_, j) => ({ name: `cat_${j}`, type: 'categorical' })),
    ];
    writeFileSync(path, JSON.stringify({ features }, null, 2));
    const schema = loadReportSchema(path);
    expect(schema.features).toEqual(features);
    expect(schema.prediction).toBeUndefined();
    expect(schema.protected_attributes).toEqual([]);
  });

  it('reads the model columns, protected attributes in both spellings, and the task', () => {
    const schema = parseReportSchema({
      features: [
        { name: 'age', type: 'numeric' },
        { name: 'sex', type: 'categorical', protected: true, privileged_group: 'male' },
      ],
      prediction: 'pred',
      score: 'proba',
      actual: 'label',
      positive_label: 1,
      task: 'binary_classification',
      protected_attributes: ['region', { name: 'race', privileged_group: 'white' }],
    });
    expect(schema.task).toBe('classification');
    expect(schema.positive_label).toBe('1');
    expect(schema.protected_attributes).toEqual([
      { name: 'sex', privileged_group: 'male' },
      { name: 'region' },
      { name: 'race', privileged_group: 'white' },
    ]);
  });

  it.each([
    [[], /schema, field '\(root\)': the schema must be a JSON object/],
    [{}, /field 'features': must be a non-empty array/],
    [{ features: [{ name: 'a', type: 'text' }] }, /field 'features\[0\]\.type': must be one of numeric, categorical, boolean \(got "text"\)/],
    [{ features: [{ type: 'numeric' }] }, /field 'features\[0\]\.name': must be a non-empty string/],
    [{ features: [{ name: 'a', type: 'numeric' }, { name: 'a', type: 'numeric' }] }, /field 'features\[1\]\.name': duplicate feature "a"/],
    [{ features: [{ name: 'a', type: 'numeric' }], prediction: 'p' }, /field 'task': is required when "prediction"/],
    [{ features: [{ name: 'a', type: 'numeric' }], task: 'ranking' }, /field 'task': must be one of/],
    [{ features: [{ name: 'a', type: 'numeric' }], protected: ['g'] }, /field 'protected': unknown field/],
    [{ features: [{ name: 'a', type: 'numeric' }], protected_attributes: ['g'] }, /fairness needs the "prediction" column/],
    [{ features: [{ name: 'a', type: 'numeric' }], task: 'regression', prediction: 'p', score: 's' }, /field 'score': a regression model has no score/],
  ])('rejects %j naming the field', (json, message) => {
    expect(() => parseReportSchema(json)).toThrow(message);
  });

  it('names the file when it is not JSON or cannot be read', () => {
    const path = join(dir, 'broken.json');
    writeFileSync(path, '{"features": [');
    expect(() => loadReportSchema(path)).toThrow(/broken\.json: not valid JSON/);
    expect(() => loadReportSchema(join(dir, 'missing.json'))).toThrow(/missing\.json: cannot read the schema file/);
  });
});

describe('planReportColumns', () => {
  it('reads each column once: features as summaries, model columns row-aligned', () => {
    const schema = parseReportSchema({
      features: [
        { name: 'x', type: 'numeric' },
        { name: 'g', type: 'categorical' },
      ],
      task: 'classification',
      prediction: 'pred',
      actual: 'label',
      score: 'p',
      protected_attributes: ['g'],
    });
    expect(planReportColumns(schema)).toEqual([
      { name: 'x', type: 'numeric', summary: true, raw: false },
      { name: 'g', type: 'categorical', summary: true, raw: true },
      { name: 'pred', type: 'categorical', summary: false, raw: true },
      { name: 'label', type: 'categorical', summary: false, raw: true },
      { name: 'p', type: 'numeric', summary: false, raw: true },
    ]);
  });

  it('rejects a column read as two kinds', () => {
    const schema = parseReportSchema({ features: [{ name: 'p', type: 'categorical' }], task: 'classification', prediction: 'y', score: 'p' });
    expect(() => planReportColumns(schema, 'schema.json')).toThrow(/schema\.json, field 'score': column 'p' is read as numeric here but as categorical by features\[0\]/);
  });
});
