/**
 * A uPlot chart in a Preact component: created when its options or data change, resized with
 * its container (1280 px desktop to 375 px phone), destroyed on unmount. The canvas is
 * described for screen readers by `label` (charts also show their numbers in tables nearby).
 */
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export function UPlotChart({ options, data, label, height = 220, testId }: { options: Omit<uPlot.Options, 'width' | 'height'>; data: uPlot.AlignedData; label: string; height?: number; testId?: string }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const width = () => Math.max(240, el.clientWidth);
    const chart = new uPlot({ ...options, width: width(), height } as uPlot.Options, data, el);
    let last = width();
    const ro = new ResizeObserver(() => {
      const w = width();
      if (w !== last) {
        last = w;
        chart.setSize({ width: w, height });
      }
    });
    ro.observe(el);
    return () => {
      ro.disconnect();
      chart.destroy();
    };
  }, [options, data, height]);
  return <div class="chart" ref={box} role="img" aria-label={label} data-testid={testId} />;
}

/** Colours of chart series (canvas needs real colours, not CSS classes). */
export const COLORS = {
  reference: 'rgba(100, 116, 139, 0.9)',
  referenceFill: 'rgba(100, 116, 139, 0.25)',
  current: 'rgba(37, 99, 235, 1)',
  currentFill: 'rgba(37, 99, 235, 0.30)',
  warning: '#e08a00',
  critical: '#b42318',
  series: ['#2563eb', '#7c3aed', '#0f766e', '#c2410c', '#be185d', '#4d7c0f'],
} as const;
