/**
 * Empirical maximum mean discrepancy (MMD) with a Gaussian (RBF) kernel and a seeded permutation
 * p-value, after Evidently's `emperical_mmd` test: the unbiased estimate of MMD², the bandwidth
 * from the median heuristic on the reference, 100 permutations by default.
 *
 * The statistic is quadratic in the sample sizes, so each side is first cut down to a seeded
 * random subsample of at most {@link MMD_MAX_SAMPLE} values. There is no scipy reference; the
 * result is reproducible for a given seed.
 */
import { judge } from './drift-result.js';
import { requireValues } from './numeric-guard.js';
import { Prng, sampleIndices, shuffleInPlace } from './prng.js';
import type { DriftTest, DriftTestOptions, DriftTestResult, NumericSample } from './types.js';

/** Values kept per side; larger samples are subsampled without replacement. */
export const MMD_MAX_SAMPLE = 1000;
export const MMD_DEFAULT_PERMUTATIONS = 100;
export const MMD_DEFAULT_SEED = 42;

/** The k-th smallest (0-based) of `values`, which is reordered (Hoare's quickselect). */
export function selectInPlace(values: Float64Array, k: number): number {
  let lo = 0;
  let hi = values.length - 1;
  while (lo < hi) {
    const pivot = values[(lo + hi) >>> 1];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (values[i] < pivot) i++;
      while (values[j] > pivot) j--;
      if (i <= j) {
        const t = values[i];
        values[i++] = values[j];
        values[j--] = t;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return values[k];
  }
  return values[k];
}

/**
 * The median heuristic as Evidently applies it: the 'nearest' median (numpy, ties to even) of the
 * n² squared distances between reference values, diagonal included; 1 when that median is 0.
 * The kernel is then exp(−d² / median).
 */
export function medianSquaredDistance(reference: Float64Array): number {
  const n = reference.length;
  const total = n * n;
  const half = (total - 1) / 2;
  let index = Math.round(half);
  if (Math.abs(half % 1) === 0.5 && index % 2 !== 0) index--;
  // n zeros from the diagonal come first, then every off-diagonal distance twice
  if (index < n) return 1;
  const pairs = new Float64Array((n * (n - 1)) / 2);
  let p = 0;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) pairs[p++] = Math.abs(reference[j] - reference[i]);
  const d = selectInPlace(pairs, Math.floor((index - n) / 2));
  const squared = d * d;
  // a zero (or underflowing) median would make every kernel value 0/0
  return squared === 0 ? 1 : squared;
}

/** The unbiased MMD² estimate and its permutation p-value. */
export interface MmdResult {
  readonly statistic: number;
  readonly pValue: number;
  /** the kernel's d² scale: k(x, y) = exp(−(x − y)² / scale) */
  readonly scale: number;
}

/** Kernel sums of the pooled sample: the packed upper triangle, row sums and their total. */
interface Gram {
  readonly size: number;
  readonly upper: Float64Array;
  readonly rowSums: Float64Array;
  readonly total: number;
}

function gram(pooled: Float64Array, scale: number): Gram {
  const size = pooled.length;
  const upper = new Float64Array((size * (size - 1)) / 2);
  const rowSums = new Float64Array(size);
  let p = 0;
  for (let i = 0; i < size; i++) {
    const xi = pooled[i];
    for (let j = i + 1; j < size; j++) {
      const d = xi - pooled[j];
      const k = Math.exp(-(d * d) / scale);
      upper[p++] = k;
      rowSums[i] += k;
      rowSums[j] += k;
    }
  }
  let total = 0;
  for (let i = 0; i < size; i++) total += rowSums[i];
  return { size, upper, rowSums, total };
}

/** Σ over ordered pairs i ≠ j of the group `members` (ascending indices into the pooled sample). */
function withinSum(g: Gram, members: Uint32Array): number {
  const { size, upper } = g;
  let sum = 0;
  for (let a = 0; a < members.length; a++) {
    const i = members[a];
    // row i of the packed triangle starts at i·(2·size − i − 1)/2 and holds columns i+1 …
    const base = (i * (2 * size - i - 1)) / 2 - i - 1;
    for (let b = a + 1; b < members.length; b++) sum += upper[base + members[b]];
  }
  return 2 * sum;
}

