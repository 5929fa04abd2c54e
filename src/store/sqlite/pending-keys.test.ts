import { describe, expect, it } from 'vitest';
import { PendingKeyIndex, hashOf } from './pending-keys.js';

const hits = (index: PendingKeyIndex, model: string, id: string) => {
  const out: [number, number][] = [];
  index.find(model, id, (b, r) => {
    out.push([b, r]);
    return false;
  });
  return out;
};

describe('PendingKeyIndex', () => {
  it('finds every key it holds at its block and row, through growth', () => {
    const index = new PendingKeyIndex(16);
    for (let b = 1; b <= 30; b++) index.addBlock(b, b % 2 ? 'm1' : 'm2', Array.from({ length: 500 }, (_, r) => `id-${b}-${r}`));
    expect(index.size).toBe(15_000);
    expect(index.pendingRows).toBe(15_000);
    expect(index.maxBlockId).toBe(30);
    expect(hits(index, 'm1', 'id-7-499')).toEqual([[7, 499]]);
    expect(hits(index, 'm2', 'id-30-0')).toEqual([[30, 0]]);
    // the model is part of the key
    expect(hits(index, 'm2', 'id-7-499')).toEqual([]);
    expect(hits(index, 'm1', 'nope')).toEqual([]);
  });

  it('drops removed blocks and skips null ids; adding a block twice is a no-op', () => {
    const index = new PendingKeyIndex();
    index.addBlock(1, 'm', ['a', null, 'b']);
    index.addBlock(2, 'm', ['c', 'a']);
    index.addBlock(2, 'm', ['c', 'a']);
    expect(hits(index, 'm', 'a')).toEqual(expect.arrayContaining([[1, 0], [2, 1]]));
    expect(index.size).toBe(4);
    index.removeBlocks([1, 99]);
    expect(hits(index, 'm', 'a')).toEqual([[2, 1]]);
    expect(hits(index, 'm', 'b')).toEqual([]);
    expect(index.pendingRows).toBe(2);
    index.clear();
    expect(index.size).toBe(0);
    expect(index.maxBlockId).toBe(0);
  });

  it('stops at the first accepted candidate', () => {
    const index = new PendingKeyIndex();
    index.addBlock(1, 'm', ['a']);
    index.addBlock(2, 'm', ['a']);
    let calls = 0;
    expect(index.find('m', 'a', () => ++calls === 1)).toBe(true);
    expect(calls).toBe(1);
  });

  it('hashes deterministically, separating model from id', () => {
    expect(hashOf('m', 'abc')).toEqual(hashOf('m', 'abc'));
    expect(hashOf('ma', 'bc')).not.toEqual(hashOf('m', 'abc'));
    const seen = new Set<string>();
    for (let i = 0; i < 50_000; i++) seen.add(hashOf('model', `prediction-${i}`).join(':'));
    expect(seen.size).toBe(50_000);
  });

  it('removes a few blocks at a time without losing or resurrecting keys (compaction swaps blocks round after round)', () => {
    const index = new PendingKeyIndex(16);
    const ids = (b: number) => Array.from({ length: 3 }, (_, r) => `k-${b}-${r}`);
    for (let b = 1; b <= 400; b++) index.addBlock(b, 'm', ids(b));
    // rounds: 10 blocks out, one new block holding their keys in
    let next = 401;
    for (let first = 1; first <= 391; first += 10) {
      const out = Array.from({ length: 10 }, (_, k) => first + k);
      index.removeBlocks(out);
      index.addBlock(next++, 'm', out.flatMap(ids));
    }
    expect(index.pendingRows).toBe(1200);
    expect(index.size).toBe(1200);
    for (const b of [1, 57, 200, 400]) {
      for (const id of ids(b)) {
        const h = hits(index, 'm', id);
        expect(h).toHaveLength(1);
        expect(h[0][0]).toBe(401 + Math.floor((b - 1) / 10));
      }
    }
  });
});
