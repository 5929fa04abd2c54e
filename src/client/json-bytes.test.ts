import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConstantBytes, JsonBytes, Slot } from './json-bytes.js';
import { key, number, text, value, written } from './json-bytes.test-helpers.js';

describe('JsonBytes', () => {
  it('writes exactly what JSON.stringify writes, as UTF-8 (property)', () => {
    fc.assert(
      fc.property(fc.dictionary(key, value, { maxKeys: 8 }), (row) => {
        const w = new JsonBytes(16);
        // thrice into the same writer: then through the shapes compiled from the first times. It
        // gives up only on a row that has a toJSON (JSON.stringify's answer is then not the row's)
        const expected = typeof row.toJSON === 'function' ? undefined : JSON.stringify(row);
        for (let i = 0; i < 3; i++) expect(written(row, w)).toBe(expected);
      }),
      { numRuns: 3000 },
    );
  });

  it('writes numbers as Number::toString does, remembering decimals per position without getting them wrong (property)', () => {
    const slot = new Slot();
    const w = new JsonBytes(64);
    fc.assert(
      fc.property(fc.array(number, { minLength: 1, maxLength: 20 }), (xs) => {
        for (const x of xs) {
          w.at = 0;
          w.numberIn(x, slot); // one slot for all: every hint is tried on every kind of number
          expect(w.buf.toString('latin1', 0, w.at)).toBe(JSON.stringify(x));
        }
      }),
      { numRuns: 5000 },
    );
    for (let i = 0; i < 200_000; i++) {
      const x = i % 2 ? Math.random() * 10 ** ((i % 30) - 10) : Math.round(Math.random() * 1e7) / 10 ** (i % 11);
      w.at = 0;
      w.numberIn(i % 3 ? x : -x, slot);
      const got = w.buf.toString('latin1', 0, w.at);
      if (got !== JSON.stringify(i % 3 ? x : -x)) expect(got).toBe(JSON.stringify(i % 3 ? x : -x));
    }
  });

  it('writes strings as JSON.stringify quotes them: escapes, multi-byte text, surrogate pairs and lone surrogates', () => {
    const w = new JsonBytes(16);
    const cases = ['', 'plain', 'a"b\\c', '\n\r\t\b\f\u0000\u001f\u007f', 'Zürich', '日本', '🚀', 'x\ud800y', '\udc00', 'end\ud83d', 'x'.repeat(200), `${'é'.repeat(60)}"`, '\u2028\u2029'];
    for (const s of cases) {
      w.at = 0;
      w.string(s);
      expect(w.buf.toString('utf8', 0, w.at)).toBe(JSON.stringify(s));
      expect(Buffer.compare(w.buf.subarray(0, w.at), Buffer.from(JSON.stringify(s)))).toBe(0);
    }
  });

  it('copies ASCII strings and constant bytes of any length (four bytes at a time) without touching what follows', () => {
    const w = new JsonBytes(16);
    const alphabet = '0123456789abcdef-';
    for (let len = 0; len <= 70; len++) {
      const s = Array.from({ length: len }, (_, i) => alphabet[(i * 7 + len) % alphabet.length]).join('');
      w.at = 0;
      w.asciiString(s);
      w.constant(new ConstantBytes(`,"k${s}":`));
      w.repeatedInteger(1_700_000_000_000 + (len >> 2)); // the same integer four times in a row: its kept digits
      w.byte(125);
      expect(w.buf.toString('latin1', 0, w.at)).toBe(`${JSON.stringify(s)},"k${s}":${1_700_000_000_000 + (len >> 2)}}`);
    }
  });

  it('follows toJSON, leaves out undefined, functions and symbols, writes null for them in arrays', () => {
    const row = {
      at: new Date(Date.UTC(2026, 0, 2, 3, 4, 5)),
      keyed: { toJSON: (k: string) => `key ${k}` },
      skipped: undefined,
      fn: () => 1,
      sym: Symbol('s'),
      list: [undefined, () => 1, Symbol('t'), new Date(0), { toJSON: (k: string) => k }, NaN, -0],
      nested: { a: { b: { c: [1, [2, [3]]] } } },
      nullProto: Object.assign(Object.create(null) as object, { x: 1 }),
      last: undefined,
    };
    expect(written(row)).toBe(JSON.stringify(row));
    expect(written({ a: undefined })).toBe('{}');
    expect(written({})).toBe('{}');
  });

  it('gives a row up (writing nothing) when it cannot match JSON.stringify exactly', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    class Point {
      x = 1;
    }
    const deep: Record<string, unknown> = {};
    let at = deep;
    for (let i = 0; i < 100; i++) at = (at.next = {}) as Record<string, unknown>;
    const w = new JsonBytes(16);
    w.raw('prefix');
    for (const row of [
      cyclic,
      deep,
      { n: 1n },
      { p: new Point() },
      { boxed: new Number(1) },
      { m: new Map() },
      { answer: { toJSON: () => ({ nested: true }) } },
      {
        get boom(): number {
          throw new Error('getter');
        },
      },
      new Point(),
      [1, 2],
      { toJSON: () => 'text' },
    ])
      expect(written(row, w)).toBeUndefined();
    expect(w.buf.toString('utf8', 0, w.at)).toBe('prefix');
  });

  it('sees a shape change between rows: a key added, removed, reordered or a value of another type', () => {
    const w = new JsonBytes(16);
    const rows: object[] = [];
    for (let i = 0; i < 50; i++) rows.push({ a: i, b: `s${i}`, c: { x: i / 10 } });
    rows.push({ b: 'first', a: 1, c: { x: 1 } }, { a: 1, b: 'x', c: { x: 1, y: 2 } }, { a: 1, c: { x: 1 } }, { a: '1', b: 2, c: [1] }, { a: 1, b: 'x', c: { x: 1 }, d: true }, { a: 1, b: undefined, c: null });
    for (const row of rows) expect(written(row, w)).toBe(JSON.stringify(row));
  });

  it('writes objects used as maps (other keys in every row) and comes back to shapes when they settle', () => {
    const w = new JsonBytes(16);
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const rows: object[] = [];
    for (let i = 0; i < 3000; i++) {
      const tokens: Record<string, number> = {};
      for (let j = 0; j < 5; j++) tokens[`t${Math.floor(random() * 500)}`] = Math.round(random() * 1000) / 100;
      // the first 1,500 rows: a new key set each time; then one shape over and over
      rows.push(i < 1500 ? { features: tokens, label: 'x' } : { features: { a: i / 4, b: `s${i}` }, label: 'y' });
    }
    for (const row of rows) expect(written(row, w)).toBe(JSON.stringify(row));
  });

  it('grows its buffer as needed and keeps what it wrote', () => {
    const w = new JsonBytes(16);
    const big = { s: 'x'.repeat(10_000), t: 'ü'.repeat(5_000), n: Array.from({ length: 1000 }, (_, i) => i / 7) };
    const out: string[] = [];
    for (let i = 0; i < 20; i++) {
      out.push(written(big, w)!);
      w.byte(10);
    }
    expect(w.buf.toString('utf8', 0, w.at)).toBe(`${JSON.stringify(big)}\n`.repeat(20));
  });
});
