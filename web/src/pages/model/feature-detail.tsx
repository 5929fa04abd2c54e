/**
 * One feature: its reference vs current distribution (numeric: overlaid histograms; categorical:
 * grouped bars), data quality, and a drift metric's trend over 7/30/90 days with the warning
 * and critical lines.
 */
import { useState } from 'preact/hooks';
import type { FeatureDrift } from '../../api/types';
import { GroupedBars } from '../../components/grouped-bars';
import { HistogramChart } from '../../components/histogram-chart';
import { SeverityBadge } from '../../components/severity';
import { TrendChart, bandLines } from '../../components/trend-chart';
import { Card, ErrorNote, type Range, RangePicker } from '../../components/ui';
import { num, pct } from '../../format';
import { seriesOf, useTrend } from '../../hooks/use-trend';

export function FeatureDetail({ modelId, f, newest }: { modelId: string; f: FeatureDrift; newest: string }) {
  const [range, setRange] = useState<Range>('30d');
  const tests = ['psi', ...f.tests.map((t) => t.test).filter((t) => t !== 'psi')];
  const [test, setTest] = useState('psi');
  const metric = `data_drift.${tests.includes(test) ? test : 'psi'}.${f.feature}`;
  const trend = useTrend(modelId, range, [metric], [], newest);
  const s = seriesOf(trend.data, metric);
  const h = f.histogram;

  return (
    <Card id="feature-detail" class="feature-detail" title={<>Feature <span class="feature-title">{f.feature}</span></>} actions={<SeverityBadge severity={f.severity} />}>
      <div class="two-col">
        <div>
          <h3>Reference vs current</h3>
          {'edges' in h ? (
            <HistogramChart edges={h.edges} reference={h.reference} current={h.current} feature={f.feature} />
          ) : (
            <GroupedBars
              label={`shares of the categories of ${f.feature}: reference and current`}
              categories={h.categories}
              series={[
                { name: 'reference (baseline)', cls: 'fill-reference', values: h.reference },
                { name: 'current window', cls: 'fill-current', values: h.current },
              ]}
              marked={new Set(f.quality.unseen_categories ?? [])}
              markLabel="unseen"
            />
          )}
          <dl class="facts">
            <div>
              <dt>Missing</dt>
              <dd>
                {pct(f.quality.missing_rate_reference)} → {pct(f.quality.missing_rate_current)}
              </dd>
            </div>
            {f.quality.out_of_range_share !== undefined && (
              <div>
                <dt>Outside the reference range</dt>
                <dd>{pct(f.quality.out_of_range_share)}</dd>
              </div>
            )}
            {f.quality.unseen_categories !== undefined && (
              <div>
                <dt>Unseen categories</dt>
                <dd>{f.quality.unseen_categories.length ? f.quality.unseen_categories.join(', ') : 'none'}</dd>
              </div>
            )}
          </dl>
        </div>
        <div>
          <div class="chart-head">
            <h3>Trend</h3>
            <label>
              <span class="visually-hidden">Metric</span>
              <select aria-label="Trend metric" value={test} onChange={(e) => setTest((e.target as HTMLSelectElement).value)}>
                {tests.map((t) => (
                  <option key={t} value={t}>
                    {t.replaceAll('_', ' ')}
                  </option>
                ))}
              </select>
            </label>
            <RangePicker value={range} onChange={setRange} label="trend range" />
          </div>
          <ErrorNote error={trend.error} what="the trend" />
          {s ? (
            <TrendChart
              label={`${test} of ${f.feature} over ${range}`}
              series={[{ label: `${test} of ${f.feature}`, points: s.points }]}
              thresholds={test === 'psi' ? bandLines(s.band) : thresholdLine(f, test)}
              span={trend.data}
              testId="feature-trend"
            />
          ) : (
            !trend.error && <p class="loading">Loading the trend…</p>
          )}
          {s && <p class="hint">{s.points.length} analyses · {trend.data?.truncated ? 'older ones left out' : `last ${range.replace('d', ' days')}`}</p>}
        </div>
      </div>
    </Card>
  );
}

/** A test's own threshold (tests other than PSI have one threshold, not a band). */
function thresholdLine(f: FeatureDrift, test: string) {
  const t = f.tests.find((x) => x.test === test);
  if (!t || t.threshold === null) return [];
  return [{ label: `drift ${t.direction.includes('below') ? '<' : '≥'} ${num(t.threshold)}`, value: t.threshold, level: 'warning' as const }];
}
