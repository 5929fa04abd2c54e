/**
 * Regression metrics with scikit-learn's numbers: `mean_absolute_error`, `mean_squared_error`,
 * its square root (`root_mean_squared_error`), `mean_absolute_percentage_error` and `r2_score`.
 * Sums are compensated (Neumaier), so a million rows lose no more than a few ulps.
 */

/** float64 machine epsilon: scikit-learn's floor for |y| in MAPE. */
const EPS = 2.220446049250313e-16;

/** Metrics of one set of (actual, predicted) pairs; null marks a metric undefined on this input. */
export interface RegressionMetrics {
  readonly n: number;
  /** mean |y − ŷ| */
  readonly mae: number | null;
  /** mean (y − ŷ)² */
  readonly mse: number | null;
  /** √mse */
  readonly rmse: number | null;
  /**
   * mean |y − ŷ| / max(|y|, eps), eps = float64 machine epsilon; a fraction, not a percentage,
   * and huge when some y is 0 (scikit-learn's behaviour, kept on purpose)
   */
  readonly mape: number | null;
  /**
   * 1 − SS_res / SS_tot; when y is constant (SS_tot = 0) it is 1 for a perfect prediction and 0
   * otherwise (scikit-learn's `force_finite=True`); null below two rows (scikit-learn: NaN)
   */
  readonly r2: number | null;
}

/** Neumaier-compensated running sum. */
class Sum {
  private sum = 0;
  private comp = 0;
  add(v: number): void {
    const t = this.sum + v;
    this.comp += Math.abs(this.sum) >= Math.abs(v) ? this.sum - t + v : v - t + this.sum;
    this.sum = t;
  }
  get value(): number {
    return this.sum + this.comp;
  }
}

/** All regression metrics in two passes. Rows with a non-finite value are rejected. */
export function regressionMetrics(yTrue: Float64Array, yPred: Float64Array): RegressionMetrics {
  const n = yTrue.length;
  if (yPred.length !== n) throw new RangeError('yTrue and yPred differ in length');
  if (n === 0) return { n: 0, mae: null, mse: null, rmse: null, mape: null, r2: null };
  const yTotal = new Sum();
  const absErr = new Sum();
  const sqErr = new Sum();
  const pctErr = new Sum();
  for (let i = 0; i < n; i++) {
    const y = yTrue[i];
    const p = yPred[i];
    if (!Number.isFinite(y) || !Number.isFinite(p)) throw new RangeError(`non-finite value at row ${i}`);
    const e = Math.abs(y - p);
    yTotal.add(y);
    absErr.add(e);
    sqErr.add(e * e);
    pctErr.add(e / Math.max(Math.abs(y), EPS));
  }
  const mean = yTotal.value / n;
  const ssTot = new Sum();
  for (let i = 0; i < n; i++) {
    const d = yTrue[i] - mean;
    ssTot.add(d * d);
  }
  const ssRes = sqErr.value;
  let r2: number | null = null;
  if (n >= 2) {
    if (ssTot.value === 0) r2 = ssRes === 0 ? 1 : 0;
    else r2 = 1 - ssRes / ssTot.value;
  }
  const mse = ssRes / n;
  return { n, mae: absErr.value / n, mse, rmse: Math.sqrt(mse), mape: pctErr.value / n, r2 };
}
