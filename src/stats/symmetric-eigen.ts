/**
 * Eigen-decomposition of small symmetric matrices by cyclic Jacobi rotations, and the
 * Moore–Penrose pseudo-inverse built on it with numpy's `pinv` cutoff.
 */

/** Eigenvalues and eigenvectors (columns of the row-major `vectors`) of a symmetric matrix. */
export interface SymmetricEigen {
  readonly values: Float64Array;
  readonly vectors: Float64Array;
}

/** Jacobi eigen-decomposition of the symmetric n×n row-major `matrix` (not modified). */
export function symmetricEigen(matrix: ArrayLike<number>, n: number): SymmetricEigen {
  const a = Float64Array.from(matrix);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let diagonal = 0;
    for (let p = 0; p < n; p++) {
      diagonal += a[p * n + p] ** 2;
      for (let q = p + 1; q < n; q++) off += a[p * n + q] ** 2;
    }
    // converged once the off-diagonal mass is far below double precision of the diagonal
    if (off <= 1e-40 * diagonal) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (apq === 0) continue;
        const theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p];
          const akq = a[k * n + q];
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k];
          const aqk = a[q * n + k];
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p];
          const vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = a[i * n + i];
  return { values, vectors: v };
}

/** The pseudo-inverse of a symmetric matrix and its rank. */
export interface PseudoInverse {
  readonly inverse: Float64Array;
  readonly rank: number;
}

/**
 * Moore–Penrose pseudo-inverse of the symmetric n×n `matrix`, dropping the singular values (here
 * |eigenvalues|) below `rcond` times the largest, as `np.linalg.pinv` does (rcond = 1e-15). `rank`
 * counts the values kept, which is what `np.linalg.matrix_rank` of the result reports.
 */
export function symmetricPseudoInverse(matrix: ArrayLike<number>, n: number, rcond = 1e-15): PseudoInverse {
  const { values, vectors } = symmetricEigen(matrix, n);
  let largest = 0;
  for (let i = 0; i < n; i++) largest = Math.max(largest, Math.abs(values[i]));
  const cutoff = rcond * largest;
  const inverse = new Float64Array(n * n);
  let rank = 0;
  for (let e = 0; e < n; e++) {
    if (!(Math.abs(values[e]) > cutoff)) continue;
    rank++;
    const inv = 1 / values[e];
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) inverse[i * n + j] += vectors[i * n + e] * inv * vectors[j * n + e];
    }
  }
  return { inverse, rank };
}
