import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { calibrationBinIndex, expectedCalibrationError, reliabilityDiagram } from './calibration.js';

describe('calibrationBinIndex', () => {
  it('closes bins on the right, with 0 in the first bin', () => {
    expect(calibrationBinIndex(0, 10)).toBe(0);
    expect(calibrationBinIndex(0.1, 10)).toBe(0);
    expect(calibrationBinIndex(0.3, 10)).toBe(2); // 0.3·10 rounds to 3.0000000000000004
    expect(calibrationBinIndex(0.30000000000000004, 10)).toBe(3);
    expect(calibrationBinIndex(0.7, 10)).toBe(6);
    expect(calibrationBinIndex(1, 10)).toBe(9);
  });

  it('agrees with the exact edges b/B for any confidence', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 1, max: 30 }), (c, bins) => {
        const b = calibrationBinIndex(c, bins);
        expect(b >= 0 && b < bins).toBe(true);
        if (b > 0) expect(c > b / bins).toBe(true);
        if (b < bins - 1) expect(c <= (b + 1) / bins).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});

describe('expectedCalibrationError', () => {
  it('computes the table and ECE of a small hand-checked case', () => {
    // confidences of the predicted class: 0.95, 0.95, 0.65, 0.65; correct: yes, no, yes, yes
    const probs = Float64Array.from([0.05, 0.95, 0.95, 0.05, 0.35, 0.65, 0.65, 0.35]);
    const r = expectedCalibrationError(Int32Array.from([1, 1, 1, 0]), Int32Array.from([1, 0, 1, 0]), probs, 2);
    expect(r.bins).toHaveLength(10);
    expect(r.bins[9]).toMatchObject({ count: 2, accuracy: 0.5 });
    expect(r.bins[9].mean_confidence).toBeCloseTo(0.95, 15);
    expect(r.bins[6]).toMatchObject({ count: 2, accuracy: 1 });
    // ECE = ½·|0.5 − 0.95| + ½·|1 − 0.65| = 0.225 + 0.175
    expect(r.ece).toBeCloseTo(0.4, 15);
    expect(r.mce).toBeCloseTo(0.45, 15);
    expect(r.bins[0]).toEqual({ lower: 0, upper: 0.1, count: 0, mean_confidence: null, accuracy: null, gap: null });
    const diagram = reliabilityDiagram(r);
    expect(diagram.map((p) => p.count)).toEqual([2, 2]);
    expect(diagram[0].upper).toBe(0.7);
  });

  it('is 0 for hard, correct predictions and null for no rows', () => {
    const y = Int32Array.from([0, 2, 1]);
    const probs = Float64Array.from([1, 0, 0, 0, 0, 1, 0, 1, 0]);
    expect(expectedCalibrationError(y, y, probs, 3).ece).toBe(0);
    const none = expectedCalibrationError(new Int32Array(0), new Int32Array(0), new Float64Array(0), 3);
    expect(none.ece).toBeNull();
    expect(() => expectedCalibrationError(y, y, probs, 3, { bins: 0 })).toThrow(RangeError);
  });

  it('stays within [0, 1] and weights bins by their counts', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ p: fc.double({ min: 0, max: 1, noNaN: true }), t: fc.integer({ min: 0, max: 1 }) }), { minLength: 1, maxLength: 50 }),
        (rows) => {
          const probs = new Float64Array(rows.length * 2);
          rows.forEach((r, i) => {
            probs[2 * i] = 1 - r.p;
            probs[2 * i + 1] = r.p;
          });
          const yPred = new Int32Array(rows.length).fill(1);
          const res = expectedCalibrationError(Int32Array.from(rows.map((r) => r.t)), yPred, probs, 2);
          expect(res.ece! >= 0 && res.ece! <= 1).toBe(true);
          expect(res.bins.reduce((s, b) => s + b.count, 0)).toBe(rows.length);
          const weighted = res.bins.reduce((s, b) => s + (b.count / rows.length) * Math.abs(b.gap ?? 0), 0);
          expect(res.ece).toBeCloseTo(weighted, 12);
        },
      ),
    );
  });
});
