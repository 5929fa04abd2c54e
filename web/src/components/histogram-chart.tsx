/**
 * A numeric feature's reference and current distributions overlaid: both as shares of their
 * sample (the samples differ in size) on the baseline's bin edges, drawn as filled steps.
 */
import { useMemo } from 'preact/hooks';
import uPlot from 'uplot';
import { num } from '../format';
import { COLORS, UPlotChart } from './uplot-chart';

const shares = (counts: number[]) => {
  const total = counts.reduce((s, c) => s + c, 0);
  return counts.map((c) => (total > 0 ? c / total : 0));
};

const pctFmt = (v: number | null) => (v === null ? '–' : `${(v * 100).toFixed(1)} %`);

export function HistogramChart({ edges, reference, current, feature }: { edges: number[]; reference: number[]; current: number[]; feature: string }) {
  const { data, options } = useMemo(() => {
    const ref = shares(reference);
    const cur = shares(current);
    // a step series needs a value at the last edge too
    const data: uPlot.AlignedData = [edges, [...ref, ref[ref.length - 1] ?? 0], [...cur, cur[cur.length - 1] ?? 0]];
    const steps = uPlot.paths.stepped!({ align: 1 });
    const options: Omit<uPlot.Options, 'width' | 'height'> = {
      scales: { x: { time: false }, y: { range: (_u, _min, max) => [0, Math.max(0.01, max * 1.1)] } },
      axes: [{ values: (_u, ticks) => ticks.map((t) => num(t, 2)) }, { values: (_u, ticks) => ticks.map((t) => pctFmt(t)), size: 56 }],
      cursor: { drag: { x: false, y: false } },
      series: [
        { label: 'bin from', value: (_u, v) => num(v, 3) },
        { label: 'reference (baseline)', stroke: COLORS.reference, fill: COLORS.referenceFill, width: 1.5, paths: steps, points: { show: false }, value: (_u, v) => pctFmt(v) },
        { label: 'current window', stroke: COLORS.current, fill: COLORS.currentFill, width: 2, paths: steps, points: { show: false }, value: (_u, v) => pctFmt(v) },
      ],
    };
    return { data, options };
  }, [edges, reference, current]);
  return <UPlotChart options={options} data={data} label={`histogram of ${feature}: reference and current shares per bin`} height={240} testId="feature-histogram" />;
}
