/**
 * Fairness per protected attribute: selection rates per group (baseline vs now, the reference
 * group's rate as a line, affected groups marked), the parity metrics now and at the baseline,
 * and each parity metric over 7/30/90 days with its warning and critical lines.
 */
import { useState } from 'preact/hooks';
import type { FairnessResult, FullRecord, ModelInfo, Severity } from '../../api/types';
import { GroupedBars } from '../../components/grouped-bars';
import { SeverityBadge } from '../../components/severity';
import { TrendChart, bandLines } from '../../components/trend-chart';
import { Card, ErrorNote, type Range, RangePicker } from '../../components/ui';
import { num, pct } from '../../format';
import { seriesOf, useTrend } from '../../hooks/use-trend';
import { FindingsList } from './findings-list';

const PARITY = [
  { key: 'demographic_parity', label: 'Demographic parity difference', get: (f: FairnessResult) => f.demographic_parity?.difference ?? null, sev: (f: FairnessResult) => f.demographic_parity?.severity },
  { key: 'disparate_impact', label: 'Disparate impact ratio', get: (f: FairnessResult) => f.disparate_impact?.value ?? null, sev: (f: FairnessResult) => f.disparate_impact?.severity },
  { key: 'equal_opportunity', label: 'Equal opportunity difference', get: (f: FairnessResult) => f.equal_opportunity?.difference ?? null, sev: (f: FairnessResult) => f.equal_opportunity?.severity },
  { key: 'equalized_odds', label: 'Equalized odds difference', get: (f: FairnessResult) => f.equalized_odds?.difference ?? null, sev: (f: FairnessResult) => f.equalized_odds?.severity },
] as const;

function Attribute({ modelId, f, range, newest }: { modelId: string; f: FairnessResult; range: Range; newest: string }) {
  const groups = Object.keys(f.groups);
  const affected = new Set(f.affected_groups);
  const metrics = PARITY.map((p) => `fairness.${p.key}.${f.attribute}`);
  const trend = useTrend(modelId, range, metrics, [], newest);
  const refRate = f.groups[f.reference_group]?.selection_rate ?? null;
  return (
    <Card id={`fairness-${f.attribute}`} class="fairness-attr" title={<>Protected attribute <span class="feature-title">{f.attribute}</span></>} actions={affected.size > 0 ? <SeverityBadge severity="CRITICAL" label={`affected: ${[...affected].join(', ')}`} /> : <SeverityBadge severity="INFO" label="no affected group" />}>
      <div class="two-col">
        <div>
          <h3>Selection rate per group</h3>
          <GroupedBars
            label={`selection rate of each ${f.attribute} group: baseline and current`}
            categories={groups}
            series={[
              { name: 'baseline', cls: 'fill-reference', values: groups.map((g) => f.baseline?.groups[g]?.selection_rate ?? null) },
              { name: 'current window', cls: 'fill-current', values: groups.map((g) => f.groups[g].selection_rate) },
            ]}
            marked={affected}
            rule={refRate === null ? undefined : { value: refRate, label: `reference group “${f.reference_group}”: ${pct(refRate)}` }}
          />
          <div class="table-wrap">
            <table class="data-table" aria-label={`groups of ${f.attribute}`}>
              <thead>
                <tr>
                  <th scope="col">Group</th>
                  <th scope="col" class="num">Predictions</th>
                  <th scope="col" class="num">Selection rate</th>
                  <th scope="col" class="num">TPR</th>
                  <th scope="col" class="num">FPR</th>
                </tr>
              </thead>
              <tbody>
                {groups.map((g) => {
                  const s = f.groups[g];
                  return (
                    <tr key={g} class={affected.has(g) ? 'sev-critical-row' : undefined}>
                      <th scope="row">
                        {g}
                        {g === f.reference_group && <span class="muted"> (reference)</span>}
                        {affected.has(g) && (
                          <span class="badge sev-critical">
                            <span aria-hidden="true">⚑</span> affected
                          </span>
                        )}
                        {s.judged === false && <span class="muted"> (too few to judge)</span>}
                      </th>
                      <td class="num">{s.count}</td>
                      <td class="num">{pct(s.selection_rate)}</td>
                      <td class="num">{pct(s.true_positive_rate ?? null)}</td>
                      <td class="num">{pct(s.false_positive_rate ?? null)}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </div>
        <div>
          <h3>Parity metrics</h3>
          <div class="table-wrap">
            <table class="data-table" aria-label={`parity metrics of ${f.attribute}`}>
              <thead>
                <tr>
                  <th scope="col">Metric</th>
                  <th scope="col" class="num">Baseline</th>
                  <th scope="col" class="num">Now</th>
                  <th scope="col">Severity</th>
                </tr>
              </thead>
              <tbody>
                {PARITY.map((p) => (
                  <tr key={p.key}>
                    <th scope="row">{p.label}</th>
                    <td class="num">{f.baseline ? num(p.get(f.baseline)) : '–'}</td>
                    <td class="num">{num(p.get(f))}</td>
                    <td>
                      <SeverityBadge severity={(p.sev(f) ?? null) as Severity | null} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      </div>
      <h3>Over time</h3>
      <ErrorNote error={trend.error} what="the trend" />
      <div class="chart-grid">
        {PARITY.map((p, i) => {
          const s = seriesOf(trend.data, metrics[i]);
          return (
            <div key={p.key}>
              <h4>{p.label}</h4>
              {s ? <TrendChart label={`${p.label} of ${f.attribute} over ${range}`} series={[{ label: p.label, points: s.points }]} thresholds={bandLines(s.band)} span={trend.data} height={170} testId={`fairness-trend-${p.key}`} /> : <p class="loading">Loading…</p>}
            </div>
          );
        })}
      </div>
    </Card>
  );
}

export function FairnessTab({ model, record }: { model: ModelInfo; record: FullRecord }) {
  const [range, setRange] = useState<Range>('30d');
  const attrs = Object.values(record.metrics?.fairness_drift ?? {});
  return (
    <div class="tab-body">
      <FindingsList findings={record.findings ?? []} category="fairness" />
      <div class="toolbar">
        <RangePicker value={range} onChange={setRange} label="trend range" />
      </div>
      {attrs.length === 0 ? (
        <p class="empty card">This model has no protected attribute in its schema (mark a feature `protected: true` to judge fairness).</p>
      ) : (
        attrs.map((f) => <Attribute key={f.attribute} modelId={model.model_id} f={f} range={range} newest={record.record_id} />)
      )}
    </div>
  );
}