/** Evidently's statistic for the labelling where `members` (of size g) is one side, the rest the other. */
function statistic(g: Gram, members: Uint32Array, membersAreX: boolean, nx: number, ny: number): number {
  let rowSum = 0;
  for (let a = 0; a < members.length; a++) rowSum += g.rowSums[members[a]];
  const within = withinSum(g, members);
  const cross = rowSum - within;
  const other = g.total - within - 2 * cross;
  const sxx = membersAreX ? within : other;
  const syy = membersAreX ? other : within;
  return sxx / (nx * (nx - 1)) + syy / (ny * (ny - 1)) - (2 * cross) / (nx * ny);
}

function subsample(sorted: Float64Array, prng: Prng): Float64Array {
  if (sorted.length <= MMD_MAX_SAMPLE) return sorted;
  const indices = sampleIndices(prng, sorted.length, MMD_MAX_SAMPLE);
  return Float64Array.from(indices, (i) => sorted[i]);
}

/**
 * The MMD test of two sorted samples: subsample (seeded), bandwidth from the reference, unbiased
 * MMD², then p = (1 + #{permuted ≥ observed}) / (1 + permutations).
 */
export function mmdTwoSample(reference: Float64Array, current: Float64Array, options?: DriftTestOptions): MmdResult {
  const prng = new Prng(options?.seed ?? MMD_DEFAULT_SEED);
  const permutations = options?.permutations ?? MMD_DEFAULT_PERMUTATIONS;
  const x = subsample(reference, prng);
  const y = subsample(current, prng);
  const nx = x.length;
  const ny = y.length;
  if (nx < 2 || ny < 2) return { statistic: Number.NaN, pValue: Number.NaN, scale: Number.NaN };
  const scale = medianSquaredDistance(x);
  const pooled = new Float64Array(nx + ny);
  pooled.set(x);
  pooled.set(y, nx);
  const g = gram(pooled, scale);
  // sum within the smaller side: that is the quadratic part of every evaluation
  const useX = nx <= ny;
  const groupSize = useX ? nx : ny;
  const observedMembers = Uint32Array.from({ length: groupSize }, (_, i) => (useX ? i : nx + i));
  const observed = statistic(g, observedMembers, useX, nx, ny);
  if (Number.isNaN(observed)) return { statistic: observed, pValue: Number.NaN, scale };
  const order = Uint32Array.from({ length: nx + ny }, (_, i) => i);
  const members = new Uint32Array(groupSize);
  let atLeast = 0;
  for (let p = 0; p < permutations; p++) {
    shuffleInPlace(prng, order);
    // after the shuffle the first nx pooled values play the reference, the rest the current
    members.set(useX ? order.subarray(0, nx) : order.subarray(nx));
    members.sort();
    if (statistic(g, members, useX, nx, ny) >= observed) atLeast++;
  }
  return { statistic: observed, pValue: (1 + atLeast) / (1 + permutations), scale };
}

/**
 * Empirical MMD: drift when the permutation p-value is below 0.05 (Evidently defaults to 0.1).
 * Not symmetric: the bandwidth comes from the reference, and the subsamples from one seeded stream.
 */
export const mmd: DriftTest = {
  name: 'mmd',
  label: 'Empirical MMD',
  columnTypes: ['numeric'],
  direction: 'p_value_below',
  defaultThreshold: 0.05,
  symmetric: false,
  computeNumeric(reference: NumericSample, current: NumericSample, options?: DriftTestOptions): DriftTestResult {
    // the unbiased estimate needs two values per side
    requireValues(mmd.name, reference, current, 2);
    const r = mmdTwoSample(reference.sorted, current.sorted, options);
    return judge(mmd, { statistic: r.statistic, p_value: r.pValue }, options);
  },
};
