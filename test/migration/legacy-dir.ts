import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** What a generated legacy directory holds, for the assertions. */
export interface LegacyDir {
  dir: string;
  /** distinct valid prediction ids */
  predictionIds: Set<string>;
  /** 1-based line numbers of each kind of bad line in predictions.jsonl */
  badLines: { malformed: number[]; duplicates: number[]; noId: number[]; noLabel: number[] };
  alerts: { total: number; acknowledged: number; malformedLine: number };
  /** line of the rule with a bad threshold in alert_rules.json */
  badRuleLine: number;
  /** the newest alert time of accuracy/warning/model (the cooldown state of rule-acc) */
  lastAccuracyAlert: number;
}

const T0 = Date.UTC(2024, 11, 1, 9);
const pyIso = (ms: number) => new Date(ms).toISOString().replace('Z', '').replace(/\.(\d{3})$/, '.$1456'); // isoformat(): microseconds, no zone

/**
 * A data directory as the file-based tracker left it (tracker-and-alerting-analysis §1–2):
 * predictions with malformed lines, repeated prediction ids and a missing id; metrics and
 * health snapshots (one repeated line); alerts, some acknowledged (the tracker rewrote the file);
 * alert_rules.json with one rule that has last_triggered and one that does not.
 */
export function writeLegacyDir(dir: string, n = 600): LegacyDir {
  mkdirSync(dir, { recursive: true });
  const lines: string[] = [];
  const ids = new Set<string>();
  const bad: LegacyDir['badLines'] = { malformed: [], duplicates: [], noId: [], noLabel: [] };
  const push = (s: string) => lines.push(s);
  for (let i = 0; i < n; i++) {
    const rec = {
      timestamp: i % 3 === 0 ? pyIso(T0 + i * 60_000) : i % 3 === 1 ? (T0 + i * 60_000) / 1000 : new Date(T0 + i * 60_000).toISOString(),
      model_version: i < n / 2 ? 'v1.0' : 'v1.1',
      prediction_id: `pred_${i}`,
      predicted_outcome: ['win', 'podium', 'points', 'dnf'][i % 4],
      confidence: 0.25 + (i % 70) / 100,
      features: { grid_position: (i % 20) + 1, team: ['red', 'silver', 'blue'][i % 3], wet: i % 5 === 0, driver_age: 20 + (i % 17) },
      metadata: { latency_ms: 3 + (i % 9), source: 'streamlit' },
      ...(i % 10 === 0 ? { actual_outcome: ['win', 'podium', 'points', 'dnf'][(i + 1) % 4] } : {}),
    };
    push(JSON.stringify(rec));
    ids.add(rec.prediction_id);
    if (i % 97 === 5) {
      push(`{"timestamp": "${pyIso(T0)}", "prediction_id": "broken_${i}", "features": {`); // cut off mid-write
      bad.malformed.push(lines.length);
    }
    if (i % 50 === 7) {
      push(JSON.stringify({ ...rec, confidence: 0.01 })); // the tracker never deduplicated
      bad.duplicates.push(lines.length);
    }
    if (i === 42) {
      push('');
      push(JSON.stringify({ ...rec, prediction_id: undefined }));
      bad.noId.push(lines.length);
      push(JSON.stringify({ ...rec, prediction_id: 'pred_no_label', predicted_outcome: null }));
      bad.noLabel.push(lines.length);
    }
  }
  writeFileSync(join(dir, 'predictions.jsonl'), `${lines.join('\n')}\n`);

  const metrics = Array.from({ length: 30 }, (_, i) => JSON.stringify({ timestamp: pyIso(T0 + i * 3_600_000), metric_name: i % 2 ? 'accuracy' : 'avg_confidence', value: 0.6 + i / 100, window_size: 60, threshold: 0.7, status: i % 4 ? 'ok' : 'warning' }));
  metrics.push(metrics[3]);
  writeFileSync(join(dir, 'metrics.jsonl'), `${metrics.join('\n')}\n`);
  const health = Array.from({ length: 12 }, (_, i) =>
    JSON.stringify({ timestamp: pyIso(T0 + i * 7_200_000), model_version: 'v1.0', accuracy: 0.7, precision: 0.68, recall: 0.66, f1_score: 0.67, roc_auc: 0.8, expected_calibration_error: 0.04, num_predictions: 100 + i, prediction_accuracy_trend: 'stable', degradation_detected: i === 11 }),
  );
  writeFileSync(join(dir, 'health_snapshots.jsonl'), `${health.join('\n')}\n`);

  const alerts: string[] = [];
  let acknowledged = 0;
  let lastAccuracyAlert = 0;
  for (let i = 0; i < 40; i++) {
    const at = T0 + i * 1_800_000;
    const ack = i % 3 === 0;
    if (ack) acknowledged++;
    const metric = i % 2 ? 'accuracy' : 'calibration_error';
    if (metric === 'accuracy') lastAccuracyAlert = Math.max(lastAccuracyAlert, at);
    alerts.push(
      JSON.stringify({
        timestamp: pyIso(at),
        alert_id: `alert_${new Date(at).toISOString().replace(/\D/g, '').slice(0, 14)}`,
        severity: metric === 'accuracy' ? 'warning' : 'critical',
        title: `${metric} threshold breached`,
        message: `${metric} is out of range`,
        metric_name: metric,
        metric_value: 0.5 + i / 100,
        threshold: 0.7,
        component: 'model',
        model_version: 'v1.0',
        acknowledged: ack,
        acknowledged_at: ack ? pyIso(at + 600_000) : null,
        acknowledged_by: ack ? `ops-${i % 2}` : null,
      }),
    );
  }
  alerts.splice(17, 0, '{"timestamp": oops}');
  writeFileSync(join(dir, 'alerts.jsonl'), `${alerts.join('\n')}\n`);

  const rules = [
    { rule_id: 'rule-acc', metric_name: 'accuracy', metric_type: 'performance', threshold: 0.7, comparison: '<', severity: 'warning', component: 'model', enabled: true, cooldown_minutes: 60, channels: ['console', 'slack'], conditions: { min_value: 0 } },
    { rule_id: 'rule-ece', metric_name: 'calibration_error', metric_type: 'calibration', threshold: 0.1, comparison: '>', severity: 'critical', component: 'model', enabled: true, cooldown_minutes: 30, channels: ['email'], conditions: {}, last_triggered: pyIso(T0 + 99 * 86_400_000) },
    { rule_id: 'rule-bad', metric_name: 'latency', threshold: 'high', comparison: '>', severity: 'info' },
  ];
  const rulesText = JSON.stringify(rules, null, 2);
  writeFileSync(join(dir, 'alert_rules.json'), rulesText);
  const badRuleLine = rulesText.split('\n').findIndex((l) => l.includes('"rule-bad"')) + 1;
  return { dir, predictionIds: ids, badLines: bad, alerts: { total: 40, acknowledged, malformedLine: 18 }, badRuleLine, lastAccuracyAlert };
}
