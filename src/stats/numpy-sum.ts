/**
 * Sums of float64 values in the order numpy's `np.sum` adds them, so that a statistic scipy builds
 * from `np.sum` comes out as the same double: numpy reduces a contiguous array in buffers of
 * 8192 values, adding each buffer's pairwise sum to a running total that starts at 0; the pairwise
 * sum (`pairwise_sum_DOUBLE`) adds blocks of at most 128 values in eight interleaved accumulators
 * and halves longer runs at a multiple of 8. Checked against numpy 1.24 on random data
 * (`np_sum` in test/fixtures/stats/cvm-tail.json).
 */

/** numpy's reduction buffer, in values (np.getbufsize()). */
export const NUMPY_BUFFER = 8192;
const BLOCK = 128;

/** numpy's pairwise sum of values[start, start + n). */
export function pairwiseSum(values: Float64Array, start: number, n: number): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res += values[start + i];
    return res;
  }
  if (n <= BLOCK) {
    let r0 = values[start];
    let r1 = values[start + 1];
    let r2 = values[start + 2];
    let r3 = values[start + 3];
    let r4 = values[start + 4];
    let r5 = values[start + 5];
    let r6 = values[start + 6];
    let r7 = values[start + 7];
    const whole = n - (n % 8);
    let i = 8;
    for (; i < whole; i += 8) {
      const at = start + i;
      r0 += values[at];
      r1 += values[at + 1];
      r2 += values[at + 2];
      r3 += values[at + 3];
      r4 += values[at + 4];
      r5 += values[at + 5];
      r6 += values[at + 6];
      r7 += values[at + 7];
    }
    const left = r0 + r1 + (r2 + r3);
    const right = r4 + r5 + (r6 + r7);
    let res = left + right;
    for (; i < n; i++) res += values[start + i];
    return res;
  }
  let half = Math.floor(n / 2);
  half -= half % 8;
  return pairwiseSum(values, start, half) + pairwiseSum(values, start + half, n - half);
}

/** `np.sum(values)` of a contiguous float64 array. */
export function numpySum(values: Float64Array): number {
  let total = 0;
  for (let at = 0; at < values.length; at += NUMPY_BUFFER) total += pairwiseSum(values, at, Math.min(NUMPY_BUFFER, values.length - at));
  return total;
}

/**
 * `np.sum` over values given one at a time (without storing them all): each full buffer of 8192 is
 * summed pairwise and added to the total, as numpy's reduction does.
 */
export class NumpySum {
  private readonly buffer = new Float64Array(NUMPY_BUFFER);
  private length = 0;
  private total = 0;

  add(v: number): void {
    this.buffer[this.length++] = v;
    if (this.length === NUMPY_BUFFER) this.flush();
  }

  /** The sum of every value added so far. */
  result(): number {
    this.flush();
    return this.total;
  }

  private flush(): void {
    if (this.length > 0) this.total += pairwiseSum(this.buffer, 0, this.length);
    this.length = 0;
  }
}
