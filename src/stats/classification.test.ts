import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classificationMetrics } from './classification.js';
import type { PrfScores } from './classification.js';

interface PrfFixture { precision: number; recall: number; f1: number }
interface ClassificationCase {
  name: string;
  labels: string[];
  positive_label: number;
  y_true: number[];
  y_pred: number[];
  probabilities: number[];
  expected: {
    n: number;
    accuracy: number;
    confusion_matrix: number[][];
    per_class: (PrfFixture & { support: number })[];
    macro: PrfFixture;
    weighted: PrfFixture;
    binary: PrfFixture | null;
    roc_auc: number | null;
    pr_auc: number | null;
    log_loss: number;
    brier_score: number;
    calibration: { ece: number };
  };
}

const fixture = JSON.parse(
  readFileSync(new URL('../../test/fixtures/stats/model-metrics.json', import.meta.url), 'utf8'),
) as { classification: ClassificationCase[] };

function close(actual: number | null | undefined, expected: number | null, rel = 1e-9): void {
  if (expected === null) {
    expect(actual).toBeNull();
    return;
  }
  expect(actual).not.toBeNull();
  const a = actual as number;
  expect(Math.abs(a - expected)).toBeLessThanOrEqual(rel * Math.max(Math.abs(a), Math.abs(expected)) + 1e-15);
}

function closePrf(actual: PrfScores | null, expected: PrfFixture): void {
  expect(actual).not.toBeNull();
  close(actual!.precision, expected.precision);
  close(actual!.recall, expected.recall);
  close(actual!.f1, expected.f1);
}

function inputOf(c: ClassificationCase) {
  return {
    yTrue: Int32Array.from(c.y_true),
    yPred: Int32Array.from(c.y_pred),
    probabilities: Float64Array.from(c.probabilities),
    labels: c.labels,
    positiveLabel: c.positive_label,
  };
}

describe('classificationMetrics against scikit-learn fixtures', () => {
  it('has the cases the generator promises', () => {
    expect(fixture.classification.length).toBeGreaterThanOrEqual(10);
  });
  for (const c of fixture.classification) {
    it(c.name, () => {
      const m = classificationMetrics(inputOf(c));
      const e = c.expected;
      expect(m.n).toBe(e.n);
      close(m.accuracy, e.accuracy);
      expect(m.confusion_matrix.counts).toEqual(e.confusion_matrix);
      e.per_class.forEach((pc, i) => {
        closePrf(m.per_class[i], pc);
        expect(m.per_class[i].support).toBe(pc.support);
      });
      closePrf(m.macro, e.macro);
      closePrf(m.weighted, e.weighted);
      if (e.binary === null) expect(m.binary).toBeNull();
      else closePrf(m.binary, e.binary);
      close(m.roc_auc, e.roc_auc);
      close(m.pr_auc, e.pr_auc);
      close(m.log_loss, e.log_loss);
      close(m.brier_score, e.brier_score);
      close(m.calibration?.ece, e.calibration.ece);
    });
  }
});

