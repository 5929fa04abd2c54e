import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JsonBytes, Slot } from './json-bytes.js';
import { number, text, value, written } from './json-bytes.test-helpers.js';

// the compiled-code budgets (shapes, row writers) are per process: these tests have their own,
// apart from json-bytes.test.ts, whose random shapes use them up

describe('JsonBytes row writers (a whole row compiled into one function)', () => {
  it('writes rows of one shape through the whole-row writer, whatever their values (property)', () => {
    // a row of nested objects: after two rows the writer of the whole tree is compiled, then every
    // row goes through it; each leaf is mostly a number (the fixed-decimal path, with the decimals of
    // the row before), else any value: another type, an object of another shape, an array, undefined
    const leaf = fc.oneof({ weight: 6, arbitrary: number }, { weight: 1, arbitrary: value });
    const row = fc.record({
      id: fc.oneof(fc.string({ maxLength: 8 }), value),
      features: fc.oneof({ weight: 8, arbitrary: fc.record({ a: leaf, b: leaf, c: fc.oneof(text, leaf), d: leaf }) }, { weight: 1, arbitrary: value }),
      prediction: fc.record({ label: fc.oneof(text, leaf), scores: fc.oneof({ weight: 8, arbitrary: fc.record({ p: leaf, q: leaf }) }, { weight: 1, arbitrary: value }) }),
      last: leaf,
    });
    const slot = new Slot();
    const w = new JsonBytes(16, slot);
    const template = { id: 'x', features: { a: 1.5, b: 2.25, c: 'k', d: 0.125 }, prediction: { label: 'y', scores: { p: 0.5, q: 0.25 } }, last: 3.5 };
    for (let i = 0; i < 3; i++) expect(written(template, w)).toBe(JSON.stringify(template));
    expect(slot.tree).toBeDefined();
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 30 }), (rows) => {
        for (const r of rows) expect(written(r, w)).toBe(JSON.stringify(r));
        expect(written(template, w)).toBe(JSON.stringify(template));
      }),
      { numRuns: 1500 },
    );
    expect(slot.tree).toBeDefined();
  });

  it('writes each number of a compiled row exactly, keeping the decimals of each position (fixed-point fast path)', () => {
    const slot = new Slot();
    const w = new JsonBytes(16, slot);
    let seed = 11;
    const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const odd = [0, -0, 1e-6, 9.99e-7, 1e-7, 0.1, 0.3, 1 / 3, 9999.5, 10000.5, 123456.789, 2 ** 31 / 1000, 2147.483647, 2147.483648, 1e21, 5, -5, NaN, Infinity, 0.000001234, 1.23456789, 12.345678901];
    for (let i = 0; i < 30_000; i++) {
      const k = i % 10;
      const x = i % 50 === 0 ? odd[(i / 50) % odd.length] : (Math.round((random() - 0.3) * 10 ** (2 + (i % 7))) / 10 ** k) * (i % 3 ? 1 : 10 ** ((i % 5) - 2));
      // 70 numbers in w: the last ones past the numbers written inline, through the compiled fixedAt
      const wide: Record<string, number> = {};
      for (let j = 0; j < 70; j++) wide[`w${j}`] = j % 2 ? x * (j + 1) : Math.round(random() * 1e7) / 10 ** (j % 9);
      const r = { f: { a: x, b: Math.round(random() * 1e5) / 1e3, c: -x / 7 }, g: Math.round(random() * 1e6) / 1e4, w: wide };
      const got = written(r, w);
      if (got !== JSON.stringify(r)) expect(got).toBe(JSON.stringify(r));
    }
    expect(slot.tree).toBeDefined();
  });

  it('gives writers of rows of the same shape (two clients) the same function, each with its own positions', () => {
    const a = new Slot();
    const b = new Slot();
    const wa = new JsonBytes(16, a);
    const wb = new JsonBytes(16, b);
    for (let i = 0; i < 500; i++) {
      // the same keys; numbers of 3 decimals in one, of 5 (or integers) in the other
      const ra = { f: { x: (i * 7919) / 1000, s: `a${i}` }, n: i / 8 };
      const rb = { f: { x: i % 3 ? (i * 7919) / 100000 : i, s: `b${i}` }, n: -i / 1024 };
      expect(written(ra, wa)).toBe(JSON.stringify(ra));
      expect(written(rb, wb)).toBe(JSON.stringify(rb));
    }
    expect(a.tree).toBeDefined();
    expect(b.tree).toBeDefined();
    // one function (optimised once for every client), the positions (decimals) passed in per client
    expect(a.tree!.write).toBe(b.tree!.write);
    expect(a.tree!.slots).not.toBe(b.tree!.slots);
    expect(a.tree!.slots.some((s, j) => s.decimals !== b.tree!.slots[j].decimals)).toBe(true);
  });

  it('gives a row writer up for a new one when the shape of a nested object changes for good', () => {
    const slot = new Slot();
    const w = new JsonBytes(16, slot);
    const rows: object[] = [];
    for (let i = 0; i < 100; i++) rows.push({ f: { a: i / 4, b: 'x' }, n: i });
    for (const row of rows) expect(written(row, w)).toBe(JSON.stringify(row));
    const first = slot.tree;
    expect(first).toBeDefined();
    rows.length = 0;
    for (let i = 0; i < 100; i++) rows.push(i % 10 === 0 ? { f: null, n: i } : { f: { b: 'y', a: i / 8, c: true }, n: i });
    for (const row of rows) expect(written(row, w)).toBe(JSON.stringify(row));
    expect(slot.tree).toBeDefined();
    expect(slot.tree).not.toBe(first);
    // a null now and then, at a position that keeps its shape, leaves the writer as it is
    const second = slot.tree;
    for (const row of rows) expect(written(row, w)).toBe(JSON.stringify(row));
    expect(slot.tree).toBe(second);
  });
  it('gives any number of clients of one shape the row writer compiled once (repeat clients spend no budget)', () => {
    const clients = Array.from({ length: 100 }, () => ({ slot: new Slot() }));
    for (const c of clients) {
      const w = new JsonBytes(16, c.slot);
      for (let i = 0; i < 5; i++) {
        const r = { id: `r${i}`, f: { u: i / 4, v: -i, w: { z: i * 1.5 } } };
        expect(written(r, w)).toBe(JSON.stringify(r));
      }
    }
    const first = clients[0].slot.tree;
    expect(first).toBeDefined();
    for (const c of clients) expect(c.slot.tree?.write).toBe(first!.write);
  });
});
