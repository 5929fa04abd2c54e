/**
 * Drift per feature: the default test's value against its threshold, PSI, data quality and the
 * worst severity. Sortable by any column (header buttons: Tab + Enter/Space; aria-sort says how).
 * A feature's name selects it for the histogram and trend below.
 */
import { useMemo, useState } from 'preact/hooks';
import type { FeatureDrift, Finding } from '../../api/types';
import { SeverityBadge, severityClass, severityRank } from '../../components/severity';
import { Breakable } from '../../components/breakable';
import { num } from '../../format';

type Key = 'feature' | 'type' | 'test' | 'value' | 'psi' | 'severity';

interface Row {
  f: FeatureDrift;
  test: FeatureDrift['tests'][number] | undefined;
  psiThreshold: number | null;
}

const COLUMNS: { key: Key; label: string; numeric?: boolean; optional?: boolean }[] = [
  { key: 'feature', label: 'Feature' },
  { key: 'type', label: 'Type', optional: true },
  { key: 'test', label: 'Test', optional: true },
  { key: 'value', label: 'Value', numeric: true },
  { key: 'psi', label: 'PSI', numeric: true },
  { key: 'severity', label: 'Severity' },
];

function sortValue(r: Row, key: Key): string | number {
  switch (key) {
    case 'feature':
      return r.f.feature.toLowerCase();
    case 'type':
      return r.f.type;
    case 'test':
      return r.f.default_test;
    case 'value':
      return r.test?.value ?? -Infinity;
    case 'psi':
      return r.f.psi.value;
    case 'severity':
      return severityRank(r.f.severity) * 1e6 + r.f.psi.value;
  }
}

const op = (direction: string) => (direction.includes('below') ? '<' : '≥');

export function DriftTable({ features, findings, selected, onSelect }: { features: FeatureDrift[]; findings: Finding[]; selected: string | null; onSelect: (feature: string) => void }) {
  const [sort, setSort] = useState<{ key: Key; dir: 1 | -1 }>({ key: 'severity', dir: -1 });
  const rows = useMemo(() => {
    const psiFinding = new Map(findings.filter((f) => f.metric.startsWith('data_drift.psi.') && f.feature !== undefined).map((f) => [f.feature!, f]));
    const list: Row[] = features.map((f) => ({ f, test: f.tests.find((t) => t.test === f.default_test), psiThreshold: psiFinding.get(f.feature)?.threshold ?? null }));
    return list.sort((a, b) => {
      const x = sortValue(a, sort.key);
      const y = sortValue(b, sort.key);
      return (x < y ? -1 : x > y ? 1 : 0) * sort.dir || a.f.feature.localeCompare(b.f.feature);
    });
  }, [features, findings, sort]);

  const toggle = (key: Key) => setSort((s) => (s.key === key ? { key, dir: s.dir === 1 ? -1 : 1 } : { key, dir: key === 'feature' || key === 'type' || key === 'test' ? 1 : -1 }));

  return (
    <div class="table-wrap">
      <table class="data-table drift-table" aria-label="drift per feature">
        <thead>
          <tr>
            {COLUMNS.map((c) => (
              <th key={c.key} scope="col" aria-sort={sort.key === c.key ? (sort.dir === 1 ? 'ascending' : 'descending') : 'none'} class={`${c.numeric ? 'num' : ''} ${c.optional ? 'optional' : ''}`}>
                <button type="button" class="sort" onClick={() => toggle(c.key)} data-sort-key={c.key}>
                  {c.label}
                  <span aria-hidden="true" class="sort-mark">
                    {sort.key === c.key ? (sort.dir === 1 ? ' ▲' : ' ▼') : ' ↕'}
                  </span>
                </button>
              </th>
            ))}
            <th scope="col" class="optional">
              Other tests
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ f, test, psiThreshold }) => (
            <tr key={f.feature} class={`${severityClass(f.severity)}-row ${selected === f.feature ? 'selected' : ''}`} aria-selected={selected === f.feature}>
              <th scope="row">
                <button type="button" class="link-button feature-name" onClick={() => onSelect(f.feature)} aria-pressed={selected === f.feature}>
                  <Breakable text={f.feature} />
                </button>
              </th>
              <td class="optional">{f.type}</td>
              <td class="optional">{f.default_test.replaceAll('_', ' ')}</td>
              <td class="num">
                {num(test?.value)}
                {test?.threshold !== null && test?.threshold !== undefined && (
                  <span class="threshold">
                    {' '}
                    {op(test.direction)} {num(test.threshold)}
                  </span>
                )}
                {test?.p_value !== null && test?.p_value !== undefined && <span class="threshold"> p={num(test.p_value)}</span>}
              </td>
              <td class="num">
                {num(f.psi.value)}
                {psiThreshold !== null && <span class="threshold"> ≥ {num(psiThreshold)}</span>}
              </td>
              <td>
                <SeverityBadge severity={f.severity} />
                {f.drift_detected && <span class="drift-flag"> drift</span>}
              </td>
              <td class="other-tests optional">
                {f.tests
                  .filter((t) => t.test !== f.default_test && t.test !== 'psi')
                  .map((t) => (
                    <span key={t.test} class={t.drift_detected ? 'test-drift' : undefined}>
                      {t.test.replaceAll('_', ' ')} {num(t.value)}
                      {t.drift_detected ? ' (drift)' : ''}
                    </span>
                  ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
