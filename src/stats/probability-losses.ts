/**
 * Losses of predicted probabilities: log loss and Brier score. Probabilities are a row-major
 * n×k Float64Array whose columns follow the label list; class indices are Int32Array.
 */

/** Machine epsilon of float64, scikit-learn's clipping bound (`np.finfo(float64).eps`). */
export const FLOAT64_EPS = 2.220446049250313e-16;

/**
 * Mean negative log-likelihood of the true class, as scikit-learn ≥ 1.5 computes `log_loss`:
 * probabilities are clipped to [eps, 1 − eps] with eps = machine epsilon and are not
 * renormalised (older releases clipped at 1e-15 and renormalised each row; for rows that sum to
 * one the two agree to ~1e-15). null for no rows.
 */
export function logLoss(yTrue: Int32Array, probabilities: Float64Array, k: number): number | null {
  const n = yTrue.length;
  if (n === 0) return null;
  let sum = 0;
  for (let r = 0; r < n; r++) {
    let p = probabilities[r * k + yTrue[r]];
    if (p < FLOAT64_EPS) p = FLOAT64_EPS;
    else if (p > 1 - FLOAT64_EPS) p = 1 - FLOAT64_EPS;
    sum -= Math.log(p);
  }
  return sum / n;
}

/**
 * Brier score of the positive class: mean of (p_pos − 1[y = pos])², which is
 * `brier_score_loss(y_true == pos, p[:, pos])`. null for no rows.
 */
export function binaryBrierScore(
  yTrue: Int32Array,
  probabilities: Float64Array,
  k: number,
  positive: number,
): number | null {
  const n = yTrue.length;
  if (n === 0) return null;
  let sum = 0;
  for (let r = 0; r < n; r++) {
    const d = probabilities[r * k + positive] - (yTrue[r] === positive ? 1 : 0);
    sum += d * d;
  }
  return sum / n;
}

/**
 * Multiclass Brier score: the mean over rows of Σ_k (p_k − y_k)² with y one-hot. This is
 * scikit-learn 1.7's multiclass `brier_score_loss` (not halved); for two classes it is twice
 * the binary score, which is why binary tasks report `binaryBrierScore` instead. null for no rows.
 */
export function multiclassBrierScore(yTrue: Int32Array, probabilities: Float64Array, k: number): number | null {
  const n = yTrue.length;
  if (n === 0) return null;
  let sum = 0;
  for (let r = 0; r < n; r++) {
    const base = r * k;
    const t = yTrue[r];
    for (let c = 0; c < k; c++) {
      const d = probabilities[base + c] - (c === t ? 1 : 0);
      sum += d * d;
    }
  }
  return sum / n;
}
