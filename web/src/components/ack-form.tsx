/**
 * Acknowledge an alert with notes (Flow 6): the alert becomes acknowledged and its incident
 * investigating, atomically on the server. The caller gets the updated alert at once and
 * updates its view without a reload.
 */
import { useState } from 'preact/hooks';
import { ApiError, segment } from '../api/client';
import type { Alert, Incident } from '../api/types';
import { useSession } from '../session';

export function AckForm({ alert, onDone, onCancel }: { alert: Alert; onDone: (updated: Alert, incident: Incident | null) => void; onCancel: () => void }) {
  const { api, info } = useSession();
  const [by, setBy] = useState(info.name);
  const [notes, setNotes] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const id = `ack-${alert.alert_id}`;
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const res = await api.send<{ alert: Alert; incident: Incident | null }>('POST', `/api/v1/alerts/${segment(alert.alert_id)}/acknowledge`, { acknowledged_by: by.trim() || info.name, notes: notes.trim() || undefined });
      onDone(res.alert, res.incident);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
      setBusy(false);
    }
  };
  return (
    <form class="ack-form" onSubmit={submit} aria-label={`acknowledge alert ${alert.alert_id}`}>
      <label for={`${id}-by`}>Acknowledged by</label>
      <input id={`${id}-by`} value={by} maxLength={200} onInput={(e) => setBy((e.target as HTMLInputElement).value)} required />
      <label for={`${id}-notes`}>Notes</label>
      <textarea id={`${id}-notes`} rows={2} maxLength={2000} value={notes} placeholder="e.g. Investigating the data pipeline change" onInput={(e) => setNotes((e.target as HTMLTextAreaElement).value)} />
      <div class="form-actions">
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Acknowledging…' : 'Confirm acknowledgement'}
        </button>
        <button type="button" onClick={onCancel} disabled={busy}>
          Cancel
        </button>
      </div>
      {error && (
        <p class="error-note" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
