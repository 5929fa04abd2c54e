/** Incidents, newest first: filter by status, severity and model; each links to its timeline. */
import { useState } from 'preact/hooks';
import type { Incident, Page } from '../api/types';
import { SeverityBadge, StatusBadge } from '../components/severity';
import { Card, ErrorNote, Loading } from '../components/ui';
import { ago, time } from '../format';
import { useResource } from '../hooks/use-resource';
import { Link, navigate, paths } from '../router';
import { useSession } from '../session';

export function IncidentsPage({ modelId }: { modelId?: string }) {
  const { api } = useSession();
  const [status, setStatus] = useState('active');
  const [severity, setSeverity] = useState('');
  const [more, setMore] = useState<Incident[]>([]);
  const [cursor, setCursor] = useState<string | null | undefined>(undefined);
  const res = useResource(
    (signal) => api.get<Page<Incident>>('/api/v1/incidents', { status: status || undefined, severity: severity || undefined, model_id: modelId, limit: 50 }, signal),
    [status, severity, modelId],
    { poll: true },
  );
  const next = cursor === undefined ? res.data?.next_cursor : cursor;
  const items = [...(res.data?.items ?? []), ...more];
  const loadMore = async () => {
    if (!next) return;
    const page = await api.get<Page<Incident>>('/api/v1/incidents', { status: status || undefined, severity: severity || undefined, model_id: modelId, limit: 50, cursor: next });
    setMore((m) => [...m, ...page.items]);
    setCursor(page.next_cursor);
  };
  const reset = () => {
    setMore([]);
    setCursor(undefined);
  };

  return (
    <div>
      <div class="page-head">
        <h1>Incidents{modelId && <span class="muted"> of {modelId}</span>}</h1>
        {modelId && <Link href={paths.incidents()}>All models</Link>}
      </div>
      <div class="toolbar">
        <label>
          Status{' '}
          <select
            aria-label="Status"
            value={status}
            onChange={(e) => {
              setStatus((e.target as HTMLSelectElement).value);
              reset();
            }}
          >
            <option value="active">open or investigating</option>
            <option value="open">open</option>
            <option value="investigating">investigating</option>
            <option value="resolved">resolved</option>
            <option value="">any</option>
          </select>
        </label>
        <label>
          Severity{' '}
          <select
            aria-label="Severity"
            value={severity}
            onChange={(e) => {
              setSeverity((e.target as HTMLSelectElement).value);
              reset();
            }}
          >
            <option value="">any</option>
            <option value="CRITICAL">critical</option>
            <option value="WARNING">warning</option>
            <option value="INFO">info</option>
          </select>
        </label>
      </div>
      <ErrorNote error={res.error} what="incidents" />
      {!res.data ? (
        !res.error && <Loading what="incidents" />
      ) : items.length === 0 ? (
        <p class="empty card">No incidents match.</p>
      ) : (
        <Card>
          <div class="table-wrap">
            <table class="data-table incidents-table" aria-label="incidents">
              <thead>
                <tr>
                  <th scope="col">Incident</th>
                  <th scope="col">Severity</th>
                  <th scope="col">Status</th>
                  <th scope="col">Model</th>
                  <th scope="col">Opened</th>
                  <th scope="col" class="num">Alerts</th>
                </tr>
              </thead>
              <tbody>
                {items.map((i) => (
                  <tr key={i.incident_id} class="clickable" onClick={(e) => (e.target as HTMLElement).closest('a') === null && navigate(paths.incident(i.incident_id))}>
                    <th scope="row">
                      <Link href={paths.incident(i.incident_id)}>{i.title || i.incident_id}</Link>
                      <div class="muted small">{i.incident_id}</div>
                    </th>
                    <td>
                      <SeverityBadge severity={i.severity} />
                    </td>
                    <td>
                      <StatusBadge status={i.status} />
                    </td>
                    <td>{i.model_id ? <Link href={paths.model(i.model_id)}>{i.model_id}</Link> : i.component}</td>
                    <td>
                      <time dateTime={i.created_at} title={time(i.created_at)}>
                        {ago(i.created_at)}
                      </time>
                    </td>
                    <td class="num">{i.alert_ids.length}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {next && (
            <button type="button" onClick={loadMore}>
              Load more
            </button>
          )}
        </Card>
      )}
    </div>
  );
}
