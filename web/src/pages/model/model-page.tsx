/**
 * One model: its header (worst severity, score, last analysis), a record picker (newest
 * completed by default; new records appear by themselves), and the Drift, Fairness and
 * Performance tabs over the chosen record.
 */
import { useEffect, useState } from 'preact/hooks';
import { segment } from '../../api/client';
import type { FullRecord, ModelInfo, RecordList } from '../../api/types';
import { Gauge } from '../../components/gauge';
import { SeverityBadge } from '../../components/severity';
import { ErrorNote, Loading } from '../../components/ui';
import { ago, count, time } from '../../format';
import { useResource } from '../../hooks/use-resource';
import { Link, paths } from '../../router';
import { useSession } from '../../session';
import { DriftTab } from './drift-tab';
import { FairnessTab } from './fairness-tab';
import { PerformanceTab } from './performance-tab';

export type ModelTab = 'drift' | 'fairness' | 'performance';

/** `recordId` (from ?record=) opens that record instead of the newest, e.g. from an incident. */
export function ModelPage({ modelId, tab, recordId: asked }: { modelId: string; tab: ModelTab; recordId?: string }) {
  const { api } = useSession();
  const model = useResource((signal) => api.get<ModelInfo>(`/api/v1/models/${segment(modelId)}`, undefined, signal), [modelId]);
  const records = useResource((signal) => api.get<RecordList>('/api/v1/monitoring/records', { model_id: modelId, limit: 40 }, signal), [modelId], { poll: true });
  const [chosen, setChosen] = useState<string | null>(asked ?? null);
  useEffect(() => setChosen(asked ?? null), [modelId, asked]);

  const completed = records.data?.records.filter((r) => r.status === 'completed') ?? [];
  const newest = records.data?.records[0];
  const recordId = chosen ?? completed[0]?.record_id ?? null;
  const record = useResource((signal) => (recordId ? api.get<FullRecord>(`/api/v1/monitoring/records/${segment(recordId)}`, undefined, signal) : Promise.resolve(null)), [recordId]);

  useEffect(() => {
    if (model.data) document.title = `${model.data.name} · driftwatch`;
  }, [model.data]);

  if (model.error) return <ErrorNote error={model.error} what="the model" />;
  if (!model.data) return <Loading what="the model" />;
  const m = model.data;
  const r = record.data;
  const failedNewest = newest && newest.status !== 'completed' ? newest : null;

  return (
    <div class="model-page">
      <nav class="crumbs" aria-label="breadcrumb">
        <Link href="/">Overview</Link> <span aria-hidden="true">›</span> <span>{m.model_id}</span>
      </nav>
      <header class="model-head card">
        <div class="model-title">
          <h1>{m.name}</h1>
          <p class="muted">
            {m.model_id} · {m.task.replaceAll('_', ' ')} · analysed on schedule <code>{m.settings.schedule}</code> over {m.settings.window_hours} h windows
          </p>
          {m.description && <p class="description">{m.description}</p>}
        </div>
        {r && (
          <div class="model-status">
            <Gauge value={r.aggregated_score} severity={r.max_severity} size={120} />
            <div>
              <SeverityBadge severity={r.max_severity} />
              <p class="muted">
                Analysed {ago(r.timestamp)}
                <br />
                window {time(r.analysis_period.start)} – {time(r.analysis_period.end)}
                <br />
                {count(r.sample_count)} predictions{r.labelled_count !== undefined && `, ${count(r.labelled_count)} with outcomes`}
              </p>
            </div>
          </div>
        )}
      </header>
      {failedNewest && (
        <p class={`error-note ${failedNewest.status === 'failed' ? '' : 'muted'}`} role="status">
          The newest analysis ({ago(failedNewest.timestamp)}) was {failedNewest.status}
          {failedNewest.error ? `: ${failedNewest.error}` : ''}. <Link href={paths.jobs()}>Job runs</Link>
        </p>
      )}
      <div class="tabs-row">
        <nav class="tabs" aria-label="model views">
          <Link href={paths.model(modelId, undefined, chosen ?? undefined)} aria-current={tab === 'drift' ? 'page' : undefined}>
            Drift
          </Link>
          <Link href={paths.model(modelId, 'fairness', chosen ?? undefined)} aria-current={tab === 'fairness' ? 'page' : undefined}>
            Fairness
          </Link>
          <Link href={paths.model(modelId, 'performance', chosen ?? undefined)} aria-current={tab === 'performance' ? 'page' : undefined}>
            Performance
          </Link>
          <Link href={paths.incidents(modelId)}>Incidents</Link>
        </nav>
        {completed.length > 0 && (
          <label class="record-picker">
            Record{' '}
            <select aria-label="Record" value={recordId ?? ''} onChange={(e) => setChosen((e.target as HTMLSelectElement).value)}>
              {chosen && !completed.some((x) => x.record_id === chosen) && <option value={chosen}>{chosen}</option>}
              {completed.map((x, i) => (
                <option key={x.record_id} value={x.record_id}>
                  {time(x.timestamp)} · {x.max_severity ?? '–'}
                  {i === 0 ? ' (newest)' : ''}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
      <ErrorNote error={records.error ?? record.error} what="the records" />
      {!records.data || (recordId && !r) ? (
        <Loading what="the analysis" />
      ) : !r ? (
        <p class="empty card">No completed analysis yet. Once the model has a baseline and enough predictions, its first analysis appears here by itself.</p>
      ) : tab === 'drift' ? (
        <DriftTab model={m} record={r} />
      ) : tab === 'fairness' ? (
        <FairnessTab model={m} record={r} />
      ) : (
        <PerformanceTab model={m} record={r} />
      )}
    </div>
  );
}
