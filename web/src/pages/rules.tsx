/** Alert rules (builtin and custom): what they select and when they fire; an admin enables or disables them. */
import { useState } from 'preact/hooks';
import { ApiError, segment } from '../api/client';
import type { Rule } from '../api/types';
import { SeverityBadge } from '../components/severity';
import { Card, ErrorNote, Loading, NeedsAdmin } from '../components/ui';
import { duration, num } from '../format';
import { useResource } from '../hooks/use-resource';
import { useSession } from '../session';

function condition(r: Rule): string {
  const parts: string[] = [];
  if (r.comparison && r.threshold !== null) parts.push(`value ${r.comparison} ${num(r.threshold)}`);
  if (r.severity_at_least) parts.push(`graded ${r.severity_at_least.toLowerCase()} or worse`);
  return parts.join(' and ') || 'any finding';
}

export function RulesPage() {
  const { api, canAct } = useSession();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const res = useResource((signal) => (canAct ? api.get<{ items: Rule[] }>('/api/v1/rules', undefined, signal) : Promise.resolve({ items: [] as Rule[] })), [canAct], { poll: true });
  if (!canAct) {
    return (
      <div>
        <h1>Rules</h1>
        <p class="card">
          <NeedsAdmin what="view and change alert rules" />
        </p>
      </div>
    );
  }
  const toggle = async (r: Rule) => {
    setBusy(r.rule_id);
    setError(null);
    try {
      const updated = await api.send<Rule>('PATCH', `/api/v1/rules/${segment(r.rule_id)}`, { enabled: !r.enabled });
      if (res.data) res.set({ items: res.data.items.map((x) => (x.rule_id === r.rule_id ? updated : x)) });
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    } finally {
      setBusy(null);
    }
  };
  return (
    <div>
      <div class="page-head">
        <h1>Rules</h1>
      </div>
      <ErrorNote error={res.error} what="rules" />
      {error && (
        <p class="error-note" role="alert">
          {error}
        </p>
      )}
      {!res.data ? (
        <Loading what="rules" />
      ) : (
        <Card>
          <div class="table-wrap">
            <table class="data-table" aria-label="alert rules">
              <thead>
                <tr>
                  <th scope="col">Rule</th>
                  <th scope="col">Metric</th>
                  <th scope="col">Fires when</th>
                  <th scope="col">Severity</th>
                  <th scope="col">Models</th>
                  <th scope="col">For / cooldown</th>
                  <th scope="col">Enabled</th>
                </tr>
              </thead>
              <tbody>
                {res.data.items.map((r) => (
                  <tr key={r.rule_id} class={r.enabled ? undefined : 'disabled-row'}>
                    <th scope="row">
                      {r.name}
                      {r.builtin && <span class="badge sev-none">builtin</span>}
                      <div class="muted small">{r.description}</div>
                    </th>
                    <td>
                      <code class="metric">{r.metric}</code>
                    </td>
                    <td>{condition(r)}</td>
                    <td>
                      <SeverityBadge severity={r.severity} />
                    </td>
                    <td>{r.models.includes('*') ? 'all' : r.models.join(', ')}</td>
                    <td>
                      {r.for}× · {r.cooldown_ms > 0 ? duration(r.cooldown_ms) : 'none'}
                    </td>
                    <td>
                      <label class="switch">
                        <input type="checkbox" role="switch" checked={r.enabled} disabled={busy === r.rule_id} onChange={() => toggle(r)} aria-label={`${r.enabled ? 'disable' : 'enable'} rule ${r.name}`} />
                        <span>{r.enabled ? 'on' : 'off'}</span>
                      </label>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Card>
      )}
    </div>
  );
}
