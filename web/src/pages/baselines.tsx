/** Baselines of every model, newest first; an admin can make an archived one active again. */
import { useState } from 'preact/hooks';
import { ApiError, segment } from '../api/client';
import type { Baseline, Page } from '../api/types';
import { ListTable, NeedsAdmin } from '../components/ui';
import { count, time } from '../format';
import { useResource } from '../hooks/use-resource';
import { Link, paths } from '../router';
import { useSession } from '../session';

export function BaselinesPage() {
  const { api, canAct } = useSession();
  const [modelId, setModelId] = useState('');
  const [confirm, setConfirm] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const res = useResource((signal) => api.get<Page<Baseline>>('/api/v1/monitoring/baselines', { model_id: modelId.trim() || undefined, limit: 100 }, signal), [modelId], { poll: true });
  const activate = async (b: Baseline) => {
    setActionError(null);
    try {
      await api.send('POST', `/api/v1/monitoring/baselines/${segment(b.snapshot_id)}/activate`);
      setConfirm(null);
      await res.reload();
    } catch (e) {
      setActionError(e instanceof ApiError ? e.message : String(e));
    }
  };
  return (
    <div>
      <div class="page-head">
        <h1>Baselines</h1>
      </div>
      <div class="toolbar">
        <label>
          Model{' '}
          <input aria-label="Model" value={modelId} placeholder="any" onChange={(e) => setModelId((e.target as HTMLInputElement).value)} />
        </label>
        {!canAct && <NeedsAdmin what="activate a baseline" />}
      </div>
      <ListTable
        res={res}
        what="baselines"
        empty="No baselines yet."
        columns={['Snapshot', 'Model', 'Version', 'State', 'Created', { label: 'Samples', num: true }, 'Action']}
        notice={
          actionError && (
            <p class="error-note" role="alert">
              {actionError}
            </p>
          )
        }
        rows={(items) => (
          <>
                {items.map((b) => (
                  <tr key={b.snapshot_id} class={b.is_active ? 'active-row' : undefined}>
                    <th scope="row">
                      <code>{b.snapshot_id}</code>
                      <div class="muted small">{b.source.replaceAll('_', ' ')}</div>
                    </th>
                    <td>
                      <Link href={paths.model(b.model_id)}>{b.model_id}</Link>
                    </td>
                    <td>{b.model_version ?? '–'}</td>
                    <td>
                      {b.is_active ? (
                        <span class="badge sev-ok">
                          <span aria-hidden="true">★</span> active
                        </span>
                      ) : (
                        <span class="badge sev-none">archived {b.archived_at ? time(b.archived_at) : ''}</span>
                      )}
                    </td>
                    <td>
                      {time(b.created_at)}
                      {b.created_by && <div class="muted small">by {b.created_by}</div>}
                    </td>
                    <td class="num">
                      {count(b.sample_count)}
                      {b.labelled_count !== null && <div class="muted small">{count(b.labelled_count)} labelled</div>}
                    </td>
                    <td>
                      {!b.is_active && canAct && confirm !== b.snapshot_id && (
                        <button type="button" onClick={() => setConfirm(b.snapshot_id)}>
                          Activate
                        </button>
                      )}
                      {confirm === b.snapshot_id && (
                        <span class="confirm">
                          Make it the active baseline of {b.model_id}?{' '}
                          <button type="button" class="primary" onClick={() => activate(b)}>
                            Yes, activate
                          </button>{' '}
                          <button type="button" onClick={() => setConfirm(null)}>
                            Cancel
                          </button>
                        </span>
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
