import { describe, expect, it } from 'vitest';
import type { DriftReport, FeatureDrift } from '../../report/types.js';
import { renderHtml } from './render-html.js';
import { renderJson } from './render-json.js';
import { renderText } from './render-text.js';

const EVIL = '<img src=x onerror=alert(1)>';

function feature(over: Partial<FeatureDrift> & Pick<FeatureDrift, 'name'>): FeatureDrift {
  return {
    type: 'numeric',
    count: { reference: 1000, current: 5000 },
    missing: { reference: 3, current: 40 },
    decided_by: 'ks',
    drift_detected: false,
    tests: [
      { test: 'ks', statistic: 0.031, p_value: 0.42, value: 0.42, threshold: 0.05, direction: 'p_value_below', drift_detected: false },
      { test: 'psi', statistic: 0.012, p_value: null, value: 0.012, threshold: 0.1, direction: 'value_at_or_above', drift_detected: false },
    ],
    psi: 0.012,
    severity: 'INFO',
    distribution: { kind: 'numeric', edges: [0, 1, 2, 3], reference: [0.2, 0.5, 0.3], current: [0.1, 0.4, 0.5] },
    ...over,
  };
}

function sampleReport(): DriftReport {
  return {
    version: 1,
    title: 'Data drift report',
    generated_at: '2025-11-14T08:00:00.000Z',
    reference: { name: 'ref.csv', rows: 1003 },
    current: { name: 'cur "new".csv', rows: 5040 },
    summary: { features_tested: 3, features_drifted: 2, drift_share: 2 / 3, drift_share_threshold: 0.5, dataset_drift: true, severity: 'CRITICAL' },
    features: [
      feature({ name: 'revenue_growth_yoy' }),
      feature({
        name: EVIL,
        type: 'categorical',
        decided_by: 'chi_square',
        drift_detected: true,
        tests: [{ test: 'chi_square', statistic: 95.2, p_value: 1.2e-20, value: 1.2e-20, threshold: 0.05, direction: 'p_value_below', drift_detected: true }],
        psi: 0.31,
        severity: 'CRITICAL',
        distribution: { kind: 'categorical', categories: ['<b>bold</b>', 'plain'], reference: [0.5, 0.5], current: [0.2, 0.7], other: { reference: 0, current: 0.1 } },
      }),
      feature({ name: 'rsi_14', drift_detected: true, psi: 0.18, severity: 'WARNING', skipped: [{ test: 'fisher_exact', reason: 'needs a binary feature' }] }),
      feature({ name: 'empty', decided_by: null, tests: [], psi: null, note: 'no values to test in the current data', distribution: undefined }),
    ],
    fairness: {
      attributes: [
        {
          attribute: 'gender',
          privileged_group: 'male',
          reference_group: 'male',
          notes: [`group ${EVIL} has 20 rows (< 30): reported, not judged`],
          groups: [
            { group: 'male', reference: { count: 600, selection_rate: 0.5, tpr: null, fpr: null }, current: { count: 3000, selection_rate: 0.52, tpr: 0.8, fpr: 0.1 } },
            { group: EVIL, reference: { count: 400, selection_rate: 0.45, tpr: null, fpr: null }, current: { count: 2000, selection_rate: 0.3, tpr: 0.6, fpr: 0.05 } },
          ],
          metrics: [{ metric: 'disparate_impact', reference: 0.9, current: 0.58, change: -0.32, severity: 'CRITICAL' }],
          affected_groups: [EVIL],
          severity: 'CRITICAL',
        },
      ],
    },
    performance: {
      task: 'binary',
      labelled: { reference: 1000, current: 2500 },
      metrics: [{ metric: 'f1', reference: 0.8, current: 0.7, change: -0.1, severity: 'WARNING' }],
    },
  };
}

describe('renderJson', () => {
  it('is the report model as JSON, optionally without the histograms', () => {
    const report = sampleReport();
    expect(JSON.parse(renderJson(report))).toEqual(JSON.parse(JSON.stringify(report)));
    const lean = JSON.parse(renderJson(report, { withoutDistributions: true }));
    expect(lean.features.every((f: object) => !('distribution' in f))).toBe(true);
  });

  it('writes a stray non-finite number as null', () => {
    const report = { ...sampleReport(), features: [feature({ name: 'x', psi: Number.POSITIVE_INFINITY })] };
    expect(JSON.parse(renderJson(report)).features[0].psi).toBeNull();
  });
});

