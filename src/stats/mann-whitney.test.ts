import { describe, expect, it } from 'vitest';
import { mannWhitneyExactSf, mannWhitneyTwoSample } from './mann-whitney.js';
import { mergedRanks } from './ranks.js';

/** f(m, n, k): the number of rank splits with U = k, by the textbook recursion (additions only). */
function countsByRecursion(m: number, n: number): number[][][] {
  const f: number[][][] = [];
  for (let a = 0; a <= m; a++) {
    f.push([]);
    for (let b = 0; b <= n; b++) {
      const row = new Array<number>(a * b + 1).fill(0);
      for (let k = 0; k <= a * b; k++) {
        if (k === 0) row[k] = 1;
        else {
          const left = a > 0 && k - b >= 0 && k - b <= (a - 1) * b ? f[a - 1][b][k - b] : 0;
          const down = b > 0 && k <= a * (b - 1) ? f[a][b - 1][k] : 0;
          row[k] = left + down;
        }
      }
      f[a].push(row);
    }
  }
  return f;
}

describe('mannWhitneyExactSf', () => {
  it('matches the recursion of scipy _MWU for small and lopsided sizes', () => {
    for (const [m, n] of [
      [3, 4],
      [8, 8],
      [5, 60],
      [60, 2],
    ]) {
      const f = countsByRecursion(m, n)[m][n];
      const total = f.reduce((s, c) => s + c, 0);
      for (let u = 0; u <= m * n; u += Math.max(1, Math.floor((m * n) / 37))) {
        const sf = f.slice(u).reduce((s, c) => s + c, 0) / total;
        expect(mannWhitneyExactSf(u, m, n), `m=${m} n=${n} u=${u}`).toBeCloseTo(sf, 13);
      }
    }
  });
});

describe('mannWhitneyTwoSample', () => {
  it('uses the exact distribution only without ties and with a sample of at most 8', () => {
    expect(mannWhitneyTwoSample(Float64Array.from([1, 2, 3]), Float64Array.from([4, 5, 6, 7])).method).toBe('exact');
    expect(mannWhitneyTwoSample(Float64Array.from([1, 2, 4]), Float64Array.from([4, 5, 6, 7])).method).toBe('asymptotic');
    const nine = Float64Array.from({ length: 9 }, (_, i) => i);
    const tenMore = Float64Array.from({ length: 9 }, (_, i) => i + 0.5);
    expect(mannWhitneyTwoSample(nine, tenMore).method).toBe('asymptotic');
  });

  it('reports U1 of the first sample and the smallest two-sided p for complete separation', () => {
    const r = mannWhitneyTwoSample(Float64Array.from([1, 2, 3]), Float64Array.from([4, 5, 6, 7]));
    expect(r.statistic).toBe(0);
    expect(r.pValue).toBeCloseTo(2 / 35, 15);
  });
});

describe('mergedRanks', () => {
  it('gives average ranks to ties and the tie term Σ(t³ − t)', () => {
    // merged: 1 2 2 2 3 3 → ranks 1, 3, 3, 3, 5.5, 5.5
    const r = mergedRanks(Float64Array.from([1, 2, 3]), Float64Array.from([2, 2, 3]));
    expect(r.rankSumX).toBe(1 + 3 + 5.5);
    expect(r.tieTerm).toBe(24 + 6);
    expect(r.hasTies).toBe(true);
    expect(mergedRanks(Float64Array.from([1, 3]), Float64Array.from([2])).hasTies).toBe(false);
  });
});
