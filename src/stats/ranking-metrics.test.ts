import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { binaryRanking, ovrRanking, rankingFromSorted } from './ranking-metrics.js';

/** O(n1·n0) definition: P(score_pos > score_neg) + ½ P(tie). */
function bruteAuc(scores: number[], positive: number[]): number | null {
  let wins = 0;
  let pairs = 0;
  for (let i = 0; i < scores.length; i++) {
    if (!positive[i]) continue;
    for (let j = 0; j < scores.length; j++) {
      if (positive[j]) continue;
      pairs++;
      wins += scores[i] > scores[j] ? 1 : scores[i] === scores[j] ? 0.5 : 0;
    }
  }
  return pairs ? wins / pairs : null;
}

/** Average precision by its definition: mean over positives of precision at their score threshold. */
function bruteAp(scores: number[], positive: number[]): number | null {
  const npos = positive.filter(Boolean).length;
  if (!npos) return null;
  let total = 0;
  for (let i = 0; i < scores.length; i++) {
    if (!positive[i]) continue;
    let above = 0;
    let posAbove = 0;
    for (let j = 0; j < scores.length; j++) {
      if (scores[j] >= scores[i]) {
        above++;
        if (positive[j]) posAbove++;
      }
    }
    total += posAbove / above;
  }
  return total / npos;
}

const sample = fc.array(fc.record({ s: fc.integer({ min: 0, max: 8 }), y: fc.integer({ min: 0, max: 1 }) }), {
  minLength: 1,
  maxLength: 80,
});

describe('binaryRanking', () => {
  it('equals the pairwise definition of ROC-AUC and the per-positive definition of AP, ties included', () => {
    fc.assert(
      fc.property(sample, (rows) => {
        const scores = rows.map((r) => r.s / 8);
        const y = rows.map((r) => r.y);
        const m = binaryRanking(Float64Array.from(scores), Uint8Array.from(y));
        const auc = bruteAuc(scores, y);
        const ap = bruteAp(scores, y);
        if (auc === null) expect(m.roc_auc).toBeNull();
        else expect(m.roc_auc).toBeCloseTo(auc, 12);
        if (ap === null) expect(m.average_precision).toBeNull();
        else expect(m.average_precision).toBeCloseTo(ap, 12);
      }),
      { numRuns: 300 },
    );
  });

  it('mirrors under negated scores: AUC(−s) = 1 − AUC(s)', () => {
    fc.assert(
      fc.property(sample, (rows) => {
        const y = Uint8Array.from(rows.map((r) => r.y));
        const a = binaryRanking(Float64Array.from(rows.map((r) => r.s)), y).roc_auc;
        const b = binaryRanking(Float64Array.from(rows.map((r) => -r.s)), y).roc_auc;
        if (a === null) expect(b).toBeNull();
        else expect(b).toBeCloseTo(1 - a, 12);
      }),
    );
  });

  it('gives 0.5 and the prevalence for constant scores', () => {
    const m = binaryRanking(new Float64Array(10).fill(0.3), Uint8Array.from([1, 0, 0, 1, 0, 0, 0, 1, 0, 0]));
    expect(m.roc_auc).toBe(0.5);
    expect(m.average_precision).toBeCloseTo(0.3, 15);
  });

  it('handles large inputs through the radix sort path', () => {
    const n = 50_000;
    const scores = new Float64Array(n);
    const y = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      y[i] = i % 3 === 0 ? 1 : 0;
      scores[i] = y[i] ? 0.5 + (i % 97) / 200 : (i % 89) / 200;
    }
    // positives all ≥ 0.5 > negatives' max 0.44: perfect separation
    expect(binaryRanking(scores, y)).toEqual({ roc_auc: 1, average_precision: 1 });
  });
});

describe('rankingFromSorted and ovrRanking', () => {
  it('counts a positive-negative tie as one half', () => {
    expect(rankingFromSorted(Float64Array.from([0.5]), Float64Array.from([0.5])).roc_auc).toBe(0.5);
    expect(rankingFromSorted(Float64Array.from([0.2, 0.9]), Float64Array.from([0.5])).roc_auc).toBe(0.5);
  });

  it('leaves a class absent from the truth out of the macro mean', () => {
    const probs = Float64Array.from([0.7, 0.2, 0.1, 0.2, 0.7, 0.1, 0.6, 0.3, 0.1, 0.3, 0.6, 0.1]);
    const m = ovrRanking(Int32Array.from([0, 1, 0, 1]), probs, 3);
    expect(m.per_class[2]).toEqual({ roc_auc: null, average_precision: null });
    expect(m.roc_auc).toBe(1);
    expect(m.average_precision).toBe(1);
  });
});

describe('ranking input checks', () => {
  it('rejects NaN scores instead of looping', () => {
    expect(() => binaryRanking(Float64Array.from([0.1, NaN]), Uint8Array.from([1, 0]))).toThrow(RangeError);
    expect(() => binaryRanking(Float64Array.from([0.1]), Uint8Array.from([1, 0]))).toThrow(RangeError);
  });
});
