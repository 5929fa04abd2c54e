import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { divideToDouble } from './cramer-von-mises.js';
import { expCorrect, fma, logCorrect, roundScaled } from './exact-float.js';

/** The exact rounding error of a·b (Dekker's product), for checking fma(a, b, −a·b). */
function productError(a: number, b: number): number {
  const split = (x: number) => {
    const t = 134217729 * x;
    const hi = t - (t - x);
    return [hi, x - hi];
  };
  const p = a * b;
  const [ah, al] = split(a);
  const [bh, bl] = split(b);
  return ah * bh - p + ah * bl + al * bh + al * bl;
}

const moderate = fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true }).filter((x) => Math.abs(x) > 1e-6);

describe('fma', () => {
  it('rounds a·b + c once: fma(a, b, −a·b) is the exact error of the product', () => {
    fc.assert(
      fc.property(moderate, moderate, (a, b) => {
        expect(fma(a, b, -(a * b))).toBe(productError(a, b));
      }),
    );
  });

  it('equals a·b + c when that is exact, and rounds toward zero on request', () => {
    expect(fma(3, 5, 7)).toBe(22);
    expect(fma(2 ** 52 + 1, 2, 1)).toBe(2 ** 53 + 4);
    // 1 + 2^-53 + 2^-80: up to nearest, down toward zero (a·b + c in doubles gives 1)
    expect(fma(2 ** -53 + 2 ** -80, 1, 1)).toBe(1 + 2 ** -52);
    expect(fma(2 ** -53 + 2 ** -80, 1, 1, true)).toBe(1);
    expect((2 ** -53 + 2 ** -80) * 1 + 1).toBe(1 + 2 ** -52);
    expect(fma(2 ** -27 + 2 ** -60, 2 ** -26, 1)).toBe(1 + 2 ** -52);
    expect(roundScaled(-3n, -1, true)).toBe(-1.5);
  });
});

describe('divideToDouble', () => {
  it('is the correctly rounded quotient (what Python int / int gives)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 52 }), fc.integer({ min: 1, max: 2 ** 52 }), (n, d) => {
        expect(divideToDouble(BigInt(n), BigInt(d))).toBe(n / d);
      }),
    );
    // (2^60 + 1) / 3 needs more than doubles: 384307168202282325.666…
    expect(divideToDouble(2n ** 60n + 1n, 3n)).toBe(384307168202282300);
  });
});

describe('expCorrect and logCorrect', () => {
  it('are within half an ulp of the true value where it is known, and within an ulp of Math.exp / Math.log', () => {
    expect(expCorrect(0)).toBe(1);
    expect(expCorrect(1)).toBe(Math.E);
    expect(logCorrect(1)).toBe(0);
    expect(logCorrect(2)).toBe(Math.LN2);
    expect(logCorrect(10)).toBe(Math.LN10);
    fc.assert(
      fc.property(fc.double({ min: -700, max: 700, noNaN: true }), (x) => {
        const e = expCorrect(x);
        expect(Math.abs(e - Math.exp(x))).toBeLessThanOrEqual(Math.abs(e) * 2 ** -52);
      }),
    );
    fc.assert(
      fc.property(fc.double({ min: 1e-300, max: 1e300, noNaN: true }), (x) => {
        const l = logCorrect(x);
        expect(Math.abs(l - Math.log(x))).toBeLessThanOrEqual(Math.abs(l) * 2 ** -52 + 1e-300);
      }),
    );
  });
});
