import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { prepareCategorical } from './categorical.js';
import { chiSquare } from './chi-square.js';
import { contingencyTest } from './contingency.js';
import { fisherExact } from './fisher-exact.js';
import { gTest } from './g-test.js';
import { tvd } from './tvd.js';
import type { DriftTest } from './types.js';
import { zTest } from './z-test.js';

interface Measured {
  statistic: number | null | 'inf';
  p_value: number;
}
interface Case {
  name: string;
  reference: (string | number | boolean | null)[];
  current: (string | number | boolean | null)[];
  chi_square: Measured;
  g_test: Measured;
  z_test: Measured;
  fisher_exact?: Measured;
  tvd: number;
}
interface TableCase {
  table: [number[], number[]];
  chi_square: Measured & { dof: number };
  g_test: Measured & { dof: number };
}
const fixture = JSON.parse(
  readFileSync(new URL('../../test/fixtures/stats/binned-categorical.json', import.meta.url), 'utf8'),
) as { categorical: Case[]; contingency_tables: TableCase[] };

function expectRelative(actual: number, expected: number, rel: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rel * Math.abs(expected) + 1e-300);
}
function expectStatistic(actual: number, expected: number | null | 'inf'): void {
  if (expected === null) expect(actual).toBeNaN();
  else if (expected === 'inf') expect(actual).toBe(Infinity);
  else expectRelative(actual, expected, 1e-9);
}

describe('categorical tests match scipy on samples', () => {
  for (const c of fixture.categorical) {
    it(c.name, () => {
      const ref = prepareCategorical(c.reference);
      const cur = prepareCategorical(c.current);
      const checks: [DriftTest, Measured | undefined][] = [
        [chiSquare, c.chi_square],
        [gTest, c.g_test],
        [zTest, c.z_test],
        [fisherExact, c.fisher_exact],
      ];
      for (const [test, expected] of checks) {
        if (!expected) {
          expect(() => test.computeCategorical!(ref, cur)).toThrow(/binary/);
          continue;
        }
        const result = test.computeCategorical!(ref, cur);
        expectStatistic(result.statistic, expected.statistic);
        expectRelative(result.p_value!, expected.p_value, 1e-6);
        expect(result.value).toBe(result.p_value);
        expect(result.threshold).toBe(0.05);
        expect(result.drift_detected).toBe(result.p_value! < 0.05);
      }
      expectRelative(tvd.computeCategorical!(ref, cur, { permutations: 20 }).statistic, c.tvd, 1e-9);
    });
  }
});

describe('contingency tables match scipy.stats.chi2_contingency', () => {
  for (const t of fixture.contingency_tables) {
    it(JSON.stringify(t.table), () => {
      const [ref, cur] = t.table.map((row) => Float64Array.from(row));
      for (const [kind, expected] of [
        ['pearson', t.chi_square],
        ['log-likelihood', t.g_test],
      ] as const) {
        const r = contingencyTest(ref, cur, kind);
        expectRelative(r.statistic, expected.statistic as number, 1e-9);
        expectRelative(r.p_value, expected.p_value, 1e-6);
        expect(r.dof).toBe(expected.dof);
      }
    });
  }

  it('refuses an empty sample', () => {
    expect(() => contingencyTest(new Float64Array([0, 0]), new Float64Array([1, 2]), 'pearson')).toThrow(RangeError);
    expect(() =>
      chiSquare.computeCategorical!(prepareCategorical([]), prepareCategorical(['a'])),
    ).toThrow(/non-missing/);
  });

  it('honours a threshold override', () => {
    const r = gTest.computeCategorical!(prepareCategorical(['a', 'b', 'b']), prepareCategorical(['a', 'a']), {
      threshold: 0.9,
    });
    expect(r.threshold).toBe(0.9);
    expect(r.drift_detected).toBe(r.p_value! < 0.9);
  });
});

const category = fc.constantFrom('a', 'b', 'c', 'd');
const binary = fc.constantFrom('no', 'yes');
const TESTS = [chiSquare, gTest, zTest, tvd];

describe('properties', () => {
  it('identical samples never drift', () => {
    fc.assert(
      fc.property(fc.array(category, { minLength: 1, maxLength: 60 }), fc.array(binary, { minLength: 1, maxLength: 60 }), (cats, bin) => {
        for (const test of TESTS) {
          const r = test.computeCategorical!(prepareCategorical(cats), prepareCategorical(cats), { permutations: 50 });
          expect(r.drift_detected).toBe(false);
        }
        const f = fisherExact.computeCategorical!(prepareCategorical(bin), prepareCategorical(bin));
        expect(f.p_value).toBe(1);
      }),
      { numRuns: 60 },
    );
  });

  it('p-values are symmetric', () => {
    fc.assert(
      fc.property(
        fc.array(category, { minLength: 1, maxLength: 50 }),
        fc.array(category, { minLength: 1, maxLength: 50 }),
        fc.array(binary, { minLength: 1, maxLength: 50 }),
        fc.array(binary, { minLength: 1, maxLength: 50 }),
        (a, b, x, y) => {
          const [ca, cb, bx, by] = [a, b, x, y].map((v) => prepareCategorical(v));
          for (const test of TESTS) {
            const ab = test.computeCategorical!(ca, cb, { permutations: 30 });
            const ba = test.computeCategorical!(cb, ca, { permutations: 30 });
            expect(ba.p_value).toBeCloseTo(ab.p_value!, 12);
          }
          for (const test of [chiSquare, gTest, tvd]) {
            expect(test.computeCategorical!(cb, ca, { permutations: 5 }).statistic).toBeCloseTo(
              test.computeCategorical!(ca, cb, { permutations: 5 }).statistic,
              12,
            );
          }
          // z changes sign, the odds ratio is inverted
          const z = zTest.computeCategorical!(bx, by);
          expect(zTest.computeCategorical!(by, bx).statistic).toBeCloseTo(-z.statistic, 12);
          const f = fisherExact.computeCategorical!(bx, by);
          const g = fisherExact.computeCategorical!(by, bx);
          expect(Math.abs(g.p_value! - f.p_value!)).toBeLessThanOrEqual(1e-12);
        },
      ),
      { numRuns: 60 },
    );
  });
});
