/** Predictions per day as small bars, the total written beside them. */
import { count } from '../format';

export function DayBars({ days, width = 96, height = 32 }: { days: { day: string; count: number }[]; width?: number; height?: number }) {
  const max = Math.max(1, ...days.map((d) => d.count));
  const w = width / Math.max(1, days.length);
  const label = `predictions per day: ${days.map((d) => `${d.day} ${d.count}`).join(', ')}`;
  return (
    <svg class="day-bars" viewBox={`0 0 ${width} ${height}`} width={width} height={height} role="img" aria-label={label}>
      {days.map((d, i) => {
        const h = d.count === 0 ? 0 : Math.max(1.5, (d.count / max) * (height - 2));
        return (
          <rect key={d.day} x={i * w + 1} y={height - h} width={Math.max(1, w - 2)} height={h}>
            <title>{`${d.day}: ${count(d.count)}`}</title>
          </rect>
        );
      })}
      <line x1="0" x2={width} y1={height - 0.5} y2={height - 0.5} class="spark-base" />
    </svg>
  );
}