describe('renderText', () => {
  const text = renderText(sampleReport());
  const lines = text.split('\n');

  it('has the drift table of the monitoring epic with status and action per feature', () => {
    expect(text).toContain('DATA DRIFT DETECTION REPORT');
    expect(text).toContain('- Features with Drift: 2 (66.7%)');
    expect(text).toContain('- Dataset Drift: YES (at 50% of features)');
    expect(text).toContain('- Severity: CRITICAL');
    const header = lines.find((l) => l.startsWith('Feature Name'))!;
    expect(header).toMatch(/^Feature Name +\| Type +\| Test +\| Statistic \| Value +\| Threshold \| PSI +\| Missing \(ref\/cur\) \| Status +\| Action$/);
    const row = (name: string): string => lines.find((l) => l.startsWith(name))!;
    expect(row('revenue_growth_yoy')).toMatch(/\| ks +\| 0\.031 +\| 0\.42 +\| 0\.05 +\| 0\.012 +\| 3\/40 +\| OK +\| -$/);
    expect(row(EVIL)).toMatch(/\| chi_square +\| 95\.2 +\| 1\.2e-20 .*\| DRIFT +\| Retrain recommended$/);
    expect(row('rsi_14')).toMatch(/\| DRIFT +\| Investigate$/);
    expect(row('empty')).toMatch(/\| NO DATA +\| no values to test in the current data$/);
  });

  it('aligns the columns of each table', () => {
    const start = lines.findIndex((l) => l.startsWith('Feature Name'));
    const pipes = (l: string): number[] => [...l.matchAll(/\|/g)].map((m) => m.index!);
    const bars = pipes(lines[start]);
    for (const l of lines.slice(start + 2, start + 6)) expect(pipes(l)).toEqual(bars);
    expect(lines[start + 1].replace(/-/g, '')).toBe('|'.repeat(bars.length));
  });

  it('lists the tests that did not apply', () => {
    expect(text).toMatch(/SKIPPED TESTS \(not applicable to the data\):\nFeature Name \| Test +\| Reason\n.*\nrsi_14 +\| fisher_exact \| needs a binary feature/);
  });

  it('has the fairness and performance sections', () => {
    expect(text).toContain('FAIRNESS: gender (severity CRITICAL; rates against male)');
    expect(text).toContain(`Note: group ${EVIL} has 20 rows (< 30): reported, not judged`);
    expect(text).toMatch(/disparate_impact \| 0\.9 +\| 0\.58 +\| -0\.32 +\| CRITICAL/);
    expect(text).toContain(`Affected groups: ${EVIL}`);
    expect(text).toContain('PERFORMANCE (binary; labelled rows: 1,000 reference, 2,500 current):');
  });
});

describe('renderHtml', () => {
  const html = renderHtml(sampleReport());

  it('renders a hostile feature name, category and group as text, never as markup', () => {
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<b>bold</b>');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('&lt;b&gt;bold&lt;/b&gt;');
    expect(html).toContain('cur &quot;new&quot;.csv');
  });

  it('is one self-contained document: no scripts, no links, nothing fetched', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html.match(/<html/g)).toHaveLength(1);
    expect(html).not.toMatch(/<script|<link|<iframe|<img|<object|<embed|@import|url\(/i);
    // no tag has an attribute that loads or links anything (escaped text and values have no '<' or '"')
    expect(html.replace(/"[^"]*"/g, '""')).not.toMatch(/<[^>]*\s(src|href|action|srcset|on\w+)=/i);
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`);
  });

  it('draws a histogram of reference vs current for each feature with data', () => {
    expect(html.match(/<svg class="hist"/g)).toHaveLength(3);
    expect(html).toContain('<title>(1, 2]: reference 50%, current 40%</title>');
    expect(html).toContain('<title>(other): reference 0%, current 10%</title>');
  });

  it('shows the summary, the sections and every test of a feature', () => {
    expect(html).toContain('<span class="sev CRITICAL">CRITICAL</span>');
    expect(html).toContain('<h2>Fairness</h2>');
    expect(html).toContain('<h2>Performance</h2>');
    expect(html).toMatch(/<summary>2 tests<\/summary>/);
    expect(html).toContain('<p class="meta">fisher_exact skipped: needs a binary feature</p>');
  });
});
