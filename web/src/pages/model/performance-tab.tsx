/**
 * Performance with delayed outcomes: how many predictions of the window have their outcome
 * yet, the metrics of the window vs the baseline and the rolling 7/30/90 days (which include
 * outcomes that arrived late), the degradation level and rollback recommendation, the primary
 * metric over time, and calibration as a reliability diagram.
 */
import { useState } from 'preact/hooks';
import type { FullRecord, ModelInfo } from '../../api/types';
import { ReliabilityChart } from '../../components/reliability-chart';
import { SeverityBadge } from '../../components/severity';
import { TrendChart } from '../../components/trend-chart';
import { Card, ErrorNote, type Range, RangePicker } from '../../components/ui';
import { count, num, pct } from '../../format';
import { seriesOf, useTrend } from '../../hooks/use-trend';
import { FindingsList } from './findings-list';

const CLASSIFICATION = ['accuracy', 'precision', 'recall', 'f1', 'roc_auc', 'pr_auc', 'log_loss', 'brier_score', 'ece'];
const REGRESSION = ['mae', 'mse', 'rmse', 'mape', 'r2'];

export function PerformanceTab({ model, record }: { model: ModelInfo; record: FullRecord }) {
  const [range, setRange] = useState<Range>('30d');
  const perf = record.metrics?.performance;
  const primary = perf?.primary_metric ?? (model.task === 'regression' ? 'mae' : 'accuracy');
  const paths = [`metrics.performance.window.${primary}`, `metrics.performance.rolling.7d.${primary}`, `metrics.performance.baseline.${primary}`, 'labelled_count', 'sample_count'];
  const trend = useTrend(model.model_id, range, [`performance.${primary}.drop`], paths, record.record_id);
  if (!perf) return <p class="empty card">This record has no performance section.</p>;
  const metrics = (model.task === 'regression' ? REGRESSION : CLASSIFICATION).filter((k) => [perf.window, perf.baseline, ...Object.values(perf.rolling)].some((m) => typeof m?.[k] === 'number'));
  const labelled = record.labelled_count ?? perf.window.n;
  const share = record.sample_count > 0 ? labelled / record.sample_count : null;

  const sampled = seriesOf(trend.data, 'sample_count')?.points ?? [];
  const labelledPoints = seriesOf(trend.data, 'labelled_count')?.points ?? [];
  const totals = new Map(sampled.map((p) => [p.record_id, p.value]));
  const labelledShare = labelledPoints.map((p) => ({ timestamp: p.timestamp, value: p.value !== null && totals.get(p.record_id) ? p.value / totals.get(p.record_id)! : null }));

  return (
    <div class="tab-body">
      <FindingsList findings={record.findings ?? []} category="performance" />
      <div class="stat-row">
        <Card id="degradation" title="Degradation">
          <p class="big">
            <SeverityBadge severity={perf.drop.severity} label={perf.drop.level} />
          </p>
          <p>
            {primary} {perf.drop.value === null ? 'not judged yet' : perf.drop.value >= 0 ? `${pct(perf.drop.value)} worse than the baseline` : `${pct(-perf.drop.value)} better than the baseline`}
          </p>
        </Card>
        <Card id="rollback" title="Rollback">
          {perf.rollback_recommended ? (
            <p class="big sev-text-critical" role="alert">
              <span aria-hidden="true">⟲ </span>Rollback recommended
            </p>
          ) : (
            <p class="big">
              <span aria-hidden="true">✓ </span>No rollback recommended
            </p>
          )}
        </Card>
        <Card id="outcomes" title="Outcomes known (delayed)">
          <p class="big">{pct(share, 0)}</p>
          <p>
            {count(labelled)} of {count(record.sample_count)} predictions in this window have their outcome{perf.window.judged ? '' : ' — too few to judge the window yet'}.
          </p>
        </Card>
      </div>
      <Card id="metrics" title="Metrics">
        <div class="table-wrap">
          <table class="data-table" aria-label="performance metrics">
            <thead>
              <tr>
                <th scope="col">Metric</th>
                <th scope="col" class="num">This window</th>
                <th scope="col" class="num">Baseline</th>
                <th scope="col" class="num">Last 7 days</th>
                <th scope="col" class="num">30 days</th>
                <th scope="col" class="num">90 days</th>
              </tr>
            </thead>
            <tbody>
              <tr>
                <th scope="row">outcomes (n)</th>
                <td class="num">{count(perf.window.n)}</td>
                <td class="num">{perf.baseline ? count(perf.baseline.n) : '–'}</td>
                <td class="num">{count(perf.rolling['7d'].n)}</td>
                <td class="num">{count(perf.rolling['30d'].n)}</td>
                <td class="num">{count(perf.rolling['90d'].n)}</td>
              </tr>
              {metrics.map((k) => (
                <tr key={k} class={k === primary ? 'primary-metric' : undefined}>
                  <th scope="row">
                    {k.replaceAll('_', ' ')}
                    {k === primary && <span class="muted"> (primary)</span>}
                  </th>
                  {[perf.window, perf.baseline, perf.rolling['7d'], perf.rolling['30d'], perf.rolling['90d']].map((m, i) => (
                    <td key={i} class="num">
                      {num(typeof m?.[k] === 'number' ? (m[k] as number) : null)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Card>
      <Card id="perf-trend" title={`${primary} over time`} actions={<RangePicker value={range} onChange={setRange} label="trend range" />}>
        <ErrorNote error={trend.error} what="the trend" />
        {trend.data ? (
          <div class="two-col">
            <div>
              <h3>{primary}</h3>
              <TrendChart
                label={`${primary} of each window, the rolling 7 days and the baseline over ${range}`}
                series={[
                  { label: 'window', points: seriesOf(trend.data, paths[0])?.points ?? [] },
                  { label: 'rolling 7 days', points: seriesOf(trend.data, paths[1])?.points ?? [] },
                  { label: 'baseline', points: seriesOf(trend.data, paths[2])?.points ?? [], color: 'rgba(100,116,139,0.9)' },
                ]}
                span={trend.data}
                testId="performance-trend"
              />
            </div>
            <div>
              <h3>Share of predictions with outcomes</h3>
              <TrendChart label={`share of each window's predictions whose outcome is known, over ${range}`} series={[{ label: 'outcomes known', points: labelledShare }]} percent span={trend.data} testId="outcomes-trend" />
            </div>
          </div>
        ) : (
          !trend.error && <p class="loading">Loading the trend…</p>
        )}
      </Card>
      {perf.calibration && (
        <Card id="calibration" title="Calibration" actions={<span>ECE {num(perf.calibration.ece)}</span>}>
          <ReliabilityChart bins={perf.calibration.bins} />
          <p class="hint">Each point is a confidence bin: on the dashed diagonal the model is as accurate as it is confident.</p>
        </Card>
      )}
    </div>
  );
}
