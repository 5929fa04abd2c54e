import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeColumns, encodeColumns } from './codec.js';
import { type Column, type ColumnSet, concatColumnSets, takeColumnSet } from './columns.js';

type Kind = Column['kind'];
/** A logical cell: what a column says about a row, independent of its encoding. */
type Cell = number | string | null;

// any code point (no lone surrogates, which UTF-8 cannot carry), and empty strings
const text = fc.oneof(fc.string({ unit: 'binary', maxLength: 12 }), fc.constant(''), fc.constantFrom('é', '東京', '🙂‍↕️', '\u0000', 'a\nb'));
const number = fc.oneof(fc.double(), fc.constantFrom(NaN, -0, 0, Infinity, -Infinity, Number.MIN_VALUE, Number.MAX_VALUE));

function columnArb(kind: Kind, rows: number): fc.Arbitrary<Column> {
  if (kind === 'f64') return fc.array(number, { minLength: rows, maxLength: rows }).map((v) => ({ kind, values: Float64Array.from(v) }));
  if (kind === 'str') return fc.array(fc.option(text, { nil: null }), { minLength: rows, maxLength: rows }).map((values) => ({ kind, values }));
  return fc.uniqueArray(text, { maxLength: 6 }).chain((dict) =>
    fc.array(fc.integer({ min: -1, max: dict.length - 1 }), { minLength: rows, maxLength: rows }).map((codes) => ({ kind, dict, codes: Int32Array.from(codes) })),
  );
}

/** Column names with a kind each; names are unicode, may be empty, never repeated. */
const layoutArb = fc.uniqueArray(fc.tuple(text, fc.constantFrom<Kind>('f64', 'dict', 'str')), { maxLength: 7, selector: ([name]) => name });

function setArb(layout: [string, Kind][], rows: number, subset = false): fc.Arbitrary<ColumnSet> {
  const cols = layout.map(([name, kind]) => (subset ? fc.option(columnArb(kind, rows), { nil: undefined }) : columnArb(kind, rows)).map((c) => [name, c] as const));
  return fc.tuple(...cols).map((pairs) => ({ rows, columns: new Map(pairs.filter((p): p is readonly [string, Column] => p[1] !== undefined)) }));
}

const setOfArb = fc.tuple(layoutArb, fc.nat({ max: 40 })).chain(([layout, rows]) => setArb(layout, rows));

function cell(col: Column | undefined, row: number): Cell {
  if (!col) return null;
  if (col.kind === 'f64') return col.values[row];
  if (col.kind === 'dict') return col.codes[row] < 0 ? null : col.dict[col.codes[row]];
  return col.values[row];
}

/** Cells compared with Object.is, so NaN equals NaN and -0 differs from 0. */
function sameCells(a: Cell[], b: Cell[]): boolean {
  return a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
}

const cells = (set: ColumnSet, name: string): Cell[] => Array.from({ length: set.rows }, (_, i) => cell(set.columns.get(name), i));

/** Exact physical equality: same kinds, same dictionaries and codes, same bits. */
function expectIdentical(got: ColumnSet, want: ColumnSet): void {
  expect(got.rows).toBe(want.rows);
  expect([...got.columns.keys()]).toEqual([...want.columns.keys()]);
  for (const [name, w] of want.columns) {
    const g = got.columns.get(name)!;
    expect(g.kind).toBe(w.kind);
    if (g.kind === 'f64' && w.kind === 'f64') expect(Buffer.from(g.values.buffer, g.values.byteOffset, g.values.byteLength)).toEqual(Buffer.from(w.values.buffer, w.values.byteOffset, w.values.byteLength));
    else if (g.kind === 'dict' && w.kind === 'dict') {
      expect(g.dict).toEqual(w.dict);
      expect(Array.from(g.codes)).toEqual(Array.from(w.codes));
    } else if (g.kind === 'str' && w.kind === 'str') expect(g.values).toEqual(w.values);
  }
}

