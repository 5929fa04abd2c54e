import { describe, expect, it } from 'vitest';
import { categoricalDistribution, numericDistribution } from './distribution.js';

const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);

describe('numericDistribution', () => {
  it('bins both samples over their joint range, closed on the right', () => {
    const d = numericDistribution(Float64Array.of(0, 0.5, 1, 1.5, 2), Float64Array.of(1, 2, 3, 4), 4)!;
    expect(d.kind).toBe('numeric');
    if (d.kind !== 'numeric') return;
    expect(d.edges).toEqual([0, 1, 2, 3, 4]);
    expect(d.reference).toEqual([3 / 5, 2 / 5, 0, 0]);
    expect(d.current).toEqual([1 / 4, 1 / 4, 1 / 4, 1 / 4]);
  });

  it('gives integer-valued samples one bin per value', () => {
    const d = numericDistribution(Float64Array.of(1, 1, 2, 3), Float64Array.of(2, 3, 3, 5))!;
    if (d.kind !== 'numeric') throw new Error('numeric expected');
    expect(d.edges).toEqual([0.5, 1.5, 2.5, 3.5, 4.5, 5.5]);
    expect(d.reference).toEqual([0.5, 0.25, 0.25, 0, 0]);
    expect(d.current).toEqual([0, 0.25, 0.5, 0, 0.25]);
  });

  it('handles a constant sample and an empty side', () => {
    const d = numericDistribution(Float64Array.of(0.7, 0.7), new Float64Array(0))!;
    if (d.kind !== 'numeric') throw new Error('numeric expected');
    expect(d.edges).toEqual([0.7, 0.7]);
    expect(d.reference).toEqual([1]);
    expect(d.current).toEqual([0]);
    expect(numericDistribution(new Float64Array(0), new Float64Array(0))).toBeUndefined();
  });
});

describe('categoricalDistribution', () => {
  it('lists the most frequent categories of both sides and sums the rest as other', () => {
    const counts = (o: Record<string, number>) => ({ counts: new Map(Object.entries(o)), n: sum(Object.values(o)), missing: 0 });
    const d = categoricalDistribution(counts({ a: 50, b: 30, c: 15, d: 5 }), counts({ a: 40, b: 20, e: 40 }), 3);
    if (d.kind !== 'categorical') throw new Error('categorical expected');
    expect(d.categories).toEqual(['a', 'b', 'e']);
    expect(d.reference).toEqual([0.5, 0.3, 0]);
    expect(d.current).toEqual([0.4, 0.2, 0.4]);
    expect(d.other.reference).toBeCloseTo(0.2, 12);
    expect(d.other.current).toBeCloseTo(0, 12);
  });
});
