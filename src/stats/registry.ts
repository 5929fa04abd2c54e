/**
 * The registry of drift tests: one explicit list of every descriptor (no registration by import
 * side effect), lookup by our names and by Evidently's, and the tests that apply to a column type.
 */
import { andersonDarling } from './anderson-darling.js';
import { chiSquare } from './chi-square.js';
import { cramerVonMises } from './cramer-von-mises.js';
import { energyDistance } from './energy-distance.js';
import { eppsSingleton } from './epps-singleton.js';
import { fisherExact } from './fisher-exact.js';
import { gTest } from './g-test.js';
import { hellinger } from './hellinger.js';
import { jensenShannon } from './jensen-shannon.js';
import { klDivergence } from './kl-divergence.js';
import { ks } from './ks.js';
import { mannWhitney } from './mann-whitney.js';
import { mmd } from './mmd.js';
import { psi } from './psi.js';
import { tTest, tTestStudent } from './t-test.js';
import { tvd } from './tvd.js';
import type { ColumnType, DriftTest } from './types.js';
import { wasserstein } from './wasserstein.js';
import { zTest } from './z-test.js';

/** Every drift test, numeric ones first, in the order reports list them. */
const DRIFT_TESTS: readonly DriftTest[] = [
  ks,
  wasserstein,
  cramerVonMises,
  andersonDarling,
  energyDistance,
  tTest,
  tTestStudent,
  mannWhitney,
  eppsSingleton,
  mmd,
  psi,
  jensenShannon,
  klDivergence,
  hellinger,
  chiSquare,
  gTest,
  zTest,
  fisherExact,
  tvd,
];

/**
 * Evidently's stattest names, each with the test it finds here: a user who knows those finds them
 * all (Evidently spells its MMD test `emperical_mmd`; both spellings work). Some equal our names.
 * Evidently's `t_test` is Student's t-test; ours is Welch's, and `t_test` stays ours.
 */
export const EVIDENTLY_NAMES: readonly (readonly [string, DriftTest])[] = [
  ['ks', ks],
  ['wasserstein', wasserstein],
  ['cramer_von_mises', cramerVonMises],
  ['anderson', andersonDarling],
  ['ed', energyDistance],
  ['t_test', tTest],
  ['mannw', mannWhitney],
  ['es', eppsSingleton],
  ['emperical_mmd', mmd],
  ['psi', psi],
  ['jensenshannon', jensenShannon],
  ['kl_div', klDivergence],
  ['hellinger', hellinger],
  ['chisquare', chiSquare],
  ['g_test', gTest],
  ['z', zTest],
  ['fisher_exact', fisherExact],
  ['TVD', tvd],
];

/** Further names: the corrected MMD spelling and common short forms. */
const ALIASES: readonly (readonly [string, DriftTest])[] = [
  ...EVIDENTLY_NAMES,
  ['empirical_mmd', mmd],
  ['chi2', chiSquare],
  ['js', jensenShannon],
  ['kl', klDivergence],
  ['welch', tTest],
  ['student', tTestStudent],
];

/** Lower case, trimmed, with `-` and spaces read as `_`: `Jensen-Shannon` finds `jensen_shannon`. */
export function normaliseTestName(name: string): string {
  return name.trim().toLowerCase().replace(/[\s-]+/g, '_');
}

function buildIndex(): Map<string, DriftTest> {
  const index = new Map<string, DriftTest>();
  const add = (name: string, test: DriftTest): void => {
    const key = normaliseTestName(name);
    const existing = index.get(key);
    if (existing && existing !== test) {
      throw new Error(`drift test name "${name}" is claimed by both ${existing.name} and ${test.name}`);
    }
    index.set(key, test);
  };
  for (const test of DRIFT_TESTS) add(test.name, test);
  for (const [alias, test] of ALIASES) add(alias, test);
  return index;
}

const INDEX = buildIndex();

/** Thrown for a test name that is neither a test's name nor an alias; lists the valid names. */
export class UnknownDriftTestError extends Error {
  readonly code = 'UNKNOWN_DRIFT_TEST';
  constructor(
    readonly requested: string,
    readonly validNames: readonly string[],
  ) {
    super(`unknown drift test "${requested}"; valid names: ${validNames.join(', ')}`);
    this.name = 'UnknownDriftTestError';
  }
}

/**
 * The test called `name`: our name (`jensen_shannon`) or an Evidently alias (`jensenshannon`),
 * case-insensitively.
 * @throws UnknownDriftTestError listing every valid name
 */
export function getDriftTest(name: string): DriftTest {
  const test = INDEX.get(normaliseTestName(name));
  if (!test) throw new UnknownDriftTestError(name, [...INDEX.keys()].sort());
  return test;
}

/** Every registered test, in report order. */
export function listDriftTests(): readonly DriftTest[] {
  return DRIFT_TESTS;
}

/** Aliases (normalised, other than the tests' own names) and the name of the test each finds. */
export function listDriftTestAliases(): ReadonlyMap<string, string> {
  const aliases = new Map<string, string>();
  for (const [alias, test] of ALIASES) {
    const key = normaliseTestName(alias);
    if (key !== test.name) aliases.set(key, test.name);
  }
  return aliases;
}

/** The tests that can run on a column of this type. */
export function testsFor(columnType: ColumnType): readonly DriftTest[] {
  return DRIFT_TESTS.filter((test) => test.columnTypes.includes(columnType));
}
