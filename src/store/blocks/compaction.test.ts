import { describe, expect, it } from 'vitest';
import { decodeColumns, encodeColumns } from './codec.js';
import type { Column, ColumnSet } from './columns.js';
import { compactionOptions, mergeBlocks, planRound, type SmallBlock } from './compaction.js';

const block = (id: number, day: number, rows: number, model = 'm'): SmallBlock => ({ id, model_id: model, schema_version: 1, day, row_count: rows });

function set(ts: number[], ids: string[], extra?: [string, Column]): ColumnSet {
  const columns = new Map<string, Column>([
    ['ts', { kind: 'f64', values: Float64Array.from(ts) }],
    ['id', { kind: 'str', values: ids }],
  ]);
  if (extra) columns.set(extra[0], extra[1]);
  return { rows: ts.length, columns };
}

describe('planRound', () => {
  it('takes groups of two or more blocks, in order, until the budget', () => {
    const listed = [block(1, 1, 3), block(2, 2, 3), block(3, 2, 3), block(4, 3, 3), block(5, 3, 3), block(6, 3, 3)];
    const all = planRound(listed, 100);
    expect(all.complete).toBe(true);
    expect(all.groups.map((g) => g.blocks.map((b) => b.id))).toEqual([[2, 3], [4, 5, 6]]);
    // 8 rows: the second group is cut after two of its blocks (always at least two)
    const cut = planRound(listed, 8);
    expect(cut.complete).toBe(false);
    expect(cut.groups.map((g) => g.blocks.map((b) => b.id))).toEqual([[2, 3], [4, 5]]);
    expect(planRound(listed, 100, 4).groups.map((g) => g.blocks.map((b) => b.id))).toEqual([[2, 3], [4, 5]]);
  });

  it('stops reading the listing once the round is full', () => {
    let read = 0;
    function* listing(): Generator<SmallBlock> {
      for (let i = 1; i <= 1000; i++, read++) yield block(i, 1, 2);
    }
    const r = planRound(listing(), 20);
    expect(r.groups[0].blocks).toHaveLength(10);
    expect(read).toBeLessThan(12);
  });
});

describe('mergeBlocks', () => {
  it('sorts by time, keeps the originals’ order among equal times, splits into equal parts', () => {
    const a = encodeColumns(set([5, 1, 3], ['a5', 'a1', 'a3']));
    const b = encodeColumns(set([3, 0, 5], ['b3', 'b0', 'b5'], ['x', { kind: 'dict', dict: ['q'], codes: Int32Array.from([0, -1, 0]) }]));
    const out = mergeBlocks([a, b], 4)!;
    expect(out.map((o) => o.rows)).toEqual([3, 3]);
    const back = out.map((o) => decodeColumns(o.data));
    expect(back.flatMap((s) => (s.columns.get('id') as { values: string[] }).values)).toEqual(['b0', 'a1', 'a3', 'b3', 'a5', 'b5']);
    expect(out.map((o) => [o.minTs, o.maxTs])).toEqual([
      [0, 3],
      [3, 5],
    ]);
    expect(out.flatMap((o) => o.ids)).toEqual(['b0', 'a1', 'a3', 'b3', 'a5', 'b5']);
    // a column one original lacks is missing for its rows
    const x = back.flatMap((s) => {
      const c = s.columns.get('x') as { dict: string[]; codes: Int32Array };
      return Array.from(c.codes, (k) => (k < 0 ? null : c.dict[k]));
    });
    expect(x).toEqual([null, null, null, 'q', null, 'q']);
  });

  it('refuses blocks whose column kinds disagree', () => {
    const a = encodeColumns(set([1], ['a'], ['x', { kind: 'f64', values: Float64Array.from([1]) }]));
    const b = encodeColumns(set([2], ['b'], ['x', { kind: 'str', values: ['1'] }]));
    expect(mergeBlocks([a, b], 10)).toBeNull();
  });

  it('checks options', () => {
    expect(compactionOptions()).toEqual({ minRows: 2000, maxRowsPerBlock: 20000, roundRows: 20000, roundBlocks: 32 });
    expect(() => compactionOptions({ roundBlocks: 1 })).toThrow(/roundBlocks/);
  });
});
