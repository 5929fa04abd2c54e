import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ADD_ID, OUTCOME, RowQueue } from './row-queue.js';

describe('RowQueue', () => {
  it('is FIFO across wrap-around, with flags and times kept beside each row', () => {
    const q = new RowQueue(4);
    for (let i = 0; i < 3; i++) q.push({ i }, `id${i}`, i === 1 ? OUTCOME : ADD_ID, 100 + i);
    expect(q.take(2)).toEqual({ rows: [{ i: 0 }, { i: 1 }], ids: ['id0', 'id1'], flags: [ADD_ID, OUTCOME], times: [100, 101] });
    for (let i = 3; i < 6; i++) q.push({ i }, `id${i}`, 0, 100 + i);
    expect(q.full).toBe(true);
    q.dropOldest();
    expect(q.size).toBe(3);
    expect(q.take(10).ids).toEqual(['id3', 'id4', 'id5']);
    expect(q.size).toBe(0);
    expect(q.take(5).rows).toEqual([]);
  });

  it('behaves like an array used as a bounded queue (property)', () => {
    const op = fc.oneof(fc.constant({ t: 'push' as const }), fc.constant({ t: 'drop' as const }), fc.integer({ min: 1, max: 7 }).map((n) => ({ t: 'take' as const, n })));
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9 }), fc.array(op, { maxLength: 200 }), (cap, ops) => {
        const q = new RowQueue(cap);
        const model: string[] = [];
        let next = 0;
        for (const o of ops) {
          if (o.t === 'push') {
            if (q.full) continue;
            const id = `r${next++}`;
            q.push({ id }, id, 0, next);
            model.push(id);
          } else if (o.t === 'drop') {
            q.dropOldest();
            model.shift();
          } else {
            expect(q.take(o.n).ids).toEqual(model.splice(0, o.n));
          }
          expect(q.size).toBe(model.length);
          expect(q.full).toBe(model.length === cap);
        }
      }),
    );
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => new RowQueue(0)).toThrow(RangeError);
    expect(() => new RowQueue(1.5)).toThrow(RangeError);
  });
});
