import fc from 'fast-check';
import { expect } from 'vitest';
import { JsonBytes } from './json-bytes.js';

// shared by json-bytes.test.ts and json-bytes-tree.test.ts (not built into dist: see tsconfig.build.json)

/** What JsonBytes writes for a row, closed, as text; undefined when it gives the row up. */
export function written(row: object, w = new JsonBytes(16)): string | undefined {
  const start = w.at;
  if (w.openObject(row) < 0) {
    expect(w.at).toBe(start); // gave up: nothing written
    return undefined;
  }
  w.byte(125);
  return w.buf.toString('utf8', start, w.at);
}

/** a number as a model's data has them: short decimals, integers, raw floats, edge values */
export const number = fc.oneof(
  fc.double({ noNaN: false }),
  fc.integer({ min: -1e6, max: 1e6 }).chain((m) => fc.integer({ min: 0, max: 12 }).map((k) => m / 10 ** k)),
  fc.integer({ min: -(2 ** 53), max: 2 ** 53 }).chain((m) => fc.integer({ min: 0, max: 17 }).map((k) => m / 10 ** k)),
  fc.constantFrom(0, -0, 1e-6, 9.99e-7, 1e-7, 1e15, 1e15 + 0.5, 1e21, 2 ** 31, -(2 ** 31), 2 ** 53, 2 ** 53 + 2, 0.1, 0.3, 1 / 3, Number.MAX_VALUE, Number.MIN_VALUE, Infinity, -Infinity, NaN),
);
export const text = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme', maxLength: 80 }), fc.string({ minLength: 40, maxLength: 120 }));
export const key = fc.oneof(fc.constantFrom('age', 'income', 'region', '__proto__', 'toJSON', '0', '10', '', 'a"b', 'é'), fc.string({ maxLength: 6 }));
export const { value } = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    number,
    text,
    fc.boolean(),
    fc.constant(null),
    fc.constant(undefined),
    fc.date({ noInvalidDate: false }),
    fc.constantFrom({ toJSON: (k: string) => `key ${k}` }, { toJSON: () => undefined }, { toJSON: 1, x: 2 }, () => 1, Symbol('s')),
    tie('object'),
    fc.array(tie('value'), { maxLength: 5 }),
  ),
  object: fc.dictionary(key, tie('value'), { maxKeys: 6 }),
}));
