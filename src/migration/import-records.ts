import { createHash } from 'node:crypto';
import { ruleProblems } from '../alerting/rule-service.js';
import type { Severity } from '../alerting/types.js';
import { readNdjson } from '../ingest/ndjson.js';
import type { HistorySnapshot } from '../store/lifecycle-store.js';
import type { Store } from '../store/store.js';
import { alertFrom, canonicalJson, cooldownState, isObj, legacyTime, ruleAlertKey, ruleFrom } from './legacy-records.js';
import type { FileTally } from './migration-summary.js';

/**
 * metrics.jsonl and health_snapshots.jsonl → history_snapshots (kept as they were, queryable
 * per model at GET /api/v1/models/:id/history). A snapshot's id is the hash of its content, so
 * a second run inserts nothing and an identical repeated line is reported as a duplicate.
 */
export async function importSnapshotLines(store: Store, modelId: string, kind: HistorySnapshot['kind'], file: string, source: AsyncIterable<Buffer>, tally: FileTally, o: { now: number; onBatch?: () => void }): Promise<void> {
  const seen = new Set<string>();
  for await (const items of readNdjson(source, Number.POSITIVE_INFINITY, 500)) {
    const rows: HistorySnapshot[] = [];
    for (const it of items) {
      tally.summary.read++;
      if ('error' in it) {
        tally.skip(it.line, 'not valid JSON');
        continue;
      }
      const v = it.value;
      if (!isObj(v)) {
        tally.skip(it.line, 'not a JSON object');
        continue;
      }
      const ts = legacyTime(v.timestamp);
      if (Number.isNaN(ts)) {
        tally.skip(it.line, 'timestamp is missing or not a date-time');
        continue;
      }
      if (kind === 'metric' && (typeof v.metric_name !== 'string' || typeof v.value !== 'number' || !Number.isFinite(v.value))) {
        tally.skip(it.line, 'a metric needs metric_name (text) and value (a number)');
        continue;
      }
      const id = createHash('sha256').update(`${kind}\n${canonicalJson(v)}`).digest('hex');
      if (seen.has(id)) {
        tally.skip(it.line, 'duplicate of an earlier line');
        continue;
      }
      seen.add(id);
      rows.push({
        snapshot_id: id,
        model_id: modelId,
        kind,
        ts,
        model_version: typeof v.model_version === 'string' ? v.model_version : null,
        name: kind === 'metric' ? (v.metric_name as string) : null,
        value: kind === 'metric' ? (v.value as number) : null,
        body: v,
        source: `${file}:${it.line}`,
        imported_at: o.now,
      });
    }
    const inserted = rows.length ? (await store.lifecycle.insertSnapshots(rows)).length : 0;
    tally.summary.imported += inserted;
    tally.summary.unchanged += rows.length - inserted;
    o.onBatch?.();
  }
}

/**
 * alerts.jsonl → alerts, acknowledgments included, without notifying anyone. Returns, per
 * (metric, severity, component), the newest alert's time: what the rules' cooldowns fall back on.
 */
export async function importAlertLines(store: Store, modelId: string, source: AsyncIterable<Buffer>, tally: FileTally, o: { onBatch?: () => void }): Promise<Map<string, number>> {
  const latest = new Map<string, number>();
  const seen = new Set<string>();
  for await (const items of readNdjson(source, Number.POSITIVE_INFINITY, 500)) {
    for (const it of items) {
      tally.summary.read++;
      if ('error' in it) {
        tally.skip(it.line, 'not valid JSON');
        continue;
      }
      if (!isObj(it.value)) {
        tally.skip(it.line, 'not a JSON object');
        continue;
      }
      const alert = alertFrom(it.value, modelId);
      if ('problem' in alert) {
        tally.skip(it.line, alert.problem);
        continue;
      }
      const key = ruleAlertKey(alert.metric_name, alert.severity, alert.component);
      latest.set(key, Math.max(latest.get(key) ?? 0, alert.created_at));
      const stored = await store.alerting.getAlert(alert.alert_id);
      if (!stored) {
        await store.alerting.insertAlert(alert);
        tally.summary.imported++;
      } else if (alert.acknowledged && !stored.acknowledged) {
        // acknowledged in the legacy system since the last run (or on a repeated line): bring it over
        const { acknowledged, acknowledged_by, acknowledged_at, acknowledgment_notes } = alert;
        await store.alerting.updateAlert({ ...stored, acknowledged, acknowledged_by, acknowledged_at, acknowledgment_notes, status: stored.status === 'resolved' ? 'resolved' : 'acknowledged' });
        tally.summary.updated++;
      } else if (seen.has(alert.alert_id)) tally.skip(it.line, 'duplicate of an earlier line');
      else tally.summary.unchanged++;
      seen.add(alert.alert_id);
    }
    o.onBatch?.();
  }
  return latest;
}

/** Line of the i-th `"rule_id"` in the file (rules are reported by line like the other files). */
function ruleLines(text: string): number[] {
  const out: number[] = [];
  let line = 1;
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) === 10) line++;
    else if (text.startsWith('"rule_id"', i)) out.push(line);
  }
  return out;
}

/**
 * alert_rules.json → alert rules (prefixed `legacy-`), and their cooldown state: the rule's
 * last_triggered when the file has it, else the newest imported alert of its metric, severity
 * and component. A stored cooldown is only ever moved later, so a second run changes nothing.
 */
export async function importRules(store: Store, modelId: string, text: string, latestAlerts: Map<string, number>, tally: FileTally, now: number): Promise<void> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    tally.summary.read++;
    tally.skip(1, `not valid JSON (${(e as Error).message}); no rule imported`);
    return;
  }
  const list = Array.isArray(parsed) ? parsed : isObj(parsed) && Array.isArray(parsed.rules) ? parsed.rules : isObj(parsed) ? Object.values(parsed) : [];
  const lines = ruleLines(text);
  for (let i = 0; i < list.length; i++) {
    const line = lines[i] ?? 1;
    tally.summary.read++;
    if (!isObj(list[i])) {
      tally.skip(line, 'a rule must be a JSON object');
      continue;
    }
    const mapped = ruleFrom(list[i], modelId, now);
    if ('problem' in mapped) {
      tally.skip(line, mapped.problem);
      continue;
    }
    const problems = ruleProblems(mapped.rule);
    if (problems.length) {
      tally.skip(line, `${problems[0].field}: ${problems[0].problem}`);
      continue;
    }
    for (const n of mapped.notes) tally.note(`${mapped.rule.rule_id}: ${n}`);
    const lastFired = mapped.lastTriggered ?? latestAlerts.get(ruleAlertKey(mapped.legacyMetric, mapped.rule.severity as Severity, mapped.component)) ?? null;
    const outcome = await store.transaction(async (tx) => {
      const exists = await tx.alerting.getRule(mapped.rule.rule_id);
      if (!exists) await tx.alerting.insertRule(mapped.rule);
      let moved = false;
      if (lastFired !== null) {
        const state = (await tx.alerting.ruleStates(modelId)).find((s) => s.rule_id === mapped.rule.rule_id && s.metric === mapped.rule.metric);
        if (!state || state.last_fired_at === null || state.last_fired_at < lastFired) {
          await tx.alerting.saveRuleStates([{ ...cooldownState(mapped.rule, modelId, lastFired), ...(state ? { consecutive: state.consecutive, firing: state.firing, last_value: state.last_value } : {}) }]);
          moved = true;
        }
      }
      return !exists ? 'imported' : moved ? 'updated' : 'unchanged';
    });
    tally.summary[outcome]++;
  }
}
