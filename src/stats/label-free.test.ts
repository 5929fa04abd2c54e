import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareLabelFree, labelFreeChange, labelFreeSummary } from './label-free.js';

interface LabelFreeCase {
  name: string;
  k: number;
  y_pred: number[];
  probabilities: number[];
  expected: { confidence_mean: number; confidence_std: number; class_shares: number[]; mean_entropy: number; class_share_entropy: number };
}

const fixture = JSON.parse(
  readFileSync(new URL('../../test/fixtures/stats/model-metrics.json', import.meta.url), 'utf8'),
) as { label_free: LabelFreeCase[] };

function close(actual: number | null, expected: number): void {
  expect(actual).not.toBeNull();
  expect(Math.abs(actual! - expected)).toBeLessThanOrEqual(1e-9 * Math.abs(expected) + 1e-15);
}

describe('labelFreeSummary against numpy/scipy fixtures', () => {
  it('has the cases the generator promises', () => expect(fixture.label_free.length).toBeGreaterThanOrEqual(2));
  for (const c of fixture.label_free) {
    it(c.name, () => {
      const s = labelFreeSummary(Int32Array.from(c.y_pred), c.k, Float64Array.from(c.probabilities));
      close(s.confidence_mean, c.expected.confidence_mean);
      close(s.confidence_std, c.expected.confidence_std);
      close(s.mean_entropy, c.expected.mean_entropy);
      close(s.class_share_entropy, c.expected.class_share_entropy);
      c.expected.class_shares.forEach((v, i) => close(s.class_shares[i], v));
    });
  }
});

describe('label-free behaviour', () => {
  it('summarises predictions without probabilities and on no rows', () => {
    const s = labelFreeSummary(Int32Array.from([0, 0, 1, 2]), 3);
    expect(s.class_shares).toEqual([0.5, 0.25, 0.25]);
    expect(s.class_share_entropy).toBeCloseTo(1.5 * Math.LN2, 14);
    expect(s.confidence_mean).toBeNull();
    const empty = labelFreeSummary(new Int32Array(0), 2, new Float64Array(0));
    expect(empty).toEqual({ n: 0, class_shares: [0, 0], class_share_entropy: null, confidence_mean: null, confidence_std: null, mean_entropy: null });
    expect(() => labelFreeSummary(Int32Array.from([3]), 3)).toThrow(RangeError);
    expect(() => labelFreeSummary(Int32Array.from([0]), 2, new Float64Array(3))).toThrow(RangeError);
  });

  it('reports the change against the reference', () => {
    const reference = labelFreeSummary(Int32Array.from([0, 1, 0, 1]), 2, Float64Array.from([0.9, 0.1, 0.2, 0.8, 0.9, 0.1, 0.2, 0.8]));
    const cmp = compareLabelFree(reference, Int32Array.from([0, 0, 0, 1]), 2, Float64Array.from([0.6, 0.4, 0.6, 0.4, 0.6, 0.4, 0.4, 0.6]));
    expect(cmp.change.class_shares[0]).toBeCloseTo(0.25, 15);
    expect(cmp.change.class_share_shift).toBeCloseTo(0.25, 15);
    expect(cmp.change.confidence_mean).toBeCloseTo(0.6 - 0.85, 14);
    expect(cmp.change.mean_entropy!).toBeGreaterThan(0);
    expect(labelFreeChange(reference, reference).class_share_shift).toBe(0);
    expect(() => labelFreeChange(reference, labelFreeSummary(Int32Array.from([0]), 3))).toThrow(RangeError);
  });

  it('keeps entropies within [0, ln k] and ignores row order', () => {
    const rows = fc.array(fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 3, maxLength: 3 }), { minLength: 1, maxLength: 40 });
    fc.assert(
      fc.property(rows, (rs) => {
        const build = (list: number[][]) => {
          const probs = new Float64Array(list.length * 3);
          const pred = new Int32Array(list.length);
          list.forEach((w, i) => {
            const total = w[0] + w[1] + w[2] || 1;
            const p = total === 1 && w.every((x) => x === 0) ? [1, 0, 0] : w.map((x) => x / total);
            probs.set(p, i * 3);
            pred[i] = p.indexOf(Math.max(...p));
          });
          return labelFreeSummary(pred, 3, probs);
        };
        const a = build(rs);
        const b = build([...rs].reverse());
        for (const key of ['confidence_mean', 'confidence_std', 'mean_entropy', 'class_share_entropy'] as const) {
          expect(b[key]).toBeCloseTo(a[key]!, 12);
        }
        expect(a.mean_entropy! >= 0 && a.mean_entropy! <= Math.log(3) + 1e-12).toBe(true);
        expect(a.class_share_entropy! >= 0 && a.class_share_entropy! <= Math.log(3) + 1e-12).toBe(true);
      }),
    );
  });
});
