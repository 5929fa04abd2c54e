/**
 * Per-group counts of one protected attribute: the sufficient statistics of every fairness
 * metric in fairness.ts. A baseline can freeze these counts and the metrics can be recomputed
 * from them without the rows.
 */

/** Rows of one window for one protected attribute. */
export interface FairnessInput {
  /** name of the protected attribute, e.g. `gender` */
  readonly attribute: string;
  /** group of each row as an index into `groups`; a negative index is a missing value (skipped, counted) */
  readonly groupIndex: Int32Array;
  readonly groups: readonly string[];
  /** 1 where the model predicted the positive label */
  readonly predictedPositive: Uint8Array;
  /** 1 where the outcome was the positive label; only read where `hasOutcome` is 1 */
  readonly actualPositive?: Uint8Array;
  /** 1 where the row has an outcome; all rows when omitted and `actualPositive` is given */
  readonly hasOutcome?: Uint8Array;
}

/** Counts of one group. */
export interface GroupCounts {
  readonly name: string;
  readonly count: number;
  readonly predicted_positive: number;
  /** rows with an outcome */
  readonly labelled: number;
  /** rows with a positive outcome, and how many of them were predicted positive */
  readonly actual_positives: number;
  readonly true_positives: number;
  /** rows with a negative outcome, and how many of them were predicted positive */
  readonly actual_negatives: number;
  readonly false_positives: number;
}

/** Counts per group of one attribute. */
export interface FairnessCounts {
  readonly attribute: string;
  readonly groups: readonly GroupCounts[];
  /** rows whose group is missing (negative index) */
  readonly missing: number;
  /** whether outcomes were supplied at all (the outcome metrics are null otherwise) */
  readonly with_outcomes: boolean;
}

/** One pass over the rows. */
export function countGroups(input: FairnessInput): FairnessCounts {
  const { groupIndex, groups, predictedPositive, actualPositive, hasOutcome } = input;
  const n = groupIndex.length;
  if (predictedPositive.length !== n) throw new RangeError('predictedPositive and groupIndex differ in length');
  if (actualPositive && actualPositive.length !== n) throw new RangeError('actualPositive and groupIndex differ in length');
  if (hasOutcome && hasOutcome.length !== n) throw new RangeError('hasOutcome and groupIndex differ in length');
  if (hasOutcome && !actualPositive) throw new RangeError('hasOutcome needs actualPositive');
  const k = groups.length;
  // per group: count, predicted positive, labelled, positives, true positives, negatives, false positives
  const c = new Float64Array(k * 7);
  let missing = 0;
  for (let r = 0; r < n; r++) {
    const g = groupIndex[r];
    if (g < 0) {
      missing++;
      continue;
    }
    if (g >= k) throw new RangeError(`group index ${g} out of range at row ${r}`);
    const base = g * 7;
    const pred = predictedPositive[r] ? 1 : 0;
    c[base] += 1;
    c[base + 1] += pred;
    if (actualPositive && (!hasOutcome || hasOutcome[r])) {
      c[base + 2] += 1;
      if (actualPositive[r]) {
        c[base + 3] += 1;
        c[base + 4] += pred;
      } else {
        c[base + 5] += 1;
        c[base + 6] += pred;
      }
    }
  }
  const out: GroupCounts[] = [];
  for (let g = 0; g < k; g++) {
    const b = g * 7;
    out.push({
      name: groups[g],
      count: c[b],
      predicted_positive: c[b + 1],
      labelled: c[b + 2],
      actual_positives: c[b + 3],
      true_positives: c[b + 4],
      actual_negatives: c[b + 5],
      false_positives: c[b + 6],
    });
  }
  return { attribute: input.attribute, groups: out, missing, with_outcomes: actualPositive !== undefined };
}
