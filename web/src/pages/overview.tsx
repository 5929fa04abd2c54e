/**
 * Every model's health at a glance (Flow 5): worst severity (icon + word + colour), aggregated
 * score gauge, the score over 7 days, predictions per day, open incidents, the last analysis
 * and whether it is stale. Worst first. Refreshes itself; marks the moment data is drawn
 * (`dw:overview-drawn`) so its speed can be measured.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { ModelOverview, OverviewPage as OverviewData } from '../api/types';
import { DayBars } from '../components/day-bars';
import { Gauge } from '../components/gauge';
import { SeverityBadge, severityClass, severityRank } from '../components/severity';
import { Sparkline } from '../components/sparkline';
import { ErrorNote, Loading } from '../components/ui';
import { ago, count, time } from '../format';
import { useResource } from '../hooks/use-resource';
import { Link, paths } from '../router';
import { useSession } from '../session';

const DAY = 86_400_000;

/** Worst first: failed/critical, then warning, by score; never-analysed last. */
function rank(m: ModelOverview): number {
  const l = m.latest;
  if (!l) return -1;
  return (l.status === 'failed' ? 3 : severityRank(l.max_severity)) * 10 + (l.aggregated_score ?? 0);
}

function ModelCard({ m, now }: { m: ModelOverview; now: number }) {
  const l = m.latest;
  const failed = l?.status === 'failed';
  const sev = failed ? 'CRITICAL' : (l?.max_severity ?? null);
  const total = m.predictions_per_day.reduce((s, d) => s + d.count, 0);
  return (
    <li class={`model-card ${severityClass(sev)}`} data-model-id={m.model_id} data-severity={sev ?? 'none'}>
      <div class="model-card-head">
        <h2>
          <Link href={paths.model(m.model_id)} class="model-link">
            {m.name}
          </Link>
        </h2>
        <SeverityBadge severity={l?.status === 'skipped' ? null : (l?.max_severity ?? null)} failed={failed} label={l?.status === 'skipped' ? 'Skipped' : undefined} />
      </div>
      <p class="model-id muted">
        {m.model_id} · {m.task.replaceAll('_', ' ')}
      </p>
      <div class="model-card-body">
        <div class="metric-block">
          <Gauge value={l?.aggregated_score ?? null} severity={sev} />
          <span class="metric-caption">score</span>
        </div>
        <div class="metric-block">
          <Sparkline points={m.score_series} from={now - 7 * DAY} to={now} />
          <span class="metric-caption">score, 7 days</span>
        </div>
        <div class="metric-block">
          <DayBars days={m.predictions_per_day} />
          <span class="metric-caption">{count(total)} predictions, 7 days</span>
        </div>
      </div>
      <dl class="model-facts">
        <div>
          <dt>Last analysis</dt>
          <dd>
            {l ? <time dateTime={l.timestamp} title={time(l.timestamp)}>{ago(l.timestamp, now)}</time> : 'never'}
            {m.stale && (
              <span class="badge sev-warning stale" title="no analysis in the last hours">
                <span aria-hidden="true">◷</span> Stale
              </span>
            )}
          </dd>
        </div>
        <div>
          <dt>Open incidents</dt>
          <dd>
            {m.open_incidents > 0 ? (
              <Link href={paths.incidents(m.model_id)} class="incident-count">
                <span aria-hidden="true">⚑ </span>
                {m.open_incidents}
              </Link>
            ) : (
              '0'
            )}
          </dd>
        </div>
        <div>
          <dt>7 days</dt>
          <dd class="counts">
            {m.counts.critical + m.counts.failed > 0 && <span class="sev-text-critical">{m.counts.critical + m.counts.failed} critical</span>}
            {m.counts.warning > 0 && <span class="sev-text-warning">{m.counts.warning} warning</span>}
            <span>{m.counts.info} ok</span>
            {m.counts.skipped > 0 && <span class="muted">{m.counts.skipped} skipped</span>}
          </dd>
        </div>
      </dl>
      {failed && l?.error && <p class="error-note">Last analysis failed: {l.error}</p>}
    </li>
  );
}

