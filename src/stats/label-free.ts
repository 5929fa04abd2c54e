/**
 * Label-free proxy metrics of a window of predictions: what can be watched before outcomes
 * arrive. Classes are indices into the label list; probabilities, when logged, are a row-major
 * n×k Float64Array whose columns follow the labels.
 *
 * - Confidence of a row: the probability of its predicted class, `p[r, yPred[r]]` (the max
 *   probability when the prediction is the argmax). Mean and population standard deviation
 *   (ddof = 0, numpy's default).
 * - Predicted class shares: share of rows predicted as each class.
 * - Prediction entropy, in nats: the mean over rows of −Σ_k p_k ln p_k (0·ln 0 = 0), i.e.
 *   `scipy.special.entr(P).sum(axis=1).mean()`; and the entropy of the class-share distribution.
 */

/** Proxy metrics of one window (or of the baseline). */
export interface LabelFreeSummary {
  readonly n: number;
  /** shares per class, in label order (all 0 for no rows) */
  readonly class_shares: readonly number[];
  /** entropy of class_shares in nats; null for no rows */
  readonly class_share_entropy: number | null;
  /** null without probabilities or rows */
  readonly confidence_mean: number | null;
  readonly confidence_std: number | null;
  /** mean per-row entropy of the probability vector in nats; null without probabilities or rows */
  readonly mean_entropy: number | null;
}

/** Current minus reference for every proxy metric (null where either side is null). */
export interface LabelFreeChange {
  readonly class_shares: readonly number[];
  readonly class_share_entropy: number | null;
  readonly confidence_mean: number | null;
  readonly confidence_std: number | null;
  readonly mean_entropy: number | null;
  /** ½ Σ |current share − reference share|: the total variation distance of the class shares */
  readonly class_share_shift: number;
}

/** A window's summary, its reference summary and the change between them. */
export interface LabelFreeComparison {
  readonly reference: LabelFreeSummary;
  readonly current: LabelFreeSummary;
  readonly change: LabelFreeChange;
}

const xlnx = (p: number): number => (p > 0 ? -p * Math.log(p) : 0);

/** Summarises the predictions of a window; `k` is the number of labels. */
export function labelFreeSummary(yPred: Int32Array, k: number, probabilities?: Float64Array): LabelFreeSummary {
  const n = yPred.length;
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be a positive integer, got ${k}`);
  if (probabilities && probabilities.length !== n * k) throw new RangeError('probabilities must be n × k');
  const counts = new Float64Array(k);
  for (let r = 0; r < n; r++) {
    const c = yPred[r];
    if (!(c >= 0 && c < k)) throw new RangeError(`class index out of range at row ${r}`);
    counts[c]++;
  }
  const shares = Array.from(counts, (c) => (n > 0 ? c / n : 0));
  let shareEntropy = 0;
  for (const s of shares) shareEntropy += xlnx(s);

  let confidenceMean: number | null = null;
  let confidenceStd: number | null = null;
  let meanEntropy: number | null = null;
  if (probabilities && n > 0) {
    let sum = 0;
    let entropy = 0;
    for (let r = 0; r < n; r++) {
      sum += probabilities[r * k + yPred[r]];
      let h = 0;
      for (let c = 0; c < k; c++) h += xlnx(probabilities[r * k + c]);
      entropy += h;
    }
    const mean = sum / n;
    // second pass around the mean: no cancellation for confidences clustered near 1
    let squares = 0;
    for (let r = 0; r < n; r++) {
      const d = probabilities[r * k + yPred[r]] - mean;
      squares += d * d;
    }
    confidenceMean = mean;
    confidenceStd = Math.sqrt(squares / n);
    meanEntropy = entropy / n;
  }
  return {
    n,
    class_shares: shares,
    class_share_entropy: n > 0 ? shareEntropy : null,
    confidence_mean: confidenceMean,
    confidence_std: confidenceStd,
    mean_entropy: meanEntropy,
  };
}

const delta = (a: number | null, b: number | null): number | null => (a === null || b === null ? null : a - b);

/** Current minus reference. Both summaries must cover the same labels. */
export function labelFreeChange(reference: LabelFreeSummary, current: LabelFreeSummary): LabelFreeChange {
  if (reference.class_shares.length !== current.class_shares.length) {
    throw new RangeError('reference and current summaries cover different label counts');
  }
  let tv = 0;
  const shares = current.class_shares.map((s, c) => {
    tv += Math.abs(s - reference.class_shares[c]);
    return s - reference.class_shares[c];
  });
  return {
    class_shares: shares,
    class_share_entropy: delta(current.class_share_entropy, reference.class_share_entropy),
    confidence_mean: delta(current.confidence_mean, reference.confidence_mean),
    confidence_std: delta(current.confidence_std, reference.confidence_std),
    mean_entropy: delta(current.mean_entropy, reference.mean_entropy),
    class_share_shift: tv / 2,
  };
}

/** Summarises a window and compares it with a reference summary (e.g. frozen in a baseline). */
export function compareLabelFree(
  reference: LabelFreeSummary,
  yPred: Int32Array,
  k: number,
  probabilities?: Float64Array,
): LabelFreeComparison {
  const current = labelFreeSummary(yPred, k, probabilities);
  return { reference, current, change: labelFreeChange(reference, current) };
}
