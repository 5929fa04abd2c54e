/**
 * The HTML report: one self-contained file (inline CSS and SVG, no scripts, no network; a
 * Content-Security-Policy forbids loading anything). Every string from the data is escaped.
 */
import type { DriftReport, FeatureDrift, MetricComparison, Severity } from '../../report/types.js';
import { decisiveRun, featureAction, featureStatus, formatCount, formatNumber, formatPercent } from './format.js';
import { escapeHtml as esc } from './html-escape.js';
import { histogramSvg } from './svg-histogram.js';

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px;color:#1d2430;background:#fff}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}h3{font-size:15px;margin:18px 0 6px}
.meta{color:#5b6472;margin-bottom:16px}
.cards{display:flex;gap:12px;flex-wrap:wrap}.card{border:1px solid #d8dde5;border-radius:8px;padding:10px 14px;min-width:140px}
.card b{display:block;font-size:20px}
table{border-collapse:collapse;margin:6px 0}th,td{border-bottom:1px solid #e3e7ee;padding:5px 9px;text-align:left;vertical-align:middle}
th{background:#f4f6f9;font-weight:600}td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.sev{display:inline-block;padding:1px 7px;border-radius:10px;font-size:12px;font-weight:600}
.INFO{background:#e7f4ea;color:#1e6b34}.WARNING{background:#fff3d6;color:#8a5a00}.CRITICAL{background:#fde2e1;color:#a1221b}
.DRIFT{color:#a1221b;font-weight:600}.OK{color:#1e6b34}
.hist .ref{fill:#7c93b8}.hist .cur{fill:#f08c2e}.hist .axis{stroke:#9aa3b0}.hist .tick{font-size:10px;fill:#5b6472}
.legend span{display:inline-block;width:10px;height:10px;margin:0 4px 0 12px}
details{margin:4px 0}summary{cursor:pointer;color:#30507e}
`;

/** Renders a report as one self-contained HTML document. */
export function renderHtml(report: DriftReport): string {
  const s = report.summary;
  const parts: string[] = [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(report.title)}</title><style>${CSS}</style></head><body>`,
    `<h1>${esc(report.title)}</h1>`,
    `<div class="meta">Generated ${esc(report.generated_at)} · reference <b>${esc(report.reference.name)}</b> (${formatCount(report.reference.rows)} rows) · current <b>${esc(report.current.name)}</b> (${formatCount(report.current.rows)} rows)</div>`,
    '<div class="cards">',
    card('Features tested', esc(String(s.features_tested))),
    card('Features drifted', esc(`${s.features_drifted} (${formatPercent(s.drift_share)})`)),
    card('Dataset drift', s.dataset_drift ? 'YES' : 'NO', `at ${formatPercent(s.drift_share_threshold)} of features`),
    card('Severity', severity(s.severity)),
    '</div>',
    '<h2>Feature drift</h2>',
    '<div class="legend">Histograms:<span style="background:#7c93b8"></span>reference<span style="background:#f08c2e"></span>current</div>',
    driftTable(report.features),
  ];
  if (report.prediction) {
    parts.push('<h2>Prediction drift</h2>', driftTable(report.prediction.columns));
    if (report.prediction.metrics.length > 0) parts.push(metricsTable(report.prediction.metrics));
  }
  if (report.fairness) {
    parts.push('<h2>Fairness</h2>');
    for (const a of report.fairness.attributes) {
      parts.push(`<h3>${esc(a.attribute)} ${severity(a.severity)}</h3>`);
      const meta = [
        a.privileged_group !== null ? `privileged group: ${a.privileged_group}` : undefined,
        a.reference_group ? `rates compared with: ${a.reference_group}` : undefined,
      ].filter((x) => x !== undefined);
      if (meta.length > 0) parts.push(`<div class="meta">${esc(meta.join(' · '))}</div>`);
      parts.push(
        table(
          ['Group', 'Ref count', 'Ref selection rate', 'Cur count', 'Cur selection rate', 'Cur TPR', 'Cur FPR'],
          a.groups.map((g) => [
            esc(g.group),
            num(formatCount(g.reference.count)),
            num(formatNumber(g.reference.selection_rate)),
            num(formatCount(g.current.count)),
            num(formatNumber(g.current.selection_rate)),
            num(formatNumber(g.current.tpr)),
            num(formatNumber(g.current.fpr)),
          ]),
        ),
        metricsTable(a.metrics),
      );
      if (a.affected_groups.length > 0) parts.push(`<p>Affected groups: <b>${a.affected_groups.map(esc).join(', ')}</b></p>`);
      for (const note of a.notes ?? []) parts.push(`<p class="meta">${esc(note)}</p>`);
    }
  }
  if (report.performance) {
    const p = report.performance;
    parts.push(
      `<h2>Performance</h2><div class="meta">${esc(p.task)} · labelled rows: ${formatCount(p.labelled.reference)} reference, ${formatCount(p.labelled.current)} current</div>`,
      metricsTable(p.metrics),
    );
  }
  parts.push('</body></html>');
  return parts.join('\n') + '\n';
}

function driftTable(features: readonly FeatureDrift[]): string {
  const rows = features.map((f) => {
    const run = decisiveRun(f);
    const status = featureStatus(f);
    const details =
      f.tests.length === 0
        ? ''
        : `<details><summary>${f.tests.length} test${f.tests.length === 1 ? '' : 's'}</summary>` +
          table(
            ['Test', 'Statistic', 'P-value', 'Value', 'Threshold', 'Result'],
            f.tests.map((t) => [
              esc(t.test),
              num(formatNumber(t.statistic)),
              num(formatNumber(t.p_value)),
              num(formatNumber(t.value)),
              num(formatNumber(t.threshold)),
              t.drift_detected ? '<span class="DRIFT">DRIFT</span>' : 'OK',
            ]),
          ) +
          (f.skipped ?? []).map((k) => `<p class="meta">${esc(k.test)} skipped: ${esc(k.reason)}</p>`).join('') +
          '</details>';
    return [
      `<b>${esc(f.name)}</b>${details}`,
      esc(f.type),
      esc(f.decided_by ?? '-'),
      num(formatNumber(run?.statistic)),
      num(formatNumber(run?.value)),
      num(formatNumber(run?.threshold)),
      num(formatNumber(f.psi)),
      num(`${formatCount(f.missing.reference)} / ${formatCount(f.missing.current)}`),
      `<span class="${status === 'DRIFT' ? 'DRIFT' : status === 'OK' ? 'OK' : ''}">${esc(status)}</span> ${severity(f.severity)}`,
      esc(featureAction(f)),
      histogramSvg(f.distribution, `${f.name}: reference vs current`),
    ];
  });
  return table(
    ['Feature', 'Type', 'Test', 'Statistic', 'Value', 'Threshold', 'PSI', 'Missing (ref / cur)', 'Status', 'Action', 'Reference vs current'],
    rows,
  );
}

function metricsTable(metrics: readonly MetricComparison[]): string {
  return table(
    ['Metric', 'Reference', 'Current', 'Change', 'Severity'],
    metrics.map((m) => [esc(m.metric), num(formatNumber(m.reference)), num(formatNumber(m.current)), num(formatNumber(m.change)), m.severity ? severity(m.severity) : '-']),
  );
}

/** A body cell: HTML (already escaped), or a number's text (escaped here, right-aligned). */
type Cell = string | { readonly num: string };

/** A table; header cells are escaped here. */
function table(header: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const head = `<tr>${header.map((h) => `<th>${esc(h)}</th>`).join('')}</tr>`;
  const cell = (c: Cell): string => (typeof c === 'string' ? `<td>${c}</td>` : `<td class="num">${esc(c.num)}</td>`);
  const body = rows.map((r) => `<tr>${r.map(cell).join('')}</tr>`).join('');
  return `<table><thead>${head}</thead><tbody>${body}</tbody></table>`;
}

const num = (text: string): Cell => ({ num: text });
const severity = (s: Severity): string => `<span class="sev ${s}">${s}</span>`;
const card = (label: string, valueHtml: string, note?: string): string =>
  `<div class="card">${esc(label)}<b>${valueHtml}</b>${note ? esc(note) : ''}</div>`;
