import { describe, expect, it } from 'vitest';
import { joinInPlace, prepareRuns } from './report-tasks.js';

describe('joining the runs of a column', () => {
  it('moves slices of one buffer next to each other, without new memory', () => {
    const buffer = new SharedArrayBuffer(8 * 12);
    const whole = new Float64Array(buffer);
    whole.set([3, 1, 99, 99, 5, 4, 2, 99, 99, 99, 7, 99]);
    const runs = [new Float64Array(buffer, 0, 2), new Float64Array(buffer, 4 * 8, 3), new Float64Array(buffer, 10 * 8, 1)];
    const joined = joinInPlace(runs)!;
    expect(joined.buffer).toBe(buffer);
    expect(Array.from(joined)).toEqual([3, 1, 5, 4, 2, 7]);
    whole.set([3, 1, 99, 99, 5, 4, 2, 99, 99, 99, 7, 99]);
    const sample = prepareRuns({ runs: [new Float64Array(buffer, 0, 2), new Float64Array(buffer, 4 * 8, 3)], missing: 4 });
    expect(Array.from(sample.sorted)).toEqual([1, 2, 3, 4, 5]);
    expect(sample).toMatchObject({ n: 5, mean: 3, variance: 2.5, missing: 4 });
  });

  it('declines runs from different buffers or out of order, and then copies', () => {
    const a = Float64Array.of(2, 1);
    const b = Float64Array.of(0.5);
    expect(joinInPlace([a, b])).toBeNull();
    const buffer = new ArrayBuffer(8 * 4);
    expect(joinInPlace([new Float64Array(buffer, 16, 2), new Float64Array(buffer, 0, 2)])).toBeNull();
    expect(Array.from(prepareRuns({ runs: [a, b], missing: 0 }).sorted)).toEqual([0.5, 1, 2]);
  });
});
