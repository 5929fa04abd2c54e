/**
 * The plain-text report: the drift table of the monitoring epic (Feature Name | KS Stat | PSI |
 * Status | Action), generalised to whichever test decides each feature (its statistic, the value
 * judged and the threshold it was judged by), then the model sections.
 */
import type { DriftReport, FeatureDrift, MetricComparison } from '../../report/types.js';
import { decisiveRun, featureAction, featureStatus, formatCount, formatNumber, formatPercent } from './format.js';

const RULE = '='.repeat(40);

/** Renders a report as text (lines end with \n). */
export function renderText(report: DriftReport): string {
  const s = report.summary;
  const out: string[] = [RULE, 'DATA DRIFT DETECTION REPORT', RULE];
  out.push(`Date: ${report.generated_at.slice(0, 10)}`);
  out.push(`Reference: ${report.reference.name} (${formatCount(report.reference.rows)} rows)`);
  out.push(`Current: ${report.current.name} (${formatCount(report.current.rows)} rows)`);
  out.push('', 'SUMMARY:');
  out.push(`- Features Tested: ${s.features_tested}`);
  out.push(`- Features with Drift: ${s.features_drifted} (${formatPercent(s.drift_share)})`);
  out.push(`- Dataset Drift: ${s.dataset_drift ? 'YES' : 'NO'} (at ${formatPercent(s.drift_share_threshold)} of features)`);
  out.push(`- Severity: ${s.severity}`);
  out.push('', 'DETAILED RESULTS:');
  out.push(...driftTable(report.features));
  const extra = report.features.some((f) => f.tests.some((t) => t.test !== f.decided_by && t.test !== 'psi'));
  if (extra) out.push('', 'ALL TESTS:', ...testsTable(report.features));
  const skipped = report.features.flatMap((f) => (f.skipped ?? []).map((k) => [f.name, k.test, k.reason]));
  if (skipped.length > 0) out.push('', 'SKIPPED TESTS (not applicable to the data):', ...table(['Feature Name', 'Test', 'Reason'], skipped));
  if (report.prediction) {
    out.push('', 'PREDICTION DRIFT:', ...driftTable(report.prediction.columns));
    if (report.prediction.metrics.length > 0) out.push('', ...metricsTable(report.prediction.metrics));
  }
  if (report.fairness) {
    for (const a of report.fairness.attributes) {
      const against = a.reference_group ? `; rates against ${a.reference_group}` : '';
      out.push('', `FAIRNESS: ${a.attribute} (severity ${a.severity}${against})`);
      out.push(
        ...table(
          ['Group', 'Ref Count', 'Ref Rate', 'Cur Count', 'Cur Rate', 'Cur TPR', 'Cur FPR'],
          a.groups.map((g) => [
            g.group,
            formatCount(g.reference.count),
            formatNumber(g.reference.selection_rate),
            formatCount(g.current.count),
            formatNumber(g.current.selection_rate),
            formatNumber(g.current.tpr),
            formatNumber(g.current.fpr),
          ]),
        ),
      );
      out.push('', ...metricsTable(a.metrics));
      if (a.affected_groups.length > 0) out.push(`Affected groups: ${a.affected_groups.join(', ')}`);
      for (const note of a.notes ?? []) out.push(`Note: ${note}`);
    }
  }
  if (report.performance) {
    const p = report.performance;
    out.push('', `PERFORMANCE (${p.task}; labelled rows: ${formatCount(p.labelled.reference)} reference, ${formatCount(p.labelled.current)} current):`);
    out.push(...metricsTable(p.metrics));
  }
  out.push(RULE);
  return out.join('\n') + '\n';
}

function driftTable(features: readonly FeatureDrift[]): string[] {
  return table(
    ['Feature Name', 'Type', 'Test', 'Statistic', 'Value', 'Threshold', 'PSI', 'Missing (ref/cur)', 'Status', 'Action'],
    features.map((f) => {
      const run = decisiveRun(f);
      return [
        f.name,
        f.type,
        f.decided_by ?? '-',
        formatNumber(run?.statistic),
        formatNumber(run?.value),
        formatNumber(run?.threshold),
        formatNumber(f.psi),
        `${formatCount(f.missing.reference)}/${formatCount(f.missing.current)}`,
        featureStatus(f),
        featureAction(f),
      ];
    }),
  );
}

function testsTable(features: readonly FeatureDrift[]): string[] {
  const rows = features.flatMap((f) =>
    f.tests.map((t) => [
      f.name,
      t.test,
      formatNumber(t.statistic),
      formatNumber(t.p_value),
      formatNumber(t.value),
      formatNumber(t.threshold),
      t.drift_detected ? 'DRIFT' : 'OK',
    ]),
  );
  return table(['Feature Name', 'Test', 'Statistic', 'P-Value', 'Value', 'Threshold', 'Result'], rows);
}

function metricsTable(metrics: readonly MetricComparison[]): string[] {
  return table(
    ['Metric', 'Reference', 'Current', 'Change', 'Severity'],
    metrics.map((m) => [m.metric, formatNumber(m.reference), formatNumber(m.current), formatNumber(m.change), m.severity ?? '-']),
  );
}

/** A pipe table whose columns are as wide as their widest cell. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const clean = (cell: string): string => cell.replace(/[\r\n\t]+/g, ' ');
  const body = rows.map((r) => r.map(clean));
  const widths = header.map((h, j) => Math.max(h.length, ...body.map((r) => r[j].length)));
  const line = (cells: readonly string[]): string => cells.map((c, j) => c.padEnd(widths[j])).join(' | ').trimEnd();
  return [line(header), widths.map((w, j) => '-'.repeat(w + (j === 0 || j === widths.length - 1 ? 1 : 2))).join('|'), ...body.map(line)];
}