describe('classificationMetrics edge cases', () => {
  it('reports null ranking metrics when only one class is present and none without probabilities', () => {
    const yTrue = Int32Array.from([1, 1, 1]);
    const m = classificationMetrics({
      yTrue,
      yPred: Int32Array.from([1, 0, 1]),
      probabilities: Float64Array.from([0.2, 0.8, 0.6, 0.4, 0.1, 0.9]),
      labels: ['no', 'yes'],
    });
    expect(m.roc_auc).toBeNull();
    expect(m.pr_auc).toBeCloseTo(1, 12);
    const bare = classificationMetrics({ yTrue, yPred: yTrue, labels: ['no', 'yes'] });
    expect(bare.roc_auc).toBeNull();
    expect(bare.log_loss).toBeNull();
    expect(bare.calibration).toBeNull();
    expect(bare.accuracy).toBe(1);
  });

  it('returns nulls on an empty window instead of NaN', () => {
    const empty = new Int32Array(0);
    const m = classificationMetrics({ yTrue: empty, yPred: empty, probabilities: new Float64Array(0), labels: ['a', 'b'] });
    expect(m.accuracy).toBeNull();
    expect(m.macro).toBeNull();
    expect(m.roc_auc).toBeNull();
    expect(m.binary).toEqual({ positive_label: 'b', precision: 0, recall: 0, f1: 0 });
  });

  it('rejects malformed input', () => {
    const y = Int32Array.from([0, 1]);
    expect(() => classificationMetrics({ yTrue: y, yPred: Int32Array.from([0, 2]), labels: ['a', 'b'] })).toThrow(RangeError);
    expect(() =>
      classificationMetrics({ yTrue: y, yPred: y, probabilities: new Float64Array(3), labels: ['a', 'b'] }),
    ).toThrow(RangeError);
    expect(() =>
      classificationMetrics({ yTrue: y, yPred: y, probabilities: Float64Array.from([0.5, 0.5, NaN, 1]), labels: ['a', 'b'] }),
    ).toThrow(RangeError);
    expect(() => classificationMetrics({ yTrue: y, yPred: y, labels: ['a', 'b'], positiveLabel: 2 })).toThrow(RangeError);
  });
});

describe('classificationMetrics properties', () => {
  const rows = fc.array(
    fc.record({ t: fc.integer({ min: 0, max: 2 }), p: fc.integer({ min: 0, max: 2 }), s: fc.array(fc.integer({ min: 1, max: 20 }), { minLength: 3, maxLength: 3 }) }),
    { minLength: 1, maxLength: 60 },
  );
  const build = (rs: { t: number; p: number; s: number[] }[]) => {
    const probs = new Float64Array(rs.length * 3);
    rs.forEach((r, i) => {
      const total = r.s[0] + r.s[1] + r.s[2];
      for (let c = 0; c < 3; c++) probs[i * 3 + c] = r.s[c] / total;
    });
    return {
      yTrue: Int32Array.from(rs.map((r) => r.t)),
      yPred: Int32Array.from(rs.map((r) => r.p)),
      probabilities: probs,
      labels: ['a', 'b', 'c'],
    };
  };

  it('is invariant to the order of the rows', () => {
    fc.assert(
      fc.property(rows, fc.integer(), (rs, seed) => {
        const shuffled = [...rs];
        let x = seed >>> 0;
        for (let i = shuffled.length - 1; i > 0; i--) {
          x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
          const j = x % (i + 1);
          [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
        }
        const a = classificationMetrics(build(rs));
        const b = classificationMetrics(build(shuffled));
        expect(b.confusion_matrix).toEqual(a.confusion_matrix);
        for (const key of ['accuracy', 'roc_auc', 'pr_auc', 'log_loss', 'brier_score'] as const) {
          if (a[key] === null) expect(b[key]).toBeNull();
          else expect(b[key]).toBeCloseTo(a[key] as number, 12);
        }
        expect(b.macro!.f1).toBeCloseTo(a.macro!.f1, 12);
        expect(b.calibration!.ece).toBeCloseTo(a.calibration!.ece!, 12);
      }),
      { numRuns: 100 },
    );
  });

  it('keeps every rate in [0, 1] and weighted recall equal to accuracy', () => {
    fc.assert(
      fc.property(rows, (rs) => {
        const m = classificationMetrics(build(rs));
        for (const s of [m.macro!, m.weighted!, ...m.per_class]) {
          for (const v of [s.precision, s.recall, s.f1]) expect(v >= 0 && v <= 1).toBe(true);
        }
        expect(m.weighted!.recall).toBeCloseTo(m.accuracy!, 12);
        if (m.roc_auc !== null) expect(m.roc_auc >= 0 && m.roc_auc <= 1).toBe(true);
      }),
      { numRuns: 100 },
    );
  });
});
