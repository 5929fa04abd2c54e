import { describe, expect, it } from 'vitest';
import {
  categoricalFromNumeric,
  categoryKey,
  compareCategories,
  contingencyRows,
  fromCounts,
  prepareCategorical,
  unionCategories,
} from './categorical.js';
import { prepareNumeric } from './sort.js';

describe('prepareCategorical', () => {
  it('counts categories and missing values', () => {
    const s = prepareCategorical(['a', 'b', null, 'a', undefined, '', 'c', Number.NaN, Infinity, 'a']);
    expect(s.n).toBe(5);
    expect(s.missing).toBe(5);
    expect([...s.counts]).toEqual([
      ['a', 3],
      ['b', 1],
      ['c', 1],
    ]);
  });

  it('turns booleans and numbers into stable keys', () => {
    expect(categoryKey(true)).toBe('true');
    expect(categoryKey(false)).toBe('false');
    expect(categoryKey(1)).toBe('1');
    expect(categoryKey(1.0)).toBe('1');
    expect(categoryKey(-0)).toBe('0');
    expect(categoryKey(0.5)).toBe('0.5');
    expect(categoryKey('NA')).toBe('NA');
    expect(categoryKey(' ')).toBe(' ');
    expect(categoryKey(-Infinity)).toBeNull();
    const s = prepareCategorical([true, 'true', 1, '1']);
    expect(s.counts.get('true')).toBe(2);
    expect(s.counts.get('1')).toBe(2);
  });

  it('accepts any iterable', () => {
    function* gen(): Generator<string> {
      yield 'x';
      yield 'y';
      yield 'x';
    }
    expect(prepareCategorical(gen()).counts.get('x')).toBe(2);
  });
});

describe('fromCounts', () => {
  it('builds the same sample as prepareCategorical', () => {
    const a = prepareCategorical(['a', 'b', 'a', null]);
    const b = fromCounts({ a: 2, b: 1, c: 0 }, 1);
    expect(b.n).toBe(a.n);
    expect(b.missing).toBe(1);
    expect([...b.counts]).toEqual([...a.counts]);
    expect(fromCounts(new Map([['q', 4]])).n).toBe(4);
  });

  it('rejects negative or fractional counts', () => {
    expect(() => fromCounts({ a: -1 })).toThrow(RangeError);
    expect(() => fromCounts({ a: 1.5 })).toThrow(/non-negative integer/);
    expect(() => fromCounts({ a: 1 }, -2)).toThrow(RangeError);
  });
});

describe('category order', () => {
  it('puts numbers first by value, then strings by code units', () => {
    const keys = ['b', '10', 'B', '2', '-1.5', 'a', '1e3', '2.0', ' '];
    expect(keys.sort(compareCategories)).toEqual(['-1.5', '2', '2.0', '10', '1e3', ' ', 'B', 'a', 'b']);
  });

  it('takes the union of non-zero categories', () => {
    const cats = unionCategories(
      new Map([
        ['z', 1],
        ['3', 2],
        ['gone', 0],
      ]),
      new Map([['a', 1]]),
    );
    expect(cats).toEqual(['3', 'a', 'z']);
  });

  it('lays out the 2×k table in that order', () => {
    const t = contingencyRows(prepareCategorical(['y', 'x', 'x']), prepareCategorical(['z', 'y']));
    expect(t.categories).toEqual(['x', 'y', 'z']);
    expect([...t.reference]).toEqual([2, 1, 0]);
    expect([...t.current]).toEqual([0, 1, 1]);
  });
});

describe('categoricalFromNumeric', () => {
  it('counts each distinct value of a sorted sample', () => {
    const s = categoricalFromNumeric(prepareNumeric([3, 1, 3, Number.NaN, 2, 3, -0, 0]));
    expect([...s.counts]).toEqual([
      ['0', 2],
      ['1', 1],
      ['2', 1],
      ['3', 3],
    ]);
    expect(s.n).toBe(7);
    expect(s.missing).toBe(1);
  });
});
