/**
 * The reliability diagram of a classifier: per confidence bin, the observed accuracy against the
 * mean confidence; a calibrated model lies on the diagonal.
 */
import { useMemo } from 'preact/hooks';
import type uPlot from 'uplot';
import type { CalibrationBin } from '../api/types';
import { num } from '../format';
import { COLORS, UPlotChart } from './uplot-chart';

export function ReliabilityChart({ bins }: { bins: CalibrationBin[] }) {
  const { data, options } = useMemo(() => {
    const used = bins.filter((b) => b.count > 0 && b.confidence !== null && b.accuracy !== null);
    const xs = [0, ...used.map((b) => b.confidence!), 1];
    const observed = [null, ...used.map((b) => b.accuracy), null];
    const data: uPlot.AlignedData = [xs, xs.slice(), observed];
    const options: Omit<uPlot.Options, 'width' | 'height'> = {
      scales: { x: { time: false, range: [0, 1] }, y: { range: [0, 1] } },
      axes: [{ label: 'mean confidence' }, { label: 'observed accuracy', size: 48 }],
      cursor: { drag: { x: false, y: false } },
      series: [
        { label: 'confidence', value: (_u, v) => num(v, 3) },
        { label: 'perfect calibration', stroke: COLORS.reference, dash: [4, 4], width: 1, points: { show: false } },
        { label: 'observed', stroke: COLORS.current, width: 2, points: { show: true, size: 7 }, value: (_u, v) => num(v, 3) },
      ],
    };
    return { data, options };
  }, [bins]);
  return <UPlotChart options={options} data={data} label="reliability diagram: observed accuracy per confidence bin against the diagonal of perfect calibration" height={260} testId="reliability-diagram" />;
}
