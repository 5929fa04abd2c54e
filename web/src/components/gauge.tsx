/** The aggregated score (0..1) as a half-circle gauge, coloured by the record's worst severity, with the number written in it. */
import { num } from '../format';
import { severityClass } from './severity';

export function Gauge({ value, severity, size = 88 }: { value: number | null; severity: string | null; size?: number }) {
  const v = value === null || !Number.isFinite(value) ? 0 : Math.min(1, Math.max(0, value));
  const r = 40;
  const cx = 50;
  const cy = 50;
  const angle = Math.PI * (1 - v);
  const x = cx + r * Math.cos(angle);
  const y = cy - r * Math.sin(angle);
  const arc = `M ${cx - r} ${cy} A ${r} ${r} 0 0 1 ${x.toFixed(2)} ${y.toFixed(2)}`;
  const label = value === null ? 'aggregated score: no data' : `aggregated score ${num(value, 2)} of 1`;
  return (
    <svg class={`gauge ${severityClass(severity)}`} viewBox="0 0 100 60" width={size} height={(size * 60) / 100} role="img" aria-label={label}>
      <path class="gauge-track" d={`M ${cx - r} ${cy} A ${r} ${r} 0 0 1 ${cx + r} ${cy}`} />
      {v > 0 && <path class="gauge-value" d={arc} />}
      <text x="50" y="48" text-anchor="middle" class="gauge-text">
        {value === null ? '–' : num(value, 2)}
      </text>
    </svg>
  );
}
