import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { prepareCategorical } from './categorical.js';
import {
  EVIDENTLY_NAMES,
  getDriftTest,
  listDriftTestAliases,
  listDriftTests,
  normaliseTestName,
  testsFor,
  UnknownDriftTestError,
} from './registry.js';
import { prepareNumeric } from './sort.js';

const EXPECTED_NAMES = [
  'ks',
  'wasserstein',
  'psi',
  'jensen_shannon',
  'kl_divergence',
  'hellinger',
  'chi_square',
  'g_test',
  'z_test',
  'fisher_exact',
  'tvd',
];

describe('registry', () => {
  it('lists every test once, with unique names', () => {
    const tests = listDriftTests();
    const names = tests.map((t) => t.name);
    expect(new Set(names).size).toBe(names.length);
    expect(tests.length).toBe(19);
    for (const name of EXPECTED_NAMES) expect(names).toContain(name);
  });

  it('every test declares label, direction, threshold, column types and a compute for each', () => {
    for (const test of listDriftTests()) {
      expect(test.label.length).toBeGreaterThan(0);
      expect(['p_value_below', 'value_at_or_above']).toContain(test.direction);
      expect(Number.isFinite(test.defaultThreshold) && test.defaultThreshold > 0).toBe(true);
      if (test.direction === 'p_value_below') expect(test.defaultThreshold).toBeLessThan(1);
      expect(test.columnTypes.length).toBeGreaterThan(0);
      expect(typeof test.symmetric).toBe('boolean');
      expect(test.name).toBe(normaliseTestName(test.name));
      if (test.columnTypes.includes('numeric')) expect(typeof test.computeNumeric).toBe('function');
      if (test.columnTypes.includes('categorical')) expect(typeof test.computeCategorical).toBe('function');
    }
  });

  it('resolves every name and alias, whatever the case', () => {
    for (const test of listDriftTests()) {
      expect(getDriftTest(test.name)).toBe(test);
      expect(getDriftTest(test.name.toUpperCase())).toBe(test);
    }
    for (const [alias, name] of listDriftTestAliases()) expect(getDriftTest(alias).name).toBe(name);
    for (const [alias, test] of EVIDENTLY_NAMES) expect(getDriftTest(alias)).toBe(test);
  });

  it('knows all of Evidently tabular stattests', () => {
    const expected: Record<string, string> = {
      chisquare: 'chi_square',
      jensenshannon: 'jensen_shannon',
      kl_div: 'kl_divergence',
      TVD: 'tvd',
      z: 'z_test',
      psi: 'psi',
      ks: 'ks',
      wasserstein: 'wasserstein',
      g_test: 'g_test',
      fisher_exact: 'fisher_exact',
      hellinger: 'hellinger',
    };
    for (const [alias, name] of Object.entries(expected)) expect(getDriftTest(alias).name).toBe(name);
    for (const alias of ['anderson', 'cramer_von_mises', 'ed', 'es', 'mannw', 't_test', 'emperical_mmd', 'empirical_mmd']) {
      expect(getDriftTest(alias).columnTypes).toContain('numeric');
    }
    expect(getDriftTest('emperical_mmd')).toBe(getDriftTest('empirical_mmd'));
    expect(getDriftTest(' Jensen-Shannon ').name).toBe('jensen_shannon');
    expect(EVIDENTLY_NAMES.length).toBe(18);
  });

  it('rejects an unknown name with the list of valid ones', () => {
    expect(() => getDriftTest('kolmogorov')).toThrow(UnknownDriftTestError);
    try {
      getDriftTest('nope');
      expect.unreachable();
    } catch (e) {
      const err = e as UnknownDriftTestError;
      expect(err.code).toBe('UNKNOWN_DRIFT_TEST');
      expect(err.message).toContain('"nope"');
      expect(err.message).toContain('jensen_shannon');
      expect(err.message).toContain('chisquare');
      expect(err.validNames).toContain('tvd');
    }
  });

  it('selects tests by column type', () => {
    const numeric = testsFor('numeric').map((t) => t.name);
    const categorical = testsFor('categorical').map((t) => t.name);
    expect(numeric).toContain('ks');
    expect(numeric).toContain('psi');
    expect(numeric).not.toContain('chi_square');
    expect(categorical).toEqual(['psi', 'jensen_shannon', 'kl_divergence', 'hellinger', 'chi_square', 'g_test', 'z_test', 'fisher_exact', 'tvd']);
    for (const t of testsFor('categorical')) expect(t.columnTypes).toContain('categorical');
  });
});

describe('every registered test', () => {
  it('never finds drift between a sample and itself', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -100, max: 100, noNaN: true }), { minLength: 12, maxLength: 40 }),
        fc.array(fc.constantFrom('a', 'b'), { minLength: 2, maxLength: 40 }),
        (values, cats) => {
          // a test may refuse a sample it cannot use, as scipy does (a RangeError naming the
          // test: Anderson–Darling on a constant sample, Epps–Singleton on a zero
          // interquartile range); that is never a finding of drift
          const run = <R,>(name: string, _sample: readonly unknown[], f: () => R): R | undefined => {
            try {
              return f();
            } catch (e) {
              if (!(e instanceof RangeError)) throw e;
              expect(e.message.startsWith(`${name}:`), e.message).toBe(true);
              return undefined;
            }
          };
          for (const test of listDriftTests()) {
            const options = { permutations: 20 };
            if (test.computeNumeric) {
              const r = run(test.name, values, () => test.computeNumeric!(prepareNumeric(values), prepareNumeric(values), options));
              if (r) expect(r.drift_detected, test.name).toBe(false);
            }
            if (test.computeCategorical) {
              const r = run(test.name, cats, () => test.computeCategorical!(prepareCategorical(cats), prepareCategorical(cats), options));
              if (r) expect(r.drift_detected, test.name).toBe(false);
            }
          }
        },
      ),
      { numRuns: 25 },
    );
  });

  it('never finds drift between a sample and itself: the samples fast-check found in CI', () => {
    for (const values of [new Array(12).fill(0), [...new Array(11).fill(0), 5e-324]]) {
      for (const test of listDriftTests()) {
        if (!test.computeNumeric) continue;
        try {
          expect(test.computeNumeric(prepareNumeric(values), prepareNumeric(values), { permutations: 20 }).drift_detected, test.name).toBe(false);
        } catch (e) {
          expect(e, test.name).toBeInstanceOf(RangeError);
          expect((e as Error).message.startsWith(`${test.name}:`)).toBe(true);
        }
      }
    }
  });

});
