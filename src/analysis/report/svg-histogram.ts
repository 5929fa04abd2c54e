/**
 * Inline SVG histograms of reference vs current shares, drawn as paired bars. No scripts, no
 * external references: the SVG is text inside the HTML report.
 */
import type { Distribution } from '../../report/types.js';
import { formatNumber, formatPercent } from './format.js';
import { escapeHtml } from './html-escape.js';

const WIDTH = 260;
const HEIGHT = 90;
const AXIS = 14;

/** One bin: its label (shown as a tooltip) and the two shares. */
interface Bar {
  readonly label: string;
  readonly reference: number;
  readonly current: number;
}

/** The SVG of a feature's distribution; an empty string when there is nothing to draw. */
export function histogramSvg(distribution: Distribution | undefined, caption: string): string {
  if (!distribution) return '';
  const bars = barsOf(distribution);
  if (bars.length === 0) return '';
  const top = Math.max(...bars.map((b) => Math.max(b.reference, b.current)), 1e-12);
  const plotHeight = HEIGHT - AXIS;
  const slot = WIDTH / bars.length;
  const barWidth = Math.max(1, slot / 2 - 1);
  const rects = bars.map((b, i) => {
    const x = i * slot;
    const hr = (b.reference / top) * (plotHeight - 2);
    const hc = (b.current / top) * (plotHeight - 2);
    const tip = escapeHtml(`${b.label}: reference ${formatPercent(b.reference)}, current ${formatPercent(b.current)}`);
    return (
      `<g><title>${tip}</title>` +
      `<rect class="ref" x="${fix(x + 0.5)}" y="${fix(plotHeight - hr)}" width="${fix(barWidth)}" height="${fix(hr)}"/>` +
      `<rect class="cur" x="${fix(x + 0.5 + barWidth)}" y="${fix(plotHeight - hc)}" width="${fix(barWidth)}" height="${fix(hc)}"/></g>`
    );
  });
  const [left, right] = axisLabels(distribution);
  return (
    `<svg class="hist" xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${escapeHtml(caption)}">` +
    `<line x1="0" y1="${plotHeight}" x2="${WIDTH}" y2="${plotHeight}" class="axis"/>` +
    rects.join('') +
    `<text x="0" y="${HEIGHT - 2}" class="tick">${escapeHtml(left)}</text>` +
    `<text x="${WIDTH}" y="${HEIGHT - 2}" class="tick" text-anchor="end">${escapeHtml(right)}</text>` +
    '</svg>'
  );
}

function barsOf(d: Distribution): Bar[] {
  if (d.kind === 'numeric') {
    return d.reference.map((r, j) => ({
      label: `(${formatNumber(d.edges[j])}, ${formatNumber(d.edges[j + 1])}]`,
      reference: r,
      current: d.current[j],
    }));
  }
  const bars = d.categories.map((c, j) => ({ label: c, reference: d.reference[j], current: d.current[j] }));
  if (d.other.reference > 0 || d.other.current > 0) bars.push({ label: '(other)', reference: d.other.reference, current: d.other.current });
  return bars;
}

function axisLabels(d: Distribution): [string, string] {
  if (d.kind === 'numeric') return [formatNumber(d.edges[0]), formatNumber(d.edges[d.edges.length - 1])];
  const shorten = (s: string): string => (s.length > 14 ? `${s.slice(0, 13)}…` : s);
  const names = d.categories;
  return names.length === 0 ? ['', ''] : [shorten(names[0]), names.length > 1 ? shorten(names[names.length - 1]) : ''];
}

const fix = (v: number): string => String(Math.round(v * 100) / 100);
