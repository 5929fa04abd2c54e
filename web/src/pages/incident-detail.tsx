/**
 * One incident: where it is in its lifecycle (open → investigating → resolved), what triggered
 * it, its alerts (acknowledge here too), the monitoring record, the timeline of response
 * actions, and the comment and resolve forms.
 */
import { useState } from 'preact/hooks';
import { ApiError, segment } from '../api/client';
import type { Alert, Incident } from '../api/types';
import { AckForm } from '../components/ack-form';
import { SeverityBadge, StatusBadge } from '../components/severity';
import { Card, ErrorNote, Loading, NeedsAdmin } from '../components/ui';
import { ago, num, time } from '../format';
import { useResource } from '../hooks/use-resource';
import { Link, paths } from '../router';
import { useSession } from '../session';

type Detail = Incident & { alerts: Alert[] };

const STEPS = ['open', 'investigating', 'resolved'] as const;

function Lifecycle({ i }: { i: Incident }) {
  const at = { open: i.created_at, investigating: i.acknowledged_at, resolved: i.resolved_at };
  const reached = STEPS.indexOf(i.status);
  return (
    <ol class="lifecycle" aria-label="lifecycle">
      {STEPS.map((s, k) => (
        <li key={s} class={k < reached ? 'done' : k === reached ? 'current' : 'todo'} aria-current={k === reached ? 'step' : undefined}>
          <span class="step-mark" aria-hidden="true">
            {k < reached ? '✓' : k === reached ? '●' : '○'}
          </span>
          <span class="step-name">{s}</span>
          <span class="muted small">{at[s] ? time(at[s]) : ''}</span>
        </li>
      ))}
    </ol>
  );
}

function TextForm({ label, button, onSubmit, required }: { label: string; button: string; onSubmit: (text: string) => Promise<void>; required?: boolean }) {
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const id = `f-${button.replace(/\W/g, '')}`;
  return (
    <form
      class="text-form"
      onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        setError(null);
        try {
          await onSubmit(text.trim());
          setText('');
        } catch (err) {
          setError(err instanceof ApiError ? err.message : String(err));
        } finally {
          setBusy(false);
        }
      }}
    >
      <label for={id}>{label}</label>
      <textarea id={id} rows={2} maxLength={4000} value={text} required={required} onInput={(e) => setText((e.target as HTMLTextAreaElement).value)} />
      <button type="submit" disabled={busy}>
        {busy ? 'Saving…' : button}
      </button>
      {error && (
        <p class="error-note" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}

export function IncidentPage({ incidentId }: { incidentId: string }) {
  const { api, canAct, info } = useSession();
  const [acking, setAcking] = useState<string | null>(null);
  const res = useResource((signal) => api.get<Detail>(`/api/v1/incidents/${segment(incidentId)}`, undefined, signal), [incidentId], { poll: true });
  if (res.error && !res.data) return <ErrorNote error={res.error} what="the incident" />;
  if (!res.data) return <Loading what="the incident" />;
  const i = res.data;
  const update = (incident: Incident) => res.set({ ...i, ...incident, alerts: i.alerts });

  return (
    <div class="incident-page">
      <nav class="crumbs" aria-label="breadcrumb">
        <Link href={paths.incidents()}>Incidents</Link> <span aria-hidden="true">›</span> <span>{i.incident_id}</span>
      </nav>
      <Card
        title={i.title || i.incident_id}
        actions={
          <>
            <SeverityBadge severity={i.severity} /> <StatusBadge status={i.status} />
          </>
        }
      >
        <Lifecycle i={i} />
        <dl class="facts">
          <div>
            <dt>Model</dt>
            <dd>{i.model_id ? <Link href={paths.model(i.model_id)}>{i.model_id}</Link> : '–'}</dd>
          </div>
          <div>
            <dt>Component</dt>
            <dd>{i.component}</dd>
          </div>
          <div>
            <dt>Monitoring record</dt>
            <dd>{i.monitoring_record_id && i.model_id ? <Link href={paths.model(i.model_id, undefined, i.monitoring_record_id)}>{i.monitoring_record_id}</Link> : (i.monitoring_record_id ?? '–')}</dd>
          </div>
          {i.resolved_by && (
            <div>
              <dt>Resolved by</dt>
              <dd>
                {i.resolved_by}
                {i.resolution_notes && ` — ${i.resolution_notes}`}
              </dd>
            </div>
          )}
        </dl>
      </Card>
      <div class="two-col">
        <Card title="Metrics that triggered it">
          <ul class="findings">
            {i.metrics_triggered.map((m) => (
              <li key={m.metric_name}>
                <SeverityBadge severity={m.severity} /> <code class="metric">{m.metric_name}</code> = {num(m.value)}
                {m.threshold !== null && <span class="threshold"> (threshold {num(m.threshold)})</span>}
                {m.affected_groups.length > 0 && <span> · affected: {m.affected_groups.join(', ')}</span>}
                {m.cleared && <span class="badge sev-ok">cleared</span>}
              </li>
            ))}
          </ul>
        </Card>
        <Card title={`Alerts (${i.alerts.length})`}>
          <ul class="alert-list">
            {i.alerts.map((a) => (
              <li key={a.alert_id} data-alert-id={a.alert_id}>
                <SeverityBadge severity={a.severity} /> <StatusBadge status={a.status} /> <span>{a.title || a.metric_name}</span>{' '}
                <span class="muted small">
                  {a.alert_id} · {ago(a.created_at)}
                  {a.acknowledged_by && ` · acknowledged by ${a.acknowledged_by}`}
                </span>
                {!a.acknowledged && a.status !== 'resolved' && canAct && acking !== a.alert_id && (
                  <button type="button" onClick={() => setAcking(a.alert_id)}>
                    Acknowledge
                  </button>
                )}
                {acking === a.alert_id && (
                  <AckForm
                    alert={a}
                    onCancel={() => setAcking(null)}
                    onDone={() => {
                      setAcking(null);
                      void res.reload();
                    }}
                  />
                )}
              </li>
            ))}
          </ul>
        </Card>
      </div>
      <Card title="Timeline">
        <ol class="timeline" aria-label="timeline">
          {i.response_actions.map((a, k) => (
            <li key={k} class={`tl-${a.action}`}>
              <time dateTime={a.taken_at}>{time(a.taken_at)}</time>
              <span class="tl-action">{a.action}</span>
              <span class="muted">
                by {a.taken_by}
                {a.automatic ? ' (automatic)' : ''}
              </span>
              {a.metric && <code class="metric">{a.metric}</code>}
              {a.notes && <p class="tl-notes">{a.notes}</p>}
            </li>
          ))}
        </ol>
        {canAct ? (
          <div class="two-col">
            <TextForm
              label="Comment"
              button="Add comment"
              required
              onSubmit={async (text) => update(await api.send<Incident>('POST', `/api/v1/incidents/${segment(i.incident_id)}/comments`, { author: info.name, text }))}
            />
            {i.status !== 'resolved' && (
              <TextForm
                label="Resolution notes"
                button="Resolve incident"
                onSubmit={async (notes) => update((await api.send<{ incident: Incident }>('POST', `/api/v1/incidents/${segment(i.incident_id)}/resolve`, { resolved_by: info.name, notes: notes || undefined })).incident)}
              />
            )}
          </div>
        ) : (
          <NeedsAdmin what="comment or resolve" />
        )}
      </Card>
    </div>
  );
}