export function OverviewPage() {
  const { api } = useSession();
  const [extra, setExtra] = useState<ModelOverview[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [filter, setFilter] = useState('');
  const [onlyProblems, setOnlyProblems] = useState(false);
  const res = useResource((signal) => api.get<OverviewData>('/api/v1/overview', { limit: 50 }, signal), [], { poll: true });

  useEffect(() => {
    if (res.data && extra.length === 0) setCursor(res.data.next_cursor);
  }, [res.data]);

  const now = res.data ? new Date(res.data.generated_at).getTime() : Date.now();
  const models = useMemo(() => {
    const all = [...(res.data?.models ?? []), ...extra.filter((e) => !res.data?.models.some((m) => m.model_id === e.model_id))];
    const q = filter.trim().toLowerCase();
    return all
      .filter((m) => !q || m.name.toLowerCase().includes(q) || m.model_id.toLowerCase().includes(q))
      .filter((m) => !onlyProblems || m.stale || m.open_incidents > 0 || severityRank(m.latest?.max_severity) >= 2 || m.latest?.status === 'failed')
      .sort((a, b) => rank(b) - rank(a) || a.model_id.localeCompare(b.model_id));
  }, [res.data, extra, filter, onlyProblems]);

  // the moment the first data is on screen (the overview's speed is measured from navigation to here)
  useEffect(() => {
    if (res.data && !document.body.dataset.overviewDrawn) {
      document.body.dataset.overviewDrawn = '1';
      performance.mark('dw:overview-drawn');
    }
  }, [res.data]);

  const loadMore = async () => {
    if (!cursor) return;
    const page = await api.get<OverviewData>('/api/v1/overview', { limit: 50, cursor });
    setExtra((e) => [...e, ...page.models]);
    setCursor(page.next_cursor);
  };

  if (!res.data) return res.error ? <ErrorNote error={res.error} what="the overview" /> : <Loading what="models" />;
  const all = [...res.data.models, ...extra];
  const tally = {
    critical: all.filter((m) => m.latest?.status === 'failed' || m.latest?.max_severity === 'CRITICAL').length,
    warning: all.filter((m) => m.latest?.status !== 'failed' && m.latest?.max_severity === 'WARNING').length,
    ok: all.filter((m) => m.latest?.status === 'completed' && m.latest.max_severity === 'INFO').length,
    stale: all.filter((m) => m.stale).length,
    incidents: all.reduce((s, m) => s + m.open_incidents, 0),
  };
  return (
    <div class="overview" data-ready="overview">
      <div class="page-head">
        <h1>Models</h1>
        <p class="summary-strip" aria-label="summary">
          <SeverityBadge severity="CRITICAL" label={`${tally.critical} critical`} />
          <SeverityBadge severity="WARNING" label={`${tally.warning} warning`} />
          <SeverityBadge severity="INFO" label={`${tally.ok} ok`} />
          <span class="badge sev-none">
            <span aria-hidden="true">◷</span> {tally.stale} stale
          </span>
          <span class="badge sev-none">
            <span aria-hidden="true">⚑</span> {tally.incidents === 1 ? '1 open incident' : `${tally.incidents} open incidents`}
          </span>
        </p>
      </div>
      <div class="toolbar">
        <label>
          <span class="visually-hidden">Filter models</span>
          <input type="search" placeholder="Filter by name or id" value={filter} onInput={(e) => setFilter((e.target as HTMLInputElement).value)} />
        </label>
        <label class="check">
          <input type="checkbox" checked={onlyProblems} onChange={(e) => setOnlyProblems((e.target as HTMLInputElement).checked)} /> Only models needing attention
        </label>
        <span class="muted live" aria-live="off">
          Updated {time(res.data.generated_at)} · refreshes by itself
        </span>
      </div>
      <ErrorNote error={res.error} what="fresh data" />
      {all.length === 0 ? (
        <p class="empty">No models are registered yet. Register one with POST /api/v1/models.</p>
      ) : (
        <ul class="model-grid" aria-label="models">
          {models.map((m) => (
            <ModelCard key={m.model_id} m={m} now={now} />
          ))}
        </ul>
      )}
      {cursor && (
        <button type="button" onClick={loadMore}>
          Load more models
        </button>
      )}
    </div>
  );
}
