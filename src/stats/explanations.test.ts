import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sharesInBins } from './binning.js';
import { compareAttributions, explanationDrift, spearman, summarizeAttributions } from './explanations.js';
import { psiFromShares } from './psi.js';

interface ExplanationCase {
  name: string;
  features: string[];
  reference: number[];
  current: number[];
  expected: {
    spearman: number | null;
    features: { reference_importance: number; current_importance: number; edges: number[]; js: number; psi: number; kl: number }[];
  };
}

const fixture = JSON.parse(
  readFileSync(new URL('../../test/fixtures/stats/model-metrics.json', import.meta.url), 'utf8'),
) as { explanations: ExplanationCase[] };

function close(actual: number | null, expected: number | null): void {
  if (expected === null) return expect(actual).toBeNull();
  expect(Math.abs(actual! - expected)).toBeLessThanOrEqual(1e-9 * Math.abs(expected) + 1e-15);
}

describe('explanationDrift against scipy fixtures', () => {
  it('has the cases the generator promises', () => expect(fixture.explanations.length).toBeGreaterThanOrEqual(2));
  for (const c of fixture.explanations) {
    it(c.name, () => {
      const d = explanationDrift(Float64Array.from(c.reference), Float64Array.from(c.current), c.features);
      close(d.spearman, c.expected.spearman);
      const summary = summarizeAttributions(Float64Array.from(c.reference), c.features);
      c.expected.features.forEach((e, j) => {
        expect(summary.features[j].edges).toEqual(e.edges);
        close(d.features[j].reference_importance, e.reference_importance);
        close(d.features[j].current_importance, e.current_importance);
        close(d.features[j].jensen_shannon, e.js);
        close(d.features[j].psi, e.psi);
        close(d.features[j].kl_divergence, e.kl);
      });
    });
  }
});

describe('explanation drift behaviour', () => {
  it('ranks features by mean |attribution| and follows a swap of importance', () => {
    // reference: a matters most, then b, then c; current: c, then b, then a
    const ref = Float64Array.from([0.9, -0.5, 0.1, -0.8, 0.4, -0.1, 1.0, 0.6, 0.05]);
    const cur = Float64Array.from([0.1, -0.5, 0.9, -0.05, 0.4, -0.8, 0.1, 0.6, 1.0]);
    const d = explanationDrift(ref, cur, ['a', 'b', 'c']);
    expect(d.reference_ranking).toEqual(['a', 'b', 'c']);
    expect(d.current_ranking).toEqual(['c', 'b', 'a']);
    expect(d.features.map((f) => [f.reference_rank, f.current_rank])).toEqual([[1, 3], [2, 2], [3, 1]]);
    expect(d.spearman).toBe(-1);
  });

  it('finds no divergence for identical attributions and skips non-finite values', () => {
    const ref = Float64Array.from({ length: 400 }, (_, i) => Math.sin(i) * (i % 2 ? 1 : 0.2));
    const summary = summarizeAttributions(ref, ['x', 'y']);
    const withNaN = Float64Array.from([...ref, NaN, NaN]);
    const d = compareAttributions(summary, withNaN);
    for (const f of d.features) {
      expect(f.jensen_shannon).toBe(0);
      expect(f.psi).toBe(0);
      expect(f.kl_divergence).toBe(0);
    }
    expect(d.spearman).toBe(1);
    expect(() => compareAttributions(summary, new Float64Array(3))).toThrow(RangeError);
  });

  it('reports null divergence for a feature without finite attributions', () => {
    const d = explanationDrift(Float64Array.from([NaN, 1, NaN, 2]), Float64Array.from([0.5, 1, 0.1, 3]), ['gone', 'kept']);
    expect(d.features[0]).toMatchObject({ reference_importance: null, jensen_shannon: null, current_rank: 2 });
    expect(d.features[1].current_importance).toBe(2);
  });
});

describe('binning of current attributions', () => {
  it('gives the shares of binning.ts on the sorted column', () => {
    const col = fc.array(fc.integer({ min: -20, max: 20 }), { minLength: 1, maxLength: 120 });
    fc.assert(
      fc.property(col, col, (refInts, curInts) => {
        const ref = Float64Array.from(refInts, (v) => v / 10);
        const cur = Float64Array.from(curInts, (v) => v / 10);
        const summary = summarizeAttributions(ref, ['x']);
        const expected = psiFromShares(Float64Array.from(summary.features[0].shares), sharesInBins(cur.slice().sort(), Float64Array.from(summary.features[0].edges)));
        expect(compareAttributions(summary, cur).features[0].psi).toBe(expected);
      }),
    );
  });
});

describe('spearman', () => {
  it('matches hand-computed values with ties and is null for constant input', () => {
    // ranks a = [1, 2.5, 2.5, 4], b = [1, 2, 3, 4]
    expect(spearman([1, 2, 2, 3], [10, 20, 30, 40])).toBeCloseTo(4.5 / Math.sqrt(4.5 * 5), 14);
    expect(spearman([1, 1, 1], [1, 2, 3])).toBeNull();
    expect(spearman([1], [2])).toBeNull();
  });

  it('is symmetric, in [-1, 1], and invariant to a monotone transform', () => {
    const vec = fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 2, maxLength: 20 });
    fc.assert(
      fc.property(vec, vec, (a0, b0) => {
        const n = Math.min(a0.length, b0.length);
        const a = a0.slice(0, n);
        const b = b0.slice(0, n);
        const r = spearman(a, b);
        expect(spearman(b, a)).toBe(r);
        expect(spearman(a.map((v) => Math.exp(v)), b)).toBe(r);
        if (r !== null) expect(r >= -1 - 1e-12 && r <= 1 + 1e-12).toBe(true);
      }),
    );
  });
});
