import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { symmetricEigen, symmetricPseudoInverse } from './symmetric-eigen.js';

const symmetric4 = fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: 10, maxLength: 10 }).map((u) => {
  const a = new Float64Array(16);
  let k = 0;
  for (let i = 0; i < 4; i++) for (let j = i; j < 4; j++) a[i * 4 + j] = a[j * 4 + i] = u[k++];
  return a;
});

function multiply(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) for (let j = 0; j < n; j++) out[i * n + j] += a[i * n + k] * b[k * n + j];
  return out;
}

describe('symmetricEigen', () => {
  it('finds A·v = λ·v with orthonormal eigenvectors', () => {
    fc.assert(
      fc.property(symmetric4, (a) => {
        const { values, vectors } = symmetricEigen(a, 4);
        for (let e = 0; e < 4; e++) {
          for (let i = 0; i < 4; i++) {
            let av = 0;
            for (let j = 0; j < 4; j++) av += a[i * 4 + j] * vectors[j * 4 + e];
            expect(av).toBeCloseTo(values[e] * vectors[i * 4 + e], 9);
          }
          for (let f = 0; f < 4; f++) {
            let dot = 0;
            for (let i = 0; i < 4; i++) dot += vectors[i * 4 + e] * vectors[i * 4 + f];
            expect(dot).toBeCloseTo(e === f ? 1 : 0, 12);
          }
        }
      }),
    );
  });
});

describe('symmetricPseudoInverse', () => {
  it('satisfies A·A⁺·A = A and inverts a regular matrix', () => {
    fc.assert(
      fc.property(symmetric4, (a) => {
        const { inverse } = symmetricPseudoInverse(a, 4);
        const back = multiply(multiply(a, inverse, 4), a, 4);
        // near-singular draws lose digits in proportion to their condition number
        const magnitudes = Array.from(symmetricEigen(a, 4).values, Math.abs).filter((v) => v > 1e-15 * 10);
        const condition = magnitudes.length ? Math.max(...magnitudes) / Math.min(...magnitudes) : 1;
        const scale = Math.max(1, ...Array.from(a, Math.abs));
        for (let i = 0; i < 16; i++) expect(Math.abs(back[i] - a[i])).toBeLessThan(1e-13 * condition * scale);
      }),
    );
    const { inverse, rank } = symmetricPseudoInverse([2, 0, 0, 4], 2);
    expect(rank).toBe(2);
    expect(Array.from(inverse)).toEqual([0.5, 0, 0, 0.25]);
  });

  it('drops null directions and reports the rank', () => {
    // the outer product v·vᵀ has rank one; its pseudo-inverse is v·vᵀ / |v|⁴
    const v = [1, 2, 2];
    const a = new Float64Array(9);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) a[i * 3 + j] = v[i] * v[j];
    const { inverse, rank } = symmetricPseudoInverse(a, 3);
    expect(rank).toBe(1);
    for (let i = 0; i < 9; i++) expect(inverse[i]).toBeCloseTo(a[i] / 81, 14);
    expect(symmetricPseudoInverse(new Float64Array(4), 2).rank).toBe(0);
  });
});
