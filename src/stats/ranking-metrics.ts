import { sortFloat64 } from './sort.js';

/**
 * Threshold-free ranking metrics: ROC-AUC and average precision (PR-AUC), binary and
 * one-vs-rest macro for multiclass, with scikit-learn's numbers.
 *
 * One sweep over the distinct score thresholds, highest first, gives both: the ROC curve is
 * integrated with the trapezoidal rule (tied scores form one step, so a tie between a positive
 * and a negative counts one half, as in `roc_auc_score`), and average precision is
 * Σ (R_n − R_{n−1}) · P_n over the same thresholds (`average_precision_score`, no interpolation).
 * The scores of positives and of negatives are sorted separately and merged, so no index sort
 * or per-row objects are needed.
 */
export interface RankingMetrics {
  /** null when only one class is present (scikit-learn raises) */
  readonly roc_auc: number | null;
  /**
   * null when there is no positive (scikit-learn warns and returns 0, which would read as the
   * worst possible model)
   */
  readonly average_precision: number | null;
}

/** Both metrics from the ascending-sorted scores of positives and of negatives. */
export function rankingFromSorted(positives: Float64Array, negatives: Float64Array): RankingMetrics {
  const n1 = positives.length;
  const n0 = negatives.length;
  let i = n1 - 1;
  let j = n0 - 1;
  let tp = 0;
  let fp = 0;
  let area2 = 0; // twice the area under the unnormalised ROC curve: stays an exact integer
  let ap = 0;
  while (i >= 0 || j >= 0) {
    const p = i >= 0 ? positives[i] : -Infinity;
    const q = j >= 0 ? negatives[j] : -Infinity;
    const t = p > q ? p : q;
    let dtp = 0;
    while (i >= 0 && positives[i] === t) {
      i--;
      dtp++;
    }
    let dfp = 0;
    while (j >= 0 && negatives[j] === t) {
      j--;
      dfp++;
    }
    // NaN equals nothing and would never be consumed
    if (dtp === 0 && dfp === 0) throw new RangeError('scores must not be NaN');
    area2 += dfp * (2 * tp + dtp);
    tp += dtp;
    fp += dfp;
    if (dtp > 0) ap += (dtp * tp) / (tp + fp);
  }
  return {
    roc_auc: n1 > 0 && n0 > 0 ? area2 / (2 * n1 * n0) : null,
    average_precision: n1 > 0 ? ap / n1 : null,
  };
}

/**
 * Binary metrics for column `cls` of a row-major n×k score matrix, the positives being the rows
 * whose class equals `cls`.
 */
export function rankingForClass(
  yTrue: Int32Array,
  scores: Float64Array,
  k: number,
  cls: number,
): RankingMetrics {
  const n = yTrue.length;
  let n1 = 0;
  for (let r = 0; r < n; r++) if (yTrue[r] === cls) n1++;
  const pos = new Float64Array(n1);
  const neg = new Float64Array(n - n1);
  let a = 0;
  let b = 0;
  for (let r = 0; r < n; r++) {
    const s = scores[r * k + cls];
    if (yTrue[r] === cls) pos[a++] = s;
    else neg[b++] = s;
  }
  return rankingFromSorted(sortFloat64(pos), sortFloat64(neg));
}

/** Binary ROC-AUC and average precision of `scores` against 0/1 `positive` flags. */
export function binaryRanking(scores: Float64Array, positive: Uint8Array): RankingMetrics {
  if (scores.length !== positive.length) throw new RangeError('scores and flags differ in length');
  let n1 = 0;
  for (let r = 0; r < positive.length; r++) if (positive[r]) n1++;
  const pos = new Float64Array(n1);
  const neg = new Float64Array(positive.length - n1);
  let a = 0;
  let b = 0;
  for (let r = 0; r < positive.length; r++) {
    if (positive[r]) pos[a++] = scores[r];
    else neg[b++] = scores[r];
  }
  return rankingFromSorted(sortFloat64(pos), sortFloat64(neg));
}

/** One-vs-rest ranking metrics of a multiclass problem, per class and macro-averaged. */
export interface OvrRankingMetrics extends RankingMetrics {
  readonly per_class: readonly RankingMetrics[];
}

/**
 * One-vs-rest macro averages like `roc_auc_score(multi_class='ovr', average='macro')` and
 * `average_precision_score` on the binarised labels with `average='macro'`. A class with no
 * positive (or, for ROC-AUC, no negative) in `yTrue` has an undefined score and is left out of
 * the mean; scikit-learn instead raises (ROC-AUC) or counts it as 0 (average precision). When
 * every class is present the numbers are scikit-learn's.
 */
export function ovrRanking(yTrue: Int32Array, probabilities: Float64Array, k: number): OvrRankingMetrics {
  const perClass: RankingMetrics[] = [];
  for (let c = 0; c < k; c++) perClass.push(rankingForClass(yTrue, probabilities, k, c));
  return {
    roc_auc: meanDefined(perClass.map((m) => m.roc_auc)),
    average_precision: meanDefined(perClass.map((m) => m.average_precision)),
    per_class: perClass,
  };
}

function meanDefined(values: readonly (number | null)[]): number | null {
  let sum = 0;
  let count = 0;
  for (const v of values) {
    if (v === null) continue;
    sum += v;
    count++;
  }
  return count > 0 ? sum / count : null;
}
