/**
 * Every numeric drift test against scipy's numbers on the seeded samples of
 * test/fixtures/stats/numeric-drift.json (made by scripts/fixtures/gen_numeric_drift.py).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { andersonDarling } from './anderson-darling.js';
import { cramerVonMises } from './cramer-von-mises.js';
import { energyDistance } from './energy-distance.js';
import { eppsSingleton } from './epps-singleton.js';
import { ks } from './ks.js';
import { mannWhitney } from './mann-whitney.js';
import { prepareNumeric } from './sort.js';
import { tTest, tTestStudent } from './t-test.js';
import type { DriftTest, NumericSample } from './types.js';
import { wasserstein, wassersteinNorm } from './wasserstein.js';

type Pair = [number | null, number | null] | null;

interface FixtureCase {
  name: string;
  reference: (number | null)[];
  current: (number | null)[];
  expected: Record<string, Pair | number | null>;
}

const fixture = JSON.parse(
  readFileSync(new URL('../../test/fixtures/stats/numeric-drift.json', import.meta.url), 'utf8'),
) as { cases: FixtureCase[] };

/** Relative tolerance, with an absolute floor for values that are (nearly) zero. */
function expectClose(actual: number, expected: number | null, rel: number, abs: number, what: string): void {
  if (expected === null) {
    expect(Number.isNaN(actual), `${what}: expected NaN, got ${actual}`).toBe(true);
    return;
  }
  const err = Math.abs(actual - expected);
  expect(err <= abs || err <= rel * Math.abs(expected), `${what}: ${actual} vs scipy ${expected}`).toBe(true);
}

const STAT_REL = 1e-9;
const STAT_ABS = 1e-12;
const P_REL = 1e-6;
const P_ABS = 1e-12;

function checkHypothesis(test: DriftTest, key: string, ref: NumericSample, cur: NumericSample, exp: Pair, name: string): void {
  if (exp === null) {
    // scipy raises: the test is not applicable to these samples
    expect(() => test.computeNumeric!(ref, cur), `${name} ${key}: scipy refuses`).toThrow(RangeError);
    return;
  }
  const result = test.computeNumeric!(ref, cur);
  expectClose(result.statistic, exp[0], STAT_REL, STAT_ABS, `${name} ${key} statistic`);
  expectClose(result.p_value ?? Number.NaN, exp[1], P_REL, P_ABS, `${name} ${key} p-value`);
  expect(result.value).toBe(result.p_value);
}

describe.each(fixture.cases)('scipy fixture $name', (c) => {
  const ref = prepareNumeric(c.reference);
  const cur = prepareNumeric(c.current);

  it('drops missing values before testing', () => {
    expect(ref.n + ref.missing).toBe(c.reference.length);
    expect(ref.missing).toBe(c.reference.filter((v) => v === null).length);
    expect(cur.missing).toBe(c.current.filter((v) => v === null).length);
  });

  it('Kolmogorov–Smirnov matches ks_2samp', () => {
    checkHypothesis(ks, 'ks', ref, cur, c.expected.ks as Pair, c.name);
  });

  it('Cramér–von Mises matches cramervonmises_2samp', () => {
    checkHypothesis(cramerVonMises, 'cvm', ref, cur, c.expected.cramer_von_mises as Pair, c.name);
  });

  it('Anderson–Darling matches anderson_ksamp (statistic, significance level)', () => {
    checkHypothesis(andersonDarling, 'ad', ref, cur, c.expected.anderson_darling as Pair, c.name);
  });

  it("Welch's and Student's t-tests match ttest_ind", () => {
    checkHypothesis(tTest, 'welch', ref, cur, c.expected.t_test as Pair, c.name);
    checkHypothesis(tTestStudent, 'student', ref, cur, c.expected.t_test_student as Pair, c.name);
  });

  it('Mann–Whitney U matches mannwhitneyu', () => {
    checkHypothesis(mannWhitney, 'mwu', ref, cur, c.expected.mann_whitney as Pair, c.name);
  });

  it('Epps–Singleton matches epps_singleton_2samp', () => {
    checkHypothesis(eppsSingleton, 'es', ref, cur, c.expected.epps_singleton as Pair, c.name);
  });

  it('Wasserstein matches wasserstein_distance, normed by np.std(reference)', () => {
    const r = wasserstein.computeNumeric!(ref, cur);
    expectClose(r.statistic, c.expected.wasserstein as number, STAT_REL, STAT_ABS, 'raw W1');
    expectClose(wassersteinNorm(ref), c.expected.wasserstein_norm_std as number, STAT_REL, STAT_ABS, 'norm');
    expectClose(r.value, (c.expected.wasserstein as number) / (c.expected.wasserstein_norm_std as number), STAT_REL, STAT_ABS, 'normed');
  });

  it('energy distance matches energy_distance', () => {
    const r = energyDistance.computeNumeric!(ref, cur);
    expectClose(r.statistic, c.expected.energy_distance as number, STAT_REL, STAT_ABS, 'energy');
    expect(r.p_value).toBeNull();
  });
});
