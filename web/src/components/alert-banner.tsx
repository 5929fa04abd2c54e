/**
 * The banner at the top of every page (Flow 6), one colour per state of the incidents: red while
 * an incident is open (nobody has acknowledged its alerts), yellow once every active incident is
 * being investigated, green when none is active. Scoped to a model on its pages. Acknowledging
 * here (an alert of the newest open incident, with notes) turns it yellow at once, no reload.
 */
import { useState } from 'preact/hooks';
import { ApiError } from '../api/client';
import type { Alert, Incident, Page } from '../api/types';
import { ago } from '../format';
import { Link, paths } from '../router';
import { useResource } from '../hooks/use-resource';
import { useSession } from '../session';
import { AckForm } from './ack-form';
import { SeverityBadge } from './severity';

interface BannerData {
  incidents: Incident[];
  /** unacknowledged alerts that are not resolved (any incident or none) */
  waiting: number;
}

export function AlertBanner({ modelId }: { modelId?: string }) {
  const { api, canAct } = useSession();
  const [acking, setAcking] = useState<Alert | null>(null);
  const [error, setError] = useState<string | null>(null);
  const res = useResource<BannerData>(
    async (signal) => {
      const [incidents, alerts] = await Promise.all([
        api.get<Page<Incident>>('/api/v1/incidents', { status: 'active', model_id: modelId, limit: 100 }, signal),
        api.get<Page<Alert>>('/api/v1/alerts', { acknowledged: false, model_id: modelId, limit: 100 }, signal),
      ]);
      return { incidents: incidents.items, waiting: alerts.items.filter((a) => a.status !== 'resolved').length };
    },
    [modelId],
    { poll: true },
  );
  if (!res.data) return null;
  const { incidents, waiting } = res.data;
  const open = incidents.filter((i) => i.status === 'open');
  const investigating = incidents.filter((i) => i.status === 'investigating');
  const scope = modelId ? ' for this model' : '';
  const alertsLink =
    waiting > 0 ? (
      <Link href={paths.alerts(modelId)}>
        {waiting}
        {waiting === 100 ? '+' : ''} unacknowledged alert{waiting === 1 ? '' : 's'}
      </Link>
    ) : (
      <Link href={paths.alerts(modelId)}>Alerts</Link>
    );

  const startAck = async (incident: Incident) => {
    setError(null);
    try {
      const page = await api.get<Page<Alert>>('/api/v1/alerts', { incident_id: incident.incident_id, acknowledged: false, limit: 1 });
      if (page.items[0]) setAcking(page.items[0]);
      else setError('This incident has no unacknowledged alert left; see the incident page.');
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    }
  };

  if (open.length > 0) {
    const newest = open[0];
    return (
      <section class="banner banner-alerting" data-state="alerting" aria-live="polite" aria-label="alert banner">
        <p class="banner-text">
          <strong>
            <span aria-hidden="true">✖ </span>
            {open.length === 1 ? '1 incident open' : `${open.length} incidents open`}
            {scope}
          </strong>{' '}
          — <SeverityBadge severity={newest.severity} /> <span class="alert-title">{newest.title || newest.incident_id}</span> ({newest.alert_ids.length} alert{newest.alert_ids.length === 1 ? '' : 's'})
          {newest.model_id && !modelId && (
            <>
              {' '}
              · <Link href={paths.model(newest.model_id)}>{newest.model_id}</Link>
            </>
          )}{' '}
          <span class="muted">· {ago(newest.created_at)}</span>
        </p>
        <div class="banner-actions">
          {canAct && !acking && (
            <button type="button" class="primary" onClick={() => startAck(newest)}>
              Acknowledge
            </button>
          )}
          <Link href={paths.incident(newest.incident_id)}>View incident</Link>
          {alertsLink}
        </div>
        {error && (
          <p class="error-note" role="alert">
            {error}
          </p>
        )}
        {acking && (
          <AckForm
            alert={acking}
            onCancel={() => setAcking(null)}
            onDone={(_alert, incident) => {
              setAcking(null);
              if (incident) res.set({ incidents: incidents.map((i) => (i.incident_id === incident.incident_id ? incident : i)), waiting: Math.max(0, waiting - 1) });
              void res.reload();
            }}
          />
        )}
      </section>
    );
  }
  if (investigating.length > 0) {
    const newest = investigating[0];
    const ack = [...newest.response_actions].reverse().find((a) => a.action === 'acknowledged');
    return (
      <section class="banner banner-acknowledged" data-state="acknowledged" aria-live="polite" aria-label="alert banner">
        <p class="banner-text">
          <strong>
            <span aria-hidden="true">◐ </span>
            {investigating.length === 1 ? '1 incident' : `${investigating.length} incidents`} under investigation{scope}
          </strong>{' '}
          — <span class="alert-title">{newest.title || newest.incident_id}</span>
          {ack && (
            <span class="muted">
              {' '}
              · acknowledged by {ack.taken_by} {ago(ack.taken_at)}
              {ack.notes && <>: “{ack.notes}”</>}
            </span>
          )}
        </p>
        <div class="banner-actions">
          <Link href={paths.incident(newest.incident_id)}>View incident</Link>
          {alertsLink}
        </div>
      </section>
    );
  }
  return (
    <section class="banner banner-clear" data-state="clear" aria-live="polite" aria-label="alert banner">
      <p class="banner-text">
        <span aria-hidden="true">✓ </span>No open incidents{scope}.
      </p>
      <div class="banner-actions">{alertsLink}</div>
    </section>
  );
}