describe('column block codec', () => {
  it('round-trips any column set exactly (unicode, empty strings, nulls, NaN, -0, infinities)', () => {
    fc.assert(fc.property(setOfArb, (set) => expectIdentical(decodeColumns(encodeColumns(set)), set)), { numRuns: 300 });
  });

  it('decodes the same from an unaligned copy of the blob', () => {
    fc.assert(
      fc.property(setOfArb, fc.integer({ min: 1, max: 7 }), (set, shift) => {
        const blob = encodeColumns(set);
        const host = Buffer.alloc(blob.length + shift);
        blob.copy(host, shift);
        expectIdentical(decodeColumns(host.subarray(shift)), set);
      }),
      { numRuns: 100 },
    );
  });

  it('decodes views the same as copies, aligned or not; aligned views share the blob', () => {
    fc.assert(
      fc.property(setOfArb, fc.integer({ min: 0, max: 7 }), (set, shift) => {
        const blob = encodeColumns(set);
        const host = Buffer.alloc(blob.length + 8);
        blob.copy(host, shift);
        const view = decodeColumns(host.subarray(shift, shift + blob.length), undefined, true);
        expectIdentical(view, set);
        for (const col of view.columns.values()) {
          const arr = col.kind === 'f64' ? col.values : col.kind === 'dict' ? col.codes : null;
          if (arr && arr.length > 0) expect(arr.buffer === host.buffer).toBe(shift % 8 === 0);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('decodes only the columns asked for', () => {
    fc.assert(
      fc.property(setOfArb, fc.array(fc.boolean(), { maxLength: 7 }), (set, pick) => {
        const names = [...set.columns.keys()].filter((_, i) => pick[i]);
        const got = decodeColumns(encodeColumns(set), new Set(names));
        expectIdentical(got, { rows: set.rows, columns: new Map(names.map((n) => [n, set.columns.get(n)!])) });
      }),
      { numRuns: 150 },
    );
  });

  it('refuses a buffer that is not a block', () => {
    expect(() => decodeColumns(Buffer.from('not a block at all'))).toThrow(/not a driftwatch column block/);
    expect(() => decodeColumns(new Uint8Array(3))).toThrow();
  });

  it('distinguishes a null string from an empty one and keeps missing dictionary codes', () => {
    const set: ColumnSet = {
      rows: 3,
      columns: new Map<string, Column>([
        ['s', { kind: 'str', values: ['', null, 'x'] }],
        ['d', { kind: 'dict', dict: [''], codes: Int32Array.from([0, -1, 0]) }],
      ]),
    };
    const back = decodeColumns(encodeColumns(set));
    expect(cells(back, 's')).toEqual(['', null, 'x']);
    expect(cells(back, 'd')).toEqual(['', null, '']);
  });
});

describe('concatColumnSets and takeColumnSet', () => {
  // parts share a layout, but each part may lack some of its columns
  const partsArb = layoutArb.chain((layout) =>
    fc.array(
      fc.nat({ max: 25 }).chain((rows) => setArb(layout, rows, true)),
      { minLength: 1, maxLength: 5 },
    ).map((parts) => ({ layout, parts })),
  );

  it('concatenates row by row: dictionaries merged and remapped, absent columns missing', () => {
    fc.assert(
      fc.property(partsArb, ({ layout, parts }) => {
        const out = concatColumnSets(parts);
        expect(out.rows).toBe(parts.reduce((s, p) => s + p.rows, 0));
        const present = layout.filter(([name]) => parts.some((p) => p.columns.has(name)));
        expect([...out.columns.keys()].sort()).toEqual(present.map(([n]) => n).sort());
        for (const [name, kind] of present) {
          const col = out.columns.get(name)!;
          expect(col.kind).toBe(kind);
          const missing = kind === 'f64' ? NaN : null;
          const want = parts.flatMap((p) => (p.columns.has(name) ? cells(p, name) : new Array<Cell>(p.rows).fill(missing)));
          expect(sameCells(cells(out, name), want)).toBe(true);
          if (col.kind === 'dict') expect(new Set(col.dict).size).toBe(col.dict.length);
        }
        // and the merged set survives the codec
        expectIdentical(decodeColumns(encodeColumns(out)), out);
      }),
      { numRuns: 200 },
    );
  });

  it('takes rows by index in the order given, repeats allowed', () => {
    fc.assert(
      fc.property(
        setOfArb.chain((set) => fc.tuple(fc.constant(set), fc.array(fc.nat({ max: Math.max(0, set.rows - 1) }), { maxLength: set.rows ? 30 : 0 }))),
        ([set, rows]) => {
          const out = takeColumnSet(set, rows);
          expect(out.rows).toBe(rows.length);
          for (const name of set.columns.keys()) {
            const all = cells(set, name);
            expect(sameCells(cells(out, name), rows.map((r) => all[r]))).toBe(true);
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
