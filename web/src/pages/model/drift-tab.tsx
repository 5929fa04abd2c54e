/**
 * The Drift view of a record: what is wrong (non-OK findings), the per-feature drift table, the
 * chosen feature in detail, the prediction distribution, data quality and explanation drift.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { FeatureDrift, FullRecord, ModelInfo } from '../../api/types';
import { Breakable } from '../../components/breakable';
import { GroupedBars } from '../../components/grouped-bars';
import { SeverityBadge, severityRank } from '../../components/severity';
import { Card } from '../../components/ui';
import { num, pct } from '../../format';
import { DriftTable } from './drift-table';
import { FeatureDetail } from './feature-detail';
import { FindingsList } from './findings-list';

export function DriftTab({ model, record }: { model: ModelInfo; record: FullRecord }) {
  const dd = record.metrics?.data_drift;
  const features = useMemo<FeatureDrift[]>(() => Object.values(dd?.features ?? {}), [dd]);
  const worst = useMemo(() => features.slice().sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || b.psi.value - a.psi.value)[0]?.feature ?? null, [features]);
  const [selected, setSelected] = useState<string | null>(null);
  useEffect(() => setSelected(null), [model.model_id]);
  const current = features.find((f) => f.feature === (selected ?? worst));
  const md = record.metrics?.model_drift;
  const ex = record.metrics?.explanation_drift;

  const choose = (feature: string) => {
    setSelected(feature);
    // bring the detail into view for keyboard and phone users
    requestAnimationFrame(() => document.getElementById('feature-detail')?.scrollIntoView({ block: 'nearest' }));
  };

  return (
    <div class="tab-body">
      <FindingsList findings={record.findings ?? []} />
      <Card
        id="drift"
        title="Drift per feature"
        actions={
          dd && (
            <span>
              {dd.dataset_drift_share.drifted_features.length} of {features.length} features drifted ({pct(dd.dataset_drift_share.value, 0)}) <SeverityBadge severity={dd.dataset_drift_share.severity} />
            </span>
          )
        }
      >
        <DriftTable features={features} findings={record.findings ?? []} selected={current?.feature ?? null} onSelect={choose} />
      </Card>
      {current && <FeatureDetail key={current.feature} modelId={model.model_id} f={current} newest={record.record_id} />}
      <div class="two-col">
        {md && (
          <Card id="prediction" title="Prediction distribution" actions={<SeverityBadge severity={md.prediction_shift.severity} />}>
            {md.label_shares ? (
              <GroupedBars
                label="share of each predicted class: reference and current"
                categories={Object.keys(md.label_shares.reference)}
                series={[
                  { name: 'reference (baseline)', cls: 'fill-reference', values: Object.values(md.label_shares.reference) },
                  { name: 'current window', cls: 'fill-current', values: Object.keys(md.label_shares.reference).map((k) => md.label_shares!.current[k] ?? 0) },
                ]}
              />
            ) : (
              <p class="muted">The predicted value's distribution is compared by PSI.</p>
            )}
            <dl class="facts">
              <div>
                <dt>Prediction shift (PSI)</dt>
                <dd>{num(md.prediction_shift.value)}</dd>
              </div>
              {md.confidence_shift && (
                <div>
                  <dt>Confidence shift</dt>
                  <dd>
                    {num(md.confidence_shift.value)} <SeverityBadge severity={md.confidence_shift.severity} />
                  </dd>
                </div>
              )}
              {md.entropy_change && (
                <div>
                  <dt>Entropy change</dt>
                  <dd>
                    {num(md.entropy_change.reference)} → {num(md.entropy_change.current)} nats <SeverityBadge severity={md.entropy_change.severity} />
                  </dd>
                </div>
              )}
              {md.proxy.confidence_mean !== null && md.proxy.confidence_mean !== undefined && (
                <div>
                  <dt>Mean confidence</dt>
                  <dd>{num(md.proxy.confidence_mean)}</dd>
                </div>
              )}
            </dl>
          </Card>
        )}
        <Card id="quality" title="Data quality">
          <div class="table-wrap">
            <table class="data-table" aria-label="data quality per feature">
              <thead>
                <tr>
                  <th scope="col">Feature</th>
                  <th scope="col" class="num">Missing (ref → now)</th>
                  <th scope="col" class="num">Out of range / unseen</th>
                  <th scope="col">Severity</th>
                </tr>
              </thead>
              <tbody>
                {features.map((f) => (
                  <tr key={f.feature}>
                    <th scope="row">
                      <Breakable text={f.feature} />
                    </th>
                    <td class="num">
                      {pct(f.quality.missing_rate_reference)} → {pct(f.quality.missing_rate_current)}
                    </td>
                    <td class="num">{f.quality.out_of_range_share !== undefined ? pct(f.quality.out_of_range_share) : `${f.quality.unseen_categories?.length ?? 0} (${pct(f.quality.unseen_share ?? 0)})`}</td>
                    <td>
                      <SeverityBadge severity={f.quality.severity} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Card>
      </div>
      {ex && (
        <Card id="explanations" title="Explanation drift (feature attributions)" actions={<SeverityBadge severity={ex.rank_correlation.severity} label={`rank correlation ${num(ex.rank_correlation.value, 2)}`} />}>
          <GroupedBars
            label="mean absolute attribution per feature: reference and current"
            percent={false}
            categories={Object.keys(ex.importance.reference)}
            series={[
              { name: 'reference (baseline)', cls: 'fill-reference', values: Object.values(ex.importance.reference) },
              { name: 'current window', cls: 'fill-current', values: Object.keys(ex.importance.reference).map((k) => ex.importance.current[k] ?? null) },
            ]}
            marked={new Set(Object.entries(ex.features).filter(([, v]) => v.severity !== 'INFO').map(([k]) => k))}
            markLabel="drifted"
          />
        </Card>
      )}
    </div>
  );
}
