/** Job runs (analyses, retention, self-monitoring), newest first; failed ones stand out with their error. */
import { useState } from 'preact/hooks';
import type { JobRun, Page } from '../api/types';
import { StatusBadge } from '../components/severity';
import { ListTable } from '../components/ui';
import { ago, duration, time } from '../format';
import { useResource } from '../hooks/use-resource';
import { Link, paths } from '../router';
import { useSession } from '../session';

export function JobsPage() {
  const { api } = useSession();
  const [status, setStatus] = useState('');
  const [job, setJob] = useState('');
  const res = useResource((signal) => api.get<Page<JobRun>>('/api/v1/jobs', { status: status || undefined, job: job.trim() || undefined, limit: 100 }, signal), [status, job], { poll: true });
  const failed = res.data?.items.filter((r) => r.status === 'failed').length ?? 0;
  return (
    <div>
      <div class="page-head">
        <h1>Job runs</h1>
        {res.data && failed > 0 && (
          <span class="badge sev-critical">
            <span aria-hidden="true">✖</span> {failed} failed in this list
          </span>
        )}
      </div>
      <div class="toolbar">
        <label>
          Status{' '}
          <select aria-label="Status" value={status} onChange={(e) => setStatus((e.target as HTMLSelectElement).value)}>
            <option value="">any</option>
            <option value="failed">failed</option>
            <option value="succeeded">succeeded</option>
            <option value="skipped">skipped</option>
            <option value="running">running</option>
          </select>
        </label>
        <label>
          Job{' '}
          <input aria-label="Job" value={job} placeholder="e.g. analysis" onChange={(e) => setJob((e.target as HTMLInputElement).value)} />
        </label>
      </div>
      <ListTable
        res={res}
        what="job runs"
        empty="No job runs match."
        columns={['Job', 'Model', 'Status', 'Started', { label: 'Took', num: true }, 'Details']}
        rows={(items) => (
          <>
                {items.map((r) => (
                  <tr key={r.id} class={r.status === 'failed' ? 'sev-critical-row' : undefined} data-status={r.status}>
                    <th scope="row">{r.job}</th>
                    <td>{r.model_id ? <Link href={paths.model(r.model_id)}>{r.model_id}</Link> : '–'}</td>
                    <td>
                      <StatusBadge status={r.status} />
                    </td>
                    <td>
                      <time dateTime={r.started_at} title={time(r.started_at)}>
                        {ago(r.started_at)}
                      </time>
                    </td>
                    <td class="num">{duration(r.duration_ms)}</td>
                    <td class="details">
                      {r.error && <p class="error-note">{r.error}</p>}
                      <span class="muted small">
                        {Object.entries(r.details)
                          .filter(([, v]) => typeof v !== 'object' || v === null)
                          .map(([k, v]) => `${k}: ${String(v)}`)
                          .join(' · ')}
                      </span>
                    </td>
                  </tr>
                ))}
          </>
        )}
      />
    </div>
  );
}
