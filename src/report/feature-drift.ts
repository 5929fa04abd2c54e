import { categoricalFromNumeric } from '../stats/categorical.js';
import { FEW_VALUES_MAX, defaultDriftTest, distinctCategories } from '../stats/default-test.js';
import { psi, psiSeverity } from '../stats/psi.js';
import type { PsiSeverityThresholds } from '../stats/psi.js';
import { listDriftTests, testsFor } from '../stats/registry.js';
import type { CategoricalSample, ColumnType, DriftTest, DriftTestOptions, DriftTestResult, NumericSample } from '../stats/types.js';
import { categoricalDistribution, numericDistribution } from './distribution.js';
import type { FeatureDrift, TestRun } from './types.js';

/**
 * Which tests run on each feature: its default test (Evidently's rule) plus PSI, the tests of a
 * list that apply to the feature's type, or every test that applies.
 */
export type TestSelection =
  | { readonly mode: 'default' }
  | { readonly mode: 'all' }
  | { readonly mode: 'list'; readonly names: readonly string[] };

export interface FeatureDriftOptions {
  readonly selection: TestSelection;
  /** threshold per test name, overriding the test's default */
  readonly thresholds?: Readonly<Record<string, number>>;
  readonly psiSeverity?: PsiSeverityThresholds;
}

type FeatureType = FeatureDrift['type'];

/** Drift of a numeric feature over samples prepared once; every test reads the same samples. */
export function numericFeatureDrift(
  name: string,
  reference: NumericSample,
  current: NumericSample,
  options: FeatureDriftOptions,
): FeatureDrift {
  const base = { name, type: 'numeric' as const, reference, current };
  if (reference.n === 0 || current.n === 0) return untested(base, options);
  const choice = defaultDriftTest('numeric', reference.n, distinctValuesUpTo(reference.sorted, current.sorted, FEW_VALUES_MAX + 1));
  let asCategories: [CategoricalSample, CategoricalSample] | undefined;
  const outcome = runAll(selectTests('numeric', choice.test, options.selection), options, (test, opts) => {
    if ((test === choice.test && choice.sampleType === 'categorical') || !test.computeNumeric) {
      // few distinct values: the default test sees one category per value, as in Evidently
      asCategories ??= [categoricalFromNumeric(reference), categoricalFromNumeric(current)];
      return test.computeCategorical!(asCategories[0], asCategories[1], opts);
    }
    return test.computeNumeric(reference, current, opts);
  });
  const psiValue = outcome.runs.find((r) => r.test === psi.name)?.statistic ?? psi.computeNumeric!(reference, current).statistic;
  return judged(base, choice.test, outcome, psiValue, options, numericDistribution(reference.sorted, current.sorted));
}

/** Drift of a categorical (or boolean) feature over its category counts. */
export function categoricalFeatureDrift(
  name: string,
  type: 'categorical' | 'boolean',
  reference: CategoricalSample,
  current: CategoricalSample,
  options: FeatureDriftOptions,
): FeatureDrift {
  const base = { name, type, reference, current };
  if (reference.n === 0 || current.n === 0) return untested(base, options);
  const choice = defaultDriftTest('categorical', reference.n, distinctCategories(reference, current));
  const outcome = runAll(selectTests('categorical', choice.test, options.selection), options, (test, opts) =>
    test.computeCategorical!(reference, current, opts),
  );
  const psiValue = outcome.runs.find((r) => r.test === psi.name)?.statistic ?? psi.computeCategorical!(reference, current).statistic;
  return judged(base, choice.test, outcome, psiValue, options, categoricalDistribution(reference, current));
}

/**
 * The tests to run, in registry order. A listed test runs when it applies to the column type,
 * or when it is the feature's default test (which may test a numeric feature as categories).
 */
