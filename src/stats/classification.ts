import { expectedCalibrationError } from './calibration.js';
import type { CalibrationResult } from './calibration.js';
import { binaryBrierScore, logLoss, multiclassBrierScore } from './probability-losses.js';
import { ovrRanking, rankingForClass } from './ranking-metrics.js';

/**
 * Classification metrics with scikit-learn's numbers. Classes are indices into `labels`;
 * probabilities, when given, are a row-major n×k Float64Array whose columns follow `labels`.
 *
 * Zero division: a precision, recall or F1 whose denominator is 0 is 0 (scikit-learn's
 * `zero_division=0`). Macro averages run over the classes that occur in yTrue or yPred
 * (scikit-learn's default when `labels` is not passed); weighted averages weight by support.
 */
export interface ClassificationInput {
  readonly yTrue: Int32Array;
  readonly yPred: Int32Array;
  /** row-major n × labels.length, each row the predicted class probabilities */
  readonly probabilities?: Float64Array;
  readonly labels: readonly string[];
  /** index of the positive label when there are two labels (default 1) */
  readonly positiveLabel?: number;
}

/** Precision, recall and F1 of one averaging. */
export interface PrfScores {
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
}

/** Scores of one class (one-vs-rest). */
export interface ClassScores extends PrfScores {
  readonly label: string;
  /** rows whose true class is this one */
  readonly support: number;
  /** rows predicted as this class */
  readonly predicted: number;
}

/** Rows are true classes, columns predicted classes, both in the order of `labels`. */
export interface ConfusionMatrix {
  readonly labels: readonly string[];
  readonly counts: readonly (readonly number[])[];
}

/** Everything `classificationMetrics` computes; null marks a metric undefined on this input. */
export interface ClassificationMetrics {
  readonly n: number;
  readonly task: 'binary' | 'multiclass';
  readonly accuracy: number | null;
  /** average='binary' for the positive label; null for multiclass */
  readonly binary: (PrfScores & { readonly positive_label: string }) | null;
  readonly macro: PrfScores | null;
  readonly weighted: PrfScores | null;
  readonly per_class: readonly ClassScores[];
  readonly confusion_matrix: ConfusionMatrix;
  /** binary: from the positive column; multiclass: one-vs-rest macro (see ranking-metrics.ts) */
  readonly roc_auc: number | null;
  /** average precision, same conventions as roc_auc */
  readonly pr_auc: number | null;
  readonly log_loss: number | null;
  /** binary: of the positive class; multiclass: Σ_k (p_k − y_k)² per row, averaged */
  readonly brier_score: number | null;
  /** ECE over 10 bins; null without probabilities */
  readonly calibration: CalibrationResult | null;
}

const ratio = (num: number, den: number): number => (den === 0 ? 0 : num / den);

/** k×k counts, rows = true class, columns = predicted class. */
export function confusionCounts(yTrue: Int32Array, yPred: Int32Array, k: number): Float64Array {
  const counts = new Float64Array(k * k);
  for (let r = 0; r < yTrue.length; r++) counts[yTrue[r] * k + yPred[r]]++;
  return counts;
}

function prf(tp: number, predicted: number, support: number): PrfScores {
  return {
    precision: ratio(tp, predicted),
    recall: ratio(tp, support),
    // 2tp / (2tp + fp + fn), the form scikit-learn ≥ 1.3 uses; 0 when nothing was predicted or true
    f1: ratio(2 * tp, predicted + support),
  };
}

function validate(input: ClassificationInput): void {
  const { yTrue, yPred, probabilities, labels } = input;
  const k = labels.length;
  if (k < 2) throw new RangeError(`classification needs at least two labels, got ${k}`);
  if (yPred.length !== yTrue.length) throw new RangeError('yTrue and yPred differ in length');
  for (let r = 0; r < yTrue.length; r++) {
    if (!(yTrue[r] >= 0 && yTrue[r] < k && yPred[r] >= 0 && yPred[r] < k)) {
      throw new RangeError(`class index out of range at row ${r}`);
    }
  }
  if (probabilities !== undefined) {
    if (probabilities.length !== yTrue.length * k) throw new RangeError('probabilities must be n × labels.length');
    for (let i = 0; i < probabilities.length; i++) {
      if (!Number.isFinite(probabilities[i])) throw new RangeError(`non-finite probability at index ${i}`);
    }
  }
  const pos = input.positiveLabel ?? 1;
  if (!Number.isInteger(pos) || pos < 0 || pos >= k) throw new RangeError(`positiveLabel ${pos} out of range`);
}

/** All classification metrics of one window in a few linear passes and one sort per scored class. */
export function classificationMetrics(input: ClassificationInput): ClassificationMetrics {
  validate(input);
  const { yTrue, yPred, probabilities, labels } = input;
  const k = labels.length;
  const n = yTrue.length;
  const task = k === 2 ? 'binary' : 'multiclass';
  const positive = input.positiveLabel ?? 1;
  const counts = confusionCounts(yTrue, yPred, k);

  const perClass: ClassScores[] = [];
  let correct = 0;
  let macroP = 0, macroR = 0, macroF = 0, present = 0;
  let weightedP = 0, weightedR = 0, weightedF = 0;
  for (let c = 0; c < k; c++) {
    let support = 0;
    let predicted = 0;
    for (let o = 0; o < k; o++) {
      support += counts[c * k + o];
      predicted += counts[o * k + c];
    }
    const tp = counts[c * k + c];
    correct += tp;
    const s = prf(tp, predicted, support);
    perClass.push({ label: labels[c], ...s, support, predicted });
    if (support > 0 || predicted > 0) {
      present++;
      macroP += s.precision;
      macroR += s.recall;
      macroF += s.f1;
    }
    weightedP += s.precision * support;
    weightedR += s.recall * support;
    weightedF += s.f1 * support;
  }

  const matrix: number[][] = [];
  for (let c = 0; c < k; c++) matrix.push(Array.from(counts.subarray(c * k, c * k + k)));

  let rocAuc: number | null = null;
  let prAuc: number | null = null;
  let loss: number | null = null;
  let brier: number | null = null;
  let calibration: CalibrationResult | null = null;
  if (probabilities !== undefined && n > 0) {
    const ranking = task === 'binary' ? rankingForClass(yTrue, probabilities, k, positive) : ovrRanking(yTrue, probabilities, k);
    rocAuc = ranking.roc_auc;
    prAuc = ranking.average_precision;
    loss = logLoss(yTrue, probabilities, k);
    brier = task === 'binary'
      ? binaryBrierScore(yTrue, probabilities, k, positive)
      : multiclassBrierScore(yTrue, probabilities, k);
    calibration = expectedCalibrationError(yTrue, yPred, probabilities, k);
  }

  return {
    n,
    task,
    accuracy: n > 0 ? correct / n : null,
    binary: task === 'binary' ? { positive_label: labels[positive], ...perClassScores(perClass[positive]) } : null,
    macro: present > 0 ? { precision: macroP / present, recall: macroR / present, f1: macroF / present } : null,
    weighted: n > 0 ? { precision: weightedP / n, recall: weightedR / n, f1: weightedF / n } : null,
    per_class: perClass,
    confusion_matrix: { labels: [...labels], counts: matrix },
    roc_auc: rocAuc,
    pr_auc: prAuc,
    log_loss: loss,
    brier_score: brier,
    calibration,
  };
}

function perClassScores(s: ClassScores): PrfScores {
  return { precision: s.precision, recall: s.recall, f1: s.f1 };
}
