/** Silences (maintenance windows): active, pending and expired ones; create one by matchers; expire one now. */
import { useState } from 'preact/hooks';
import { ApiError, segment } from '../api/client';
import type { ModelInfo, Page, Silence, SilenceMatcher } from '../api/types';
import { StatusBadge } from '../components/severity';
import { Card, ListTable, NeedsAdmin } from '../components/ui';
import { time } from '../format';
import { useResource } from '../hooks/use-resource';
import { useSession } from '../session';

const DURATIONS = [
  { hours: 1, label: '1 hour' },
  { hours: 4, label: '4 hours' },
  { hours: 24, label: '1 day' },
  { hours: 72, label: '3 days' },
  { hours: 168, label: '1 week' },
];

function CreateSilence({ onCreated }: { onCreated: (s: Silence) => void }) {
  const { api, info } = useSession();
  const models = useResource((signal) => api.get<Page<ModelInfo>>('/api/v1/models', { limit: 500 }, signal), []);
  const [modelId, setModelId] = useState('');
  const [metric, setMetric] = useState('');
  const [severity, setSeverity] = useState('');
  const [hours, setHours] = useState(4);
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    const matchers: SilenceMatcher[] = [];
    if (modelId) matchers.push({ label: 'model_id', op: '=', value: modelId });
    if (metric.trim()) matchers.push({ label: 'metric', op: '=~', value: metric.trim() });
    if (severity) matchers.push({ label: 'severity', op: '=', value: severity });
    if (matchers.length === 0) {
      setError('Choose a model, a metric pattern or a severity: a silence needs at least one matcher.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const created = await api.send<Silence>('POST', '/api/v1/silences', { matchers, ends_at: new Date(Date.now() + hours * 3_600_000).toISOString(), created_by: info.name, comment: comment.trim() || undefined });
      onCreated(created);
      setMetric('');
      setComment('');
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="form-grid" onSubmit={submit} aria-label="create a silence">
      <label>
        Model
        <select aria-label="Model" value={modelId} onChange={(e) => setModelId((e.target as HTMLSelectElement).value)}>
          <option value="">any model</option>
          {models.data?.items.map((m) => (
            <option key={m.model_id} value={m.model_id}>
              {m.model_id}
            </option>
          ))}
        </select>
      </label>
      <label>
        Metric (regular expression)
        <input aria-label="Metric (regular expression)" value={metric} placeholder="e.g. data_drift\.psi\..*" maxLength={500} onInput={(e) => setMetric((e.target as HTMLInputElement).value)} />
      </label>
      <label>
        Severity
        <select aria-label="Severity" value={severity} onChange={(e) => setSeverity((e.target as HTMLSelectElement).value)}>
          <option value="">any</option>
          <option value="CRITICAL">critical</option>
          <option value="WARNING">warning</option>
          <option value="INFO">info</option>
        </select>
      </label>
      <label>
        For
        <select aria-label="For" value={String(hours)} onChange={(e) => setHours(Number((e.target as HTMLSelectElement).value))}>
          {DURATIONS.map((d) => (
            <option key={d.hours} value={String(d.hours)}>
              {d.label}
            </option>
          ))}
        </select>
      </label>
      <label class="wide">
        Comment
        <input aria-label="Comment" value={comment} maxLength={2000} placeholder="e.g. planned retraining" onInput={(e) => setComment((e.target as HTMLInputElement).value)} />
      </label>
      <div class="form-actions wide">
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Creating…' : 'Create silence'}
        </button>
      </div>
      {error && (
        <p class="error-note wide" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}

export function SilencesPage() {
  const { api, canAct } = useSession();
  const [state, setState] = useState('');
  const [actionError, setActionError] = useState<string | null>(null);
  const res = useResource((signal) => api.get<Page<Silence>>('/api/v1/silences', { state: state || undefined, limit: 100 }, signal), [state], { poll: true });
  const expire = async (s: Silence) => {
    setActionError(null);
    try {
      const updated = await api.send<Silence>('DELETE', `/api/v1/silences/${segment(s.silence_id)}`);
      if (res.data) res.set({ ...res.data, items: res.data.items.map((x) => (x.silence_id === s.silence_id ? updated : x)) });
    } catch (e) {
      setActionError(e instanceof ApiError ? e.message : String(e));
    }
  };
  return (
    <div>
      <div class="page-head">
        <h1>Silences</h1>
      </div>
      <Card title="New silence" id="new-silence">
        {canAct ? (
          <CreateSilence
            onCreated={(s) => {
              if (res.data) res.set({ ...res.data, items: [s, ...res.data.items] });
              void res.reload();
            }}
          />
        ) : (
          <NeedsAdmin what="create a silence" />
        )}
      </Card>
      <div class="toolbar">
        <label>
          State{' '}
          <select aria-label="State" value={state} onChange={(e) => setState((e.target as HTMLSelectElement).value)}>
            <option value="">any</option>
            <option value="active">active</option>
            <option value="pending">pending</option>
            <option value="expired">expired</option>
          </select>
        </label>
      </div>
      <ListTable
        res={res}
        what="silences"
        empty="No silences."
        columns={['Matchers', 'State', 'From', 'Until', 'By / comment', 'Action']}
        notice={
          actionError && (
            <p class="error-note" role="alert">
              {actionError}
            </p>
          )
        }
        rows={(items) => (
          <>
                {items.map((s) => (
                  <tr key={s.silence_id} data-silence-id={s.silence_id}>
                    <th scope="row">
                      {s.matchers.map((m, i) => (
                        <code key={i} class="matcher">
                          {m.label} {m.op} {m.value}
                        </code>
                      ))}
                    </th>
                    <td>
                      <StatusBadge status={s.state} />
                    </td>
                    <td>{time(s.starts_at)}</td>
                    <td>{time(s.ends_at)}</td>
                    <td>
                      {s.created_by}
                      {s.comment && <div class="muted small">{s.comment}</div>}
                    </td>
                    <td>
                      {s.state !== 'expired' && canAct && (
                        <button type="button" onClick={() => expire(s)}>
                          Expire now
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
          </>
        )}
      />
    </div>
  );
}
