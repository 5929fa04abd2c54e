/** What needs attention in a record: its WARNING and CRITICAL findings, worst first. */
import type { Finding } from '../../api/types';
import { SeverityBadge, severityRank } from '../../components/severity';
import { Card } from '../../components/ui';
import { num } from '../../format';

export function FindingsList({ findings, category }: { findings: Finding[]; category?: string }) {
  const list = findings.filter((f) => f.severity !== 'INFO' && (!category || f.category === category)).sort((a, b) => severityRank(b.severity) - severityRank(a.severity));
  if (list.length === 0) {
    return (
      <p class="all-clear card" role="status">
        <span aria-hidden="true">✓ </span>No warning or critical findings{category ? ` in ${category.replaceAll('_', ' ')}` : ''} in this analysis.
      </p>
    );
  }
  return (
    <Card id={`findings${category ? `-${category}` : ''}`} title={list.length === 1 ? '1 finding needs attention' : `${list.length} findings need attention`}>
      <ul class="findings">
        {list.map((f) => (
          <li key={f.metric}>
            <SeverityBadge severity={f.severity} /> <code class="metric">{f.metric}</code> = {num(f.value)}
            {f.threshold !== null && <span class="threshold"> (threshold {num(f.threshold)})</span>}
            {f.affected_groups && f.affected_groups.length > 0 && <span> · affected: {f.affected_groups.join(', ')}</span>}
            {f.message && <span class="muted"> · {f.message}</span>}
          </li>
        ))}
      </ul>
    </Card>
  );
}
