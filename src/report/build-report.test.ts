import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildReport } from './build-report.js';
import { loadReportSchema } from './schema.js';
import type { DriftReport, FeatureDrift } from './types.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../../test/fixtures/report/${name}`, import.meta.url));

/** Expected numbers from scripts/fixtures/gen_report_fixture.py (pandas + scipy, the anchor's definitions). */
interface Expected {
  rows: { reference: number; current: number };
  performance: Record<'reference' | 'current', Record<string, number> & { labelled: number; confusion_matrix: number[][] }>;
  fairness: Record<'reference' | 'current', Record<string, number> & { groups: Record<string, { count: number; selection_rate: number; tpr: number; fpr: number }> }>;
  label_free: Record<'reference' | 'current', Record<string, number>>;
  regression: Record<'reference' | 'current', Record<string, number>>;
  features: Record<
    string,
    {
      missing: { reference: number; current: number };
      count: { reference: number; current: number };
      tests: Record<string, number | [number, number]>;
    }
  >;
}
const expected = JSON.parse(readFileSync(fixture('expected.json'), 'utf8')) as Expected;
const ANCHOR_TESTS = ['ks', 'wasserstein', 'cramer_von_mises', 'psi', 'jensen_shannon', 'kl_divergence', 'chi_square'];

/**
 * Relative closeness; `abs` admits p-values deep in a tail, which scipy forms as 1 − cdf and so
 * knows only to about 1e-15 absolute.
 */
const close = (actual: number | null, want: number, rel: number, abs = 0): void => {
  expect(actual).not.toBeNull();
  const diff = Math.abs(actual! - want);
  expect(diff <= Math.max(rel * Math.abs(want), abs), `${actual} vs ${want}`).toBe(true);
};

function checkAgainstScipy(f: FeatureDrift): void {
  const want = expected.features[f.name];
  expect(f.missing).toEqual(want.missing);
  expect(f.count).toEqual(want.count);
  for (const [test, value] of Object.entries(want.tests)) {
    const run = f.tests.find((t) => t.test === test);
    expect(run, `${f.name} ran ${test}`).toBeDefined();
    if (Array.isArray(value)) {
      close(run!.statistic, value[0], 1e-9);
      close(run!.p_value, value[1], 1e-6, 1e-14);
    } else close(test === 'wasserstein' ? run!.value : run!.statistic, value, 1e-9);
  }
  expect(f.tests.map((t) => t.test).sort()).toEqual(Object.keys(want.tests).sort());
}

describe('buildReport on the scipy fixture', () => {
  let report: DriftReport;

  it('gives scipy\'s numbers for the anchor\'s tests, with missing counts per side', async () => {
    report = await buildReport({
      reference: fixture('reference.csv'),
      current: fixture('current.csv'),
      schema: loadReportSchema(fixture('schema.json')),
      selection: { mode: 'list', names: ANCHOR_TESTS },
      threads: 1,
      generatedAt: new Date('2025-01-02T03:04:05Z'),
    });
    expect(report.reference).toEqual({ name: 'reference.csv', rows: expected.rows.reference });
    expect(report.current).toEqual({ name: 'current.csv', rows: expected.rows.current });
    expect(report.generated_at).toBe('2025-01-02T03:04:05.000Z');
    expect(report.features.map((f) => f.name)).toEqual(['num_a', 'num_b', 'num_few', 'cat_c', 'flag']);
    for (const f of report.features) checkAgainstScipy(f);
  });

  it('decides each feature by its default test when it ran, else by the first test run', () => {
    const decided = Object.fromEntries(report.features.map((f) => [f.name, f.decided_by]));
    // reference of 400 rows: KS for numeric features, chi-square for few values and categories;
    // the boolean's default (z-test) was not asked for, so the first test run decides
    expect(decided).toEqual({ num_a: 'ks', num_b: 'ks', num_few: 'chi_square', cat_c: 'chi_square', flag: 'psi' });
    for (const f of report.features) {
      const run = f.tests.find((t) => t.test === f.decided_by)!;
      expect(f.drift_detected).toBe(run.drift_detected);
      expect(f.psi).toBe(f.tests.find((t) => t.test === 'psi')!.statistic);
    }
  });

  it('grades severity by PSI bands and summarises the dataset', () => {
    for (const f of report.features) {
      expect(f.severity).toBe(f.psi! >= 0.25 ? 'CRITICAL' : f.psi! >= 0.1 ? 'WARNING' : 'INFO');
    }
    const drifted = report.features.filter((f) => f.drift_detected).length;
    expect(report.summary).toMatchObject({ features_tested: 5, features_drifted: drifted, drift_share: drifted / 5 });
    expect(report.summary.dataset_drift).toBe(drifted / 5 >= 0.5);
  });

  it('by default runs each feature\'s default test plus PSI', async () => {
    const defaults = await buildReport({
      reference: fixture('reference.csv'),
      current: fixture('current.csv'),
      schema: loadReportSchema(fixture('schema.json')),
      threads: 1,
    });
    expect(defaults.features.map((f) => f.tests.map((t) => t.test))).toEqual([
      ['ks', 'psi'],
      ['ks', 'psi'],
      ['psi', 'chi_square'],
      ['psi', 'chi_square'],
      ['psi', 'z_test'],
    ]);
    expect(defaults.features.map((f) => f.decided_by)).toEqual(['ks', 'ks', 'chi_square', 'chi_square', 'z_test']);
    const ks = defaults.features[0].tests[0];
    close(ks.p_value, (expected.features.num_a.tests.ks as [number, number])[1], 1e-6);
  });

  it('reports numeric and categorical histograms of both sides', () => {
    const num = report.features[0].distribution!;
    expect(num.kind).toBe('numeric');
    const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);
    expect(sum(num.reference)).toBeCloseTo(1, 12);
    expect(sum(num.current)).toBeCloseTo(1, 12);
    const cat = report.features[3].distribution!;
    expect(cat.kind === 'categorical' && cat.categories).toContain('new');
    expect(cat.kind === 'categorical' && cat.categories).toContain('blue, dark');
  });
});