export function selectTests(columnType: ColumnType, defaultTest: DriftTest, selection: TestSelection): DriftTest[] {
  let chosen: DriftTest[];
  if (selection.mode === 'default') chosen = [defaultTest, psi];
  else if (selection.mode === 'all') chosen = [...testsFor(columnType), defaultTest];
  else {
    const names = new Set(selection.names);
    chosen = listDriftTests().filter((t) => names.has(t.name) && (t.columnTypes.includes(columnType) || t === defaultTest));
  }
  const order = listDriftTests();
  return [...new Set(chosen)].sort((a, b) => order.indexOf(a) - order.indexOf(b));
}

/**
 * Distinct values of two sorted arrays together, counted up to `cap`: the default test only asks
 * whether there are more than 5, and a full count would be one more walk over both samples.
 */
export function distinctValuesUpTo(a: Float64Array, b: Float64Array, cap: number): number {
  let i = 0;
  let j = 0;
  let distinct = 0;
  while ((i < a.length || j < b.length) && distinct < cap) {
    const v = j >= b.length || (i < a.length && a[i] <= b[j]) ? a[i] : b[j];
    distinct++;
    // skip the run of v by binary search: runs are long when values repeat
    i = upperBound(a, v, i);
    j = upperBound(b, v, j);
  }
  return distinct;
}

function upperBound(sorted: Float64Array, v: number, from: number): number {
  let lo = from;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

interface Outcome {
  readonly runs: DriftTestResult[];
  readonly skipped: { readonly test: string; readonly reason: string }[];
}

/**
 * Runs each test; a test that does not apply to this data (it throws a RangeError, e.g. Fisher's
 * exact test on more than two categories) is listed as skipped with its reason.
 */
function runAll(
  tests: readonly DriftTest[],
  options: FeatureDriftOptions,
  compute: (test: DriftTest, opts: DriftTestOptions) => DriftTestResult,
): Outcome {
  const outcome: Outcome = { runs: [], skipped: [] };
  for (const test of tests) {
    try {
      outcome.runs.push(compute(test, { threshold: options.thresholds?.[test.name] }));
    } catch (e) {
      if (!(e instanceof RangeError)) throw e;
      outcome.skipped.push({ test: test.name, reason: e.message });
    }
  }
  return outcome;
}

interface Sides {
  readonly name: string;
  readonly type: FeatureType;
  readonly reference: { readonly n: number; readonly missing: number };
  readonly current: { readonly n: number; readonly missing: number };
}

function judged(
  base: Sides,
  defaultTest: DriftTest,
  { runs, skipped }: Outcome,
  psiValue: number,
  options: FeatureDriftOptions,
  distribution: FeatureDrift['distribution'],
): FeatureDrift {
  const decisive = runs.find((r) => r.test === defaultTest.name) ?? runs[0];
  return {
    ...counts(base),
    decided_by: decisive?.test ?? null,
    drift_detected: decisive?.drift_detected ?? false,
    tests: runs.map(toRun),
    psi: finite(psiValue),
    severity: psiSeverity(psiValue, options.psiSeverity),
    ...(skipped.length > 0 ? { skipped } : {}),
    ...(distribution ? { distribution } : {}),
  };
}

function untested(base: Sides, options: FeatureDriftOptions): FeatureDrift {
  const side = base.reference.n === 0 ? 'reference' : 'current';
  return {
    ...counts(base),
    decided_by: null,
    drift_detected: false,
    tests: [],
    psi: null,
    severity: psiSeverity(Number.NaN, options.psiSeverity),
    note: `no values to test in the ${side} data`,
  };
}

function counts(base: Sides): Pick<FeatureDrift, 'name' | 'type' | 'count' | 'missing'> {
  return {
    name: base.name,
    type: base.type,
    count: { reference: base.reference.n, current: base.current.n },
    missing: { reference: base.reference.missing, current: base.current.missing },
  };
}

const finite = (v: number | null): number | null => (v === null || !Number.isFinite(v) ? null : v);

/** A registry result as the report shows it: NaN becomes null. */
export function toRun(r: DriftTestResult): TestRun {
  return {
    test: r.test,
    statistic: finite(r.statistic),
    p_value: finite(r.p_value),
    value: finite(r.value),
    threshold: r.threshold,
    direction: r.direction,
    drift_detected: r.drift_detected,
  };
}
