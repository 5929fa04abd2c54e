/** A model's score over the last days as a small line (0..1 fixed scale), critical analyses marked. */
import type { ScorePoint } from '../api/types';
import { num } from '../format';

export function Sparkline({ points, from, to, width = 120, height = 36 }: { points: ScorePoint[]; from: number; to: number; width?: number; height?: number }) {
  const scored = points.filter((p) => p.aggregated_score !== null);
  const span = Math.max(1, to - from);
  const x = (iso: string) => ((new Date(iso).getTime() - from) / span) * (width - 4) + 2;
  const y = (v: number) => height - 3 - Math.min(1, Math.max(0, v)) * (height - 6);
  const line = scored.map((p) => `${x(p.timestamp).toFixed(1)},${y(p.aggregated_score!).toFixed(1)}`).join(' ');
  const values = scored.map((p) => p.aggregated_score!);
  const label = values.length
    ? `score over 7 days: ${values.length} analyses, first ${num(values[0], 2)}, last ${num(values[values.length - 1], 2)}, highest ${num(Math.max(...values), 2)}`
    : 'score over 7 days: no analyses';
  const critical = scored.filter((p) => p.max_severity === 'CRITICAL');
  const last = scored[scored.length - 1];
  return (
    <svg class="sparkline" viewBox={`0 0 ${width} ${height}`} width={width} height={height} role="img" aria-label={label}>
      <line class="spark-base" x1="0" x2={width} y1={height - 3} y2={height - 3} />
      {scored.length > 1 && <polyline class="spark-line" points={line} />}
      {last && <circle class="spark-last" cx={x(last.timestamp)} cy={y(last.aggregated_score!)} r="2" />}
      {critical.map((p) => (
        <circle key={p.timestamp} class="spark-critical" cx={x(p.timestamp)} cy={y(p.aggregated_score!)} r="2.8" />
      ))}
    </svg>
  );
}