describe('buildReport with the model columns', () => {
  it('tests the prediction and score columns for drift and gives scikit-learn\'s performance numbers', async () => {
    const report = await buildReport({
      reference: fixture('reference.csv'),
      current: fixture('current.csv'),
      schema: loadReportSchema(fixture('schema-model.json')),
      threads: 1,
    });
    expect(report.prediction!.columns.map((c) => [c.name, c.type, c.decided_by])).toEqual([
      ['prediction', 'categorical', 'z_test'],
      ['score', 'numeric', 'ks'],
    ]);
    const p = report.performance!;
    expect(p.task).toBe('binary');
    expect(p.labelled).toEqual({ reference: expected.performance.reference.labelled, current: expected.performance.current.labelled });
    expect(p.metrics.map((m) => m.metric)).toEqual(['accuracy', 'precision', 'recall', 'f1', 'roc_auc', 'pr_auc', 'log_loss', 'brier_score', 'ece']);
    for (const m of p.metrics) {
      close(m.reference, expected.performance.reference[m.metric], 1e-9);
      close(m.current, expected.performance.current[m.metric], 1e-9);
      expect(m.change).toBeCloseTo(m.current! - m.reference!, 15);
    }
    expect(p.confusion_matrix).toEqual({
      labels: ['0', '1'],
      reference: expected.performance.reference.confusion_matrix,
      current: expected.performance.current.confusion_matrix,
    });
    for (const m of p.metrics) {
      const worse = ['log_loss', 'brier_score', 'ece'].includes(m.metric) ? m.change! / m.reference! : -m.change! / m.reference!;
      expect(m.severity).toBe(worse >= 0.1 ? 'CRITICAL' : worse >= 0.05 ? 'WARNING' : 'INFO');
    }
  });

  it('gives the label-free metrics of the predictions', async () => {
    const report = await buildReport({
      reference: fixture('reference.csv'),
      current: fixture('current.csv'),
      schema: loadReportSchema(fixture('schema-model.json')),
      threads: 1,
    });
    const metrics = report.prediction!.metrics;
    for (const side of ['reference', 'current'] as const) {
      for (const [metric, want] of Object.entries(expected.label_free[side])) {
        close(metrics.find((m) => m.metric === metric)![side], want, 1e-9);
      }
    }
    const shift = metrics.find((m) => m.metric === 'class share shift (TVD)')!;
    close(shift.change, Math.abs(expected.label_free.current['share of 1'] - expected.label_free.reference['share of 1']), 1e-12);
  });

  it('finds the planted fairness regression of group B against the privileged group A', async () => {
    const report = await buildReport({
      reference: fixture('reference.csv'),
      current: fixture('current.csv'),
      schema: loadReportSchema(fixture('schema-model.json')),
      threads: 1,
    });
    const [attribute] = report.fairness!.attributes;
    expect(attribute).toMatchObject({ attribute: 'group', privileged_group: 'A', reference_group: 'A', affected_groups: ['B'], severity: 'CRITICAL' });
    for (const side of ['reference', 'current'] as const) {
      const want = expected.fairness[side];
      for (const g of attribute.groups) {
        expect(g[side].count).toBe(want.groups[g.group].count);
        close(g[side].selection_rate, want.groups[g.group].selection_rate, 1e-12);
        close(g[side].tpr, want.groups[g.group].tpr, 1e-12);
        close(g[side].fpr, want.groups[g.group].fpr, 1e-12);
      }
      for (const m of attribute.metrics) close(m[side], want[m.metric], 1e-12);
    }
    expect(attribute.metrics.map((m) => [m.metric, m.severity])).toEqual([
      ['demographic_parity_difference', 'CRITICAL'],
      ['demographic_parity_ratio', 'CRITICAL'],
      ['disparate_impact', 'CRITICAL'],
      ['equal_opportunity_difference', 'CRITICAL'],
      ['equalized_odds_difference', 'CRITICAL'],
    ]);
  });

  it('gives scikit-learn\'s regression metrics and tests the prediction as a numeric column', async () => {
    const report = await buildReport({
      reference: fixture('reference.csv'),
      current: fixture('current.csv'),
      schema: loadReportSchema(fixture('schema-regression.json')),
      threads: 1,
    });
    expect(report.prediction!.columns.map((c) => [c.name, c.type])).toEqual([['estimate', 'numeric']]);
    expect(report.prediction!.metrics).toEqual([]);
    expect(report.fairness).toBeUndefined();
    const p = report.performance!;
    expect(p.task).toBe('regression');
    expect(p.labelled).toEqual({ reference: 400, current: 700 });
    for (const m of p.metrics) {
      close(m.reference, expected.regression.reference[m.metric], 1e-12);
      close(m.current, expected.regression.current[m.metric], 1e-12);
    }
    expect(p.metrics.find((m) => m.metric === 'r2')!.severity).toBe('CRITICAL');
  });
});
