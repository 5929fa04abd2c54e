import { describe, expect, it } from 'vitest';
import type { Evaluation } from './evaluate-rules.js';
import { clearMetric, observeIncident, observer } from './incident-clearing.js';
import { openIncident } from './incident-lifecycle.js';
import type { AlertCandidate, Incident } from './types.js';

const ev = (over: Partial<Evaluation>): Evaluation => ({ model_id: 'm', kind: 'record', record_id: 'r', record_status: 'completed', findings: [], period: null, ...over });
const cand = (metric: string, source: AlertCandidate['source'] = 'rule'): AlertCandidate => ({
  source, rule_id: null, model_id: 'm', metric, value: 1, threshold: 0.5, severity: 'CRITICAL', component: 'model', title: 't', message: '', affected_groups: [], labels: {}, monitoring_record_id: null, period: null, channels: [],
});
const incidentWith = (...metrics: AlertCandidate[]): Incident => {
  let i = openIncident('INC-1', metrics[0], 'A0', 0);
  for (const c of metrics.slice(1)) i = { ...i, metrics_triggered: [...i.metrics_triggered, { ...i.metrics_triggered[0], metric_name: c.metric, source: c.source }] };
  return i;
};

describe('incident clearing', () => {
  it('what each kind of evaluation observes', () => {
    const breaching = new Map([['data_drift.psi.income', 'CRITICAL' as const]]);
    const completed = observer(ev({}), breaching);
    expect([completed('data_drift.psi.income'), completed('fairness.x.y'), completed('analysis.failed'), completed('self.hours_since_analysis')]).toEqual(['breaching', 'clear', 'clear', 'unobserved']);
    const failed = observer(ev({ record_status: 'failed' }), new Map([['analysis.failed', 'CRITICAL']]));
    expect([failed('analysis.failed'), failed('data_drift.psi.income')]).toEqual(['breaching', 'unobserved']);
    const skipped = observer(ev({ record_status: 'skipped' }), new Map());
    expect([skipped('analysis.failed'), skipped('data_drift.psi.income')]).toEqual(['clear', 'unobserved']);
    const self = observer(ev({ kind: 'self', findings: [{ metric: 'self.hours_since_analysis', value: 1, threshold: null, severity: 'INFO' }] }), new Map());
    expect([self('self.hours_since_analysis'), self('self.predictions_last_day'), self('data_drift.psi.income')]).toEqual(['clear', 'unobserved', 'unobserved']);
  });

  it('resolves when every rule metric has been clear N times; a breach starts a metric over', () => {
    let i = incidentWith(cand('a.b'), cand('c.d'));
    const seq: [string, string][] = [['clear', 'clear'], ['clear', 'breaching'], ['clear', 'clear'], ['clear', 'clear']];
    const results = seq.map(([a, c]) => {
      const r = observeIncident(i, (m) => (m === 'a.b' ? a : c) as 'clear' | 'breaching', 3, 1);
      i = r.incident;
      return [r.resolve, i.metrics_triggered.map((m) => m.clear_count), i.clear_count];
    });
    expect(results).toEqual([
      [false, [1, 1], 1],
      [false, [2, 0], 0],
      [false, [3, 1], 1],
      [false, [4, 2], 2],
    ]);
    const last = observeIncident(i, () => 'clear', 3, 2);
    expect(last.resolve).toBe(true);
    expect(observeIncident(i, () => 'unobserved', 3, 2)).toEqual({ incident: i, changed: false, resolve: false });
  });

  it('external metrics never clear by analysis; Alertmanager ones clear when resolved', () => {
    let i = incidentWith(cand('latency', 'alertmanager'), cand('a.b'));
    for (let n = 0; n < 3; n++) i = observeIncident(i, () => 'clear', 3, n).incident;
    expect(i.metrics_triggered.map((m) => [m.metric_name, m.cleared])).toEqual([['latency', false], ['a.b', true]]);
    i = clearMetric(i, 'latency', 'alertmanager', 9);
    expect(i.metrics_triggered.every((m) => m.cleared)).toBe(true);
    expect(i.response_actions.at(-1)).toMatchObject({ action: 'cleared', metric: 'latency', taken_by: 'alertmanager' });
    const manual = incidentWith(cand('x', 'external'));
    expect(observeIncident(manual, () => 'clear', 1, 1).changed).toBe(false);
  });
});
