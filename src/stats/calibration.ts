/**
 * Expected calibration error (ECE) on the confidence of the predicted class, with the per-bin
 * table that is also the reliability diagram of the dashboard.
 *
 * Confidence of row r is `probabilities[r, yPred[r]]` (the max probability when the prediction
 * is the argmax). Bins are equal-width over [0, 1]: bin b covers (b/B, (b+1)/B], closed on the
 * right, and a confidence of exactly 0 falls in the first bin. Edges are the doubles nearest to
 * b/B, so a confidence of 0.3 sits in (0.2, 0.3] and 0.30000000000000004 in (0.3, 0.4].
 * ECE = Σ_b (n_b / n) · |accuracy_b − mean confidence_b| over non-empty bins.
 */

/** One row of the calibration table. */
export interface CalibrationBin {
  /** exclusive lower edge (the first bin also holds a confidence of exactly 0) */
  readonly lower: number;
  /** inclusive upper edge */
  readonly upper: number;
  readonly count: number;
  /** null for an empty bin */
  readonly mean_confidence: number | null;
  /** share of rows in the bin whose prediction was right; null for an empty bin */
  readonly accuracy: number | null;
  /** accuracy − mean confidence (negative: over-confident); null for an empty bin */
  readonly gap: number | null;
}

/** Expected calibration error with its table. */
export interface CalibrationResult {
  readonly n: number;
  /** null for no rows */
  readonly ece: number | null;
  /** maximum |gap| over non-empty bins (maximum calibration error); null for no rows */
  readonly mce: number | null;
  readonly bins: readonly CalibrationBin[];
}

/** Options of the calibration table. */
export interface CalibrationOptions {
  /** number of equal-width bins (default 10) */
  readonly bins?: number;
}

/** Index of the bin (b/B, (b+1)/B] holding `confidence`, with 0 (and below) in bin 0. */
export function calibrationBinIndex(confidence: number, bins: number): number {
  let b = Math.ceil(confidence * bins) - 1;
  if (b < 0) return 0;
  if (b >= bins) return bins - 1;
  // confidence·B can round across an integer; settle against the exact edges b/B
  if (confidence <= b / bins && b > 0) b--;
  else if (confidence > (b + 1) / bins && b < bins - 1) b++;
  return b;
}

/** ECE and the per-bin table for class indices and a row-major n×k probability matrix. */
export function expectedCalibrationError(
  yTrue: Int32Array,
  yPred: Int32Array,
  probabilities: Float64Array,
  k: number,
  options: CalibrationOptions = {},
): CalibrationResult {
  const bins = options.bins ?? 10;
  if (!Number.isInteger(bins) || bins < 1) throw new RangeError(`bins must be a positive integer, got ${bins}`);
  const n = yTrue.length;
  const counts = new Float64Array(bins);
  const confSum = new Float64Array(bins);
  const correct = new Float64Array(bins);
  for (let r = 0; r < n; r++) {
    const p = yPred[r];
    const c = probabilities[r * k + p];
    const b = calibrationBinIndex(c, bins);
    counts[b]++;
    confSum[b] += c;
    if (yTrue[r] === p) correct[b]++;
  }
  const table: CalibrationBin[] = [];
  let ece = 0;
  let mce = 0;
  for (let b = 0; b < bins; b++) {
    const count = counts[b];
    const lower = b / bins;
    const upper = (b + 1) / bins;
    if (count === 0) {
      table.push({ lower, upper, count: 0, mean_confidence: null, accuracy: null, gap: null });
      continue;
    }
    const meanConfidence = confSum[b] / count;
    const accuracy = correct[b] / count;
    const gap = accuracy - meanConfidence;
    ece += (count / n) * Math.abs(gap);
    if (Math.abs(gap) > mce) mce = Math.abs(gap);
    table.push({ lower, upper, count, mean_confidence: meanConfidence, accuracy, gap });
  }
  return { n, ece: n > 0 ? ece : null, mce: n > 0 ? mce : null, bins: table };
}

/** One point of a reliability diagram: mean confidence (x) against accuracy (y). */
export interface ReliabilityPoint {
  readonly lower: number;
  readonly upper: number;
  readonly count: number;
  readonly mean_confidence: number;
  readonly accuracy: number;
}

/**
 * Reliability diagram data for the dashboard: the non-empty bins of the calibration table as
 * points; a perfectly calibrated model lies on the diagonal accuracy = mean confidence.
 */
export function reliabilityDiagram(result: CalibrationResult): ReliabilityPoint[] {
  const points: ReliabilityPoint[] = [];
  for (const bin of result.bins) {
    if (bin.count === 0 || bin.mean_confidence === null || bin.accuracy === null) continue;
    points.push({
      lower: bin.lower,
      upper: bin.upper,
      count: bin.count,
      mean_confidence: bin.mean_confidence,
      accuracy: bin.accuracy,
    });
  }
  return points;
}
