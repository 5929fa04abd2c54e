/**
 * Alerts, filterable (model, severity, status, acknowledged), with statistics, and Acknowledge
 * with notes on each open one (Flow 6): the row's status changes in place, no reload.
 */
import { useState } from 'preact/hooks';
import type { Alert, AlertStatistics, Page } from '../api/types';
import { AckForm } from '../components/ack-form';
import { SeverityBadge, StatusBadge } from '../components/severity';
import { Card, ErrorNote, Loading } from '../components/ui';
import { ago, num, time } from '../format';
import { useResource } from '../hooks/use-resource';
import { Link, paths } from '../router';
import { useSession } from '../session';

function Stats({ s }: { s: AlertStatistics }) {
  return (
    <dl class="stats" aria-label="alert statistics">
      <div>
        <dt>Total</dt>
        <dd>{s.total}</dd>
      </div>
      <div>
        <dt>Unacknowledged</dt>
        <dd class={s.unacknowledged > 0 ? 'sev-text-critical' : undefined}>{s.unacknowledged}</dd>
      </div>
      <div>
        <dt>Acknowledged</dt>
        <dd>{s.acknowledged}</dd>
      </div>
      {(['CRITICAL', 'WARNING', 'INFO'] as const).map((k) => (
        <div key={k}>
          <dt>
            <SeverityBadge severity={k} label={k.toLowerCase()} />
          </dt>
          <dd>{s.by_severity[k] ?? 0}</dd>
        </div>
      ))}
      <div>
        <dt>By component</dt>
        <dd class="small">
          {Object.entries(s.by_component)
            .map(([k, v]) => `${k} ${v}`)
            .join(' · ') || '–'}
        </dd>
      </div>
    </dl>
  );
}

export function AlertsPage({ modelId: initialModel }: { modelId?: string }) {
  const { api, canAct } = useSession();
  const [modelId, setModelId] = useState(initialModel ?? '');
  const [severity, setSeverity] = useState('');
  const [status, setStatus] = useState('');
  const [acked, setAcked] = useState('');
  const [acking, setAcking] = useState<string | null>(null);
  const query = { model_id: modelId.trim() || undefined, severity: severity || undefined, status: status || undefined, acknowledged: acked || undefined };
  const list = useResource((signal) => api.get<Page<Alert>>('/api/v1/alerts', { ...query, limit: 100 }, signal), [modelId, severity, status, acked], { poll: true });
  const stats = useResource((signal) => api.get<AlertStatistics>('/api/v1/alerts/statistics', { model_id: query.model_id }, signal), [modelId], { poll: true });

  const replace = (updated: Alert) => {
    if (list.data) list.set({ ...list.data, items: list.data.items.map((a) => (a.alert_id === updated.alert_id ? updated : a)) });
    void stats.reload();
  };

  return (
    <div>
      <div class="page-head">
        <h1>Alerts</h1>
      </div>
      <Card title="Statistics">{stats.data ? <Stats s={stats.data} /> : <ErrorNote error={stats.error} what="statistics" />}</Card>
      <div class="toolbar" role="search">
        <label>
          Model{' '}
          <input aria-label="Model" value={modelId} placeholder="any" size={16} onChange={(e) => setModelId((e.target as HTMLInputElement).value)} />
        </label>
        <label>
          Severity{' '}
          <select aria-label="Severity" value={severity} onChange={(e) => setSeverity((e.target as HTMLSelectElement).value)}>
            <option value="">any</option>
            <option value="CRITICAL">critical</option>
            <option value="WARNING">warning</option>
            <option value="INFO">info</option>
          </select>
        </label>
        <label>
          Status{' '}
          <select aria-label="Status" value={status} onChange={(e) => setStatus((e.target as HTMLSelectElement).value)}>
            <option value="">any</option>
            {['pending', 'sent', 'failed', 'acknowledged', 'resolved'].map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          Acknowledged{' '}
          <select aria-label="Acknowledged" value={acked} onChange={(e) => setAcked((e.target as HTMLSelectElement).value)}>
            <option value="">any</option>
            <option value="false">no</option>
            <option value="true">yes</option>
          </select>
        </label>
      </div>
      <ErrorNote error={list.error} what="alerts" />
      {!list.data ? (
        !list.error && <Loading what="alerts" />
      ) : list.data.items.length === 0 ? (
        <p class="empty card">No alerts match.</p>
      ) : (
        <ul class="alert-cards" aria-label="alerts">
          {list.data.items.map((a) => (
            <li key={a.alert_id} class={`alert-card ${a.acknowledged ? 'is-acked' : ''}`} data-alert-id={a.alert_id} data-status={a.status}>
              <div class="alert-head">
                <SeverityBadge severity={a.severity} /> <StatusBadge status={a.status} /> <strong class="alert-title">{a.title || a.metric_name}</strong>
              </div>
              <p class="small">
                <code class="metric">{a.metric_name}</code> = {num(a.metric_value)}
                {a.threshold !== null && ` (threshold ${num(a.threshold)})`}
                {a.affected_groups.length > 0 && ` · affected: ${a.affected_groups.join(', ')}`}
              </p>
              <p class="muted small">
                {a.model_id && (
                  <>
                    <Link href={paths.model(a.model_id)}>{a.model_id}</Link> ·{' '}
                  </>
                )}
                {a.incident_id && (
                  <>
                    <Link href={paths.incident(a.incident_id)}>{a.incident_id}</Link> ·{' '}
                  </>
                )}
                <time dateTime={a.created_at} title={time(a.created_at)}>
                  {ago(a.created_at)}
                </time>
                {a.channels_notified.length > 0 && ` · sent to ${a.channels_notified.join(', ')}`}
              </p>
              {a.acknowledged && (
                <p class="ack-note">
                  <span aria-hidden="true">◐ </span>Acknowledged by {a.acknowledged_by} {a.acknowledged_at && ago(a.acknowledged_at)}
                  {a.acknowledgment_notes && <>: “{a.acknowledgment_notes}”</>}
                </p>
              )}
              {!a.acknowledged && a.status !== 'resolved' && canAct && acking !== a.alert_id && (
                <button type="button" onClick={() => setAcking(a.alert_id)}>
                  Acknowledge
                </button>
              )}
              {acking === a.alert_id && (
                <AckForm
                  alert={a}
                  onCancel={() => setAcking(null)}
                  onDone={(updated) => {
                    setAcking(null);
                    replace(updated);
                  }}
                />
              )}
            </li>
          ))}
        </ul>
      )}
      {list.data?.next_cursor && <p class="hint">Showing the newest 100; narrow the filters to see older alerts.</p>}
    </div>
  );
}
