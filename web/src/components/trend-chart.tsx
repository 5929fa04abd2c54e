/**
 * Metrics over time with threshold lines: a feature's PSI, fairness parity metrics, performance.
 * Points of several series are aligned on the union of their timestamps (gaps where a series is
 * absent). Threshold lines are dashed and named in the legend ("critical ≥ 0.25").
 */
import { useMemo } from 'preact/hooks';
import type uPlot from 'uplot';
import { epochSeconds, num } from '../format';
import { COLORS, UPlotChart } from './uplot-chart';

export interface LineSeries {
  label: string;
  points: { timestamp: string; value: number | null }[];
  color?: string;
}

export interface ThresholdLine {
  label: string;
  value: number;
  level: 'warning' | 'critical' | 'reference';
}

/**
 * `span` is the range asked for (ISO from, and to or now): the x axis covers all of it and the
 * threshold lines run across it even when there are only one or two analyses.
 */
export function TrendChart({ series, thresholds = [], label, height = 220, percent = false, testId, span }: { series: LineSeries[]; thresholds?: ThresholdLine[]; label: string; height?: number; percent?: boolean; testId?: string; span?: { from: string; to?: string | null } }) {
  // charts are rebuilt only when what they show changes, not on every render of the page
  const signature = JSON.stringify([series, thresholds, percent, span]);
  const { data, options } = useMemo(() => {
    const observed = [...new Set(series.flatMap((s) => s.points.map((p) => epochSeconds(p.timestamp))))].sort((a, b) => a - b);
    const edges = span && observed.length > 0 ? [Math.min(epochSeconds(span.from), observed[0]), Math.max(span.to ? epochSeconds(span.to) : Date.now() / 1000, observed[observed.length - 1])] : [];
    const times = edges.length ? [...new Set([edges[0], ...observed, edges[1]])].sort((a, b) => a - b) : observed;
    const index = new Map(times.map((t, i) => [t, i]));
    const columns = series.map((s) => {
      const col: (number | null)[] = new Array(times.length).fill(null);
      for (const p of s.points) col[index.get(epochSeconds(p.timestamp))!] = p.value;
      return col;
    });
    const lines = thresholds.map((t) => times.map(() => t.value));
    const fmt = (v: number | null) => (v === null ? '–' : percent ? `${num(v * 100, 1)} %` : num(v));
    const opts: Omit<uPlot.Options, 'width' | 'height'> = {
      scales: { x: { time: true } },
      axes: [{}, { values: (_u, ticks) => ticks.map((t) => fmt(t)), size: 56 }],
      cursor: { drag: { x: false, y: false } },
      series: [
        {},
        ...series.map((s, i) => ({
          label: s.label,
          stroke: s.color ?? COLORS.series[i % COLORS.series.length],
          width: 2,
          spanGaps: true,
          points: { show: times.length < 60, size: 5 },
          value: (_u: uPlot, v: number | null) => fmt(v),
        })),
        ...thresholds.map((t) => ({
          label: t.label,
          stroke: t.level === 'critical' ? COLORS.critical : t.level === 'warning' ? COLORS.warning : COLORS.reference,
          dash: t.level === 'reference' ? [2, 4] : [8, 5],
          width: 1.5,
          points: { show: false },
          value: () => fmt(t.value),
        })),
      ],
    };
    return { data: [times, ...columns, ...lines] as uPlot.AlignedData, options: opts };
  }, [signature]);
  if (!series.some((s) => s.points.length > 0)) return <p class="empty">No completed analyses in this range.</p>;
  return <UPlotChart options={options} data={data} label={label} height={height} testId={testId} />;
}

/** The warning and critical lines of a metric's band (the direction says which side is bad). */
export function bandLines(band: { warning: number; critical: number; worse: string } | null | undefined): ThresholdLine[] {
  if (!band) return [];
  const op = band.worse === 'lower' ? '<' : '≥';
  return [
    { label: `warning ${op} ${num(band.warning)}`, value: band.warning, level: 'warning' },
    { label: `critical ${op} ${num(band.critical)}`, value: band.critical, level: 'critical' },
  ];
}
