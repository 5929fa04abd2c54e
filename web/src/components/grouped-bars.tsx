/**
 * Horizontal grouped bars: one row per category (a feature's category, a class label, a group),
 * one bar per series (reference vs current). Labels are text nodes, so any category name renders
 * as written. Used where the x axis is categorical; uPlot draws the numeric charts.
 */
import { num, pct } from '../format';

export interface BarSeries {
  name: string;
  /** CSS class of the bars (colour); the legend names it too */
  cls: string;
  values: (number | null)[];
}

export function GroupedBars(props: {
  categories: string[];
  series: BarSeries[];
  /** format of the value labels */
  percent?: boolean;
  /** categories to mark (affected groups) */
  marked?: Set<string>;
  markLabel?: string;
  /** a vertical reference line (e.g. the reference group's rate) */
  rule?: { value: number; label: string };
  label: string;
}) {
  const { categories, series, percent = true, marked, markLabel = 'affected', rule } = props;
  const fmt = (v: number | null) => (v === null ? '–' : percent ? pct(v) : num(v));
  const max = Math.max(1e-9, rule?.value ?? 0, ...series.flatMap((s) => s.values.map((v) => v ?? 0)));
  const scale = percent ? Math.max(max, 0.05) : max;
  return (
    <figure class="grouped-bars" aria-label={props.label}>
      <div class="legend" aria-hidden="true">
        {series.map((s) => (
          <span key={s.name} class="legend-item">
            <span class={`swatch ${s.cls}`} /> {s.name}
          </span>
        ))}
      </div>
      <table class="bars-table">
        <caption class="visually-hidden">{props.label}</caption>
        <thead class="visually-hidden">
          <tr>
            <th scope="col">category</th>
            {series.map((s) => (
              <th key={s.name} scope="col">
                {s.name}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {categories.map((c, i) => {
            const isMarked = marked?.has(c) ?? false;
            return (
              <tr key={c} class={isMarked ? 'marked' : undefined}>
                <th scope="row" class="bar-label">
                  <span class="cat-name">{c}</span>
                  {isMarked && (
                    <span class="badge sev-critical mark">
                      <span aria-hidden="true">⚑</span> {markLabel}
                    </span>
                  )}
                </th>
                {series.map((s) => {
                  const v = s.values[i];
                  const w = v === null ? 0 : Math.max(0, (v / scale) * 100);
                  return (
                    <td key={s.name} class="bar-cell">
                      <span class="bar-track">
                        <span class={`bar ${s.cls}`} style={{ width: `${Math.min(100, w)}%` }} />
                        {rule && <span class="bar-rule" style={{ left: `${Math.min(100, (rule.value / scale) * 100)}%` }} title={rule.label} />}
                      </span>
                      <span class="bar-value">
                        <span class="visually-hidden">{s.name}: </span>
                        {fmt(v)}
                      </span>
                    </td>
                  );
                })}
              </tr>
            );
          })}
        </tbody>
      </table>
      {rule && (
        <p class="hint">
          <span class="rule-swatch" aria-hidden="true" /> {rule.label}
        </p>
      )}
    </figure>
  );
}
