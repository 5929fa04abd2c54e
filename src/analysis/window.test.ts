import { describe, expect, it } from 'vitest';
import { parseModelSchema } from '../domain/model-schema.js';
import { COL, type Column, type ColumnSet } from '../store/blocks/columns.js';
import { binUnsorted } from './unsorted-bins.js';
import { WindowBuilder } from './window.js';

const schema = parseModelSchema({
  task: 'multiclass_classification',
  labels: ['a', 'b', 'c'],
  features: [
    { name: 'x', type: 'numeric' },
    { name: 'z', type: 'numeric', required: false },
    { name: 'city', type: 'categorical' },
  ],
  explanation_features: ['x', 'city'],
});

const f64 = (values: number[]): Column => ({ kind: 'f64', values: Float64Array.from(values) });
const dict = (values: (string | null)[]): Column => {
  const d = [...new Set(values.filter((v): v is string => v !== null))].reverse();
  return { kind: 'dict', dict: d, codes: Int32Array.from(values, (v) => (v === null ? -1 : d.indexOf(v))) };
};

/** A block of `rows` rows starting at x = `from`; `withZ` false leaves out z and the explanation of city. */
function block(from: number, rows: number, withZ: boolean): ColumnSet {
  const xs = Array.from({ length: rows }, (_, i) => from + i);
  const columns = new Map<string, Column>([
    [COL.ts, f64(xs)],
    [COL.feature('x'), f64(xs)],
    [COL.feature('city'), dict(xs.map((x) => (x % 4 === 3 ? null : ['oslo', 'rome', 'lima'][x % 3])))],
    [COL.label, dict(xs.map((x) => ['a', 'b', 'c'][x % 3]))],
    [COL.confidence, f64(xs.map(() => 0.5))],
    [COL.probability('a'), f64(xs.map((x) => x / 100))],
    [COL.probability('b'), f64(xs.map(() => 0.25))],
    [COL.probability('c'), f64(xs.map((x) => 0.75 - x / 100))],
    [COL.latency, f64(xs.map((x) => x * 2))],
    [COL.explanation('x'), f64(xs.map((x) => -x))],
  ]);
  if (withZ) {
    columns.set(COL.feature('z'), f64(xs.map((x) => x * 10)));
    columns.set(COL.explanation('city'), f64(xs.map((x) => x / 10)));
  }
  return { rows, columns };
}

describe('WindowBuilder', () => {
  it('grows past a short count and keeps every row of every block, missing where a block lacks a column', () => {
    const edges = Float64Array.from([-8, -3]);
    const b = new WindowBuilder(schema, 2, { explanationEdges: new Map([['x', edges]]) });
    const blocks = [block(0, 5, false), block(5, 7, true), block(12, 1, false)];
    for (const s of blocks) b.add(s);
    const w = b.finish();
    expect(w.rows).toBe(13);
    const x = Array.from(w.numeric.get('x')!);
    expect(x).toEqual(Array.from({ length: 13 }, (_, i) => i));
    expect(Array.from(w.numeric.get('z')!).map((v) => (Number.isNaN(v) ? null : v))).toEqual(x.map((i) => (i >= 5 && i < 12 ? i * 10 : null)));
    const city = w.categorical.get('city')!;
    expect(Array.from(city.codes, (c) => (c < 0 ? null : city.dict[c]))).toEqual(x.map((i) => (i % 4 === 3 ? null : ['oslo', 'rome', 'lima'][i % 3])));
    expect(Array.from(w.label!)).toEqual(x.map((i) => i % 3));
    expect(Array.from(w.probabilities!)).toEqual(x.flatMap((i) => [i / 100, 0.25, 0.75 - i / 100]));
    expect(Array.from(w.latency)).toEqual(x.map((i) => i * 2));
    expect(Array.from(w.explanations.get('city')!).map((v) => (Number.isNaN(v) ? null : v))).toEqual(x.map((i) => (i >= 5 && i < 12 ? i / 10 : null)));
    // x's explanations were binned on the way, never kept
    expect(w.explanations.has('x')).toBe(false);
    expect(w.explanationBins!.get('x')).toEqual(binUnsorted(Float64Array.from(x, (i) => -i), edges));
    expect(w.actualLabel).toBeNull();
  });
});
