import { Cron } from 'croner';
import type { Model } from '../domain/model-schema.js';
import { HOUR_MS, toIso } from '../domain/time.js';
import type { MonitoringRecordRow } from '../store/monitoring-store.js';
import type { LifecycleConfig } from './lifecycle-config.js';
import type { TriggerKind } from './types.js';

/** A retraining trigger that wants to fire (the trigger service decides: cooldown, exactly once). */
export interface TriggerCandidate {
  kind: TriggerKind;
  /** the same key never fires twice for a model */
  dedup_key: string;
  reason: string;
  record_id: string | null;
  details: Record<string, unknown>;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const pct = (v: number) => `${(100 * v).toFixed(1)}%`;

/**
 * What a completed analysis says about retraining: data drift (PSI above the limit on a
 * feature marked `key`) and a performance drop (the primary metric's relative drop against the
 * baseline above the limit). Each is keyed by the record, so re-reading it fires nothing new.
 */
export function triggersFromRecord(record: MonitoringRecordRow, model: Model, config: LifecycleConfig['triggers']): TriggerCandidate[] {
  if (record.status !== 'completed' || !isObj(record.body.metrics)) return [];
  const metrics = record.body.metrics;
  const out: TriggerCandidate[] = [];
  const psi = isObj(metrics.data_drift) && isObj(metrics.data_drift.psi) ? metrics.data_drift.psi : {};
  if (config.data_drift.enabled) {
    const drifted: Record<string, number> = {};
    for (const f of model.schema.features) {
      const entry = psi[f.name];
      const value = isObj(entry) ? entry.value : undefined;
      if (f.key === true && typeof value === 'number' && value > config.data_drift.psi) drifted[f.name] = value;
    }
    const names = Object.keys(drifted);
    if (names.length) {
      out.push({
        kind: 'data_drift',
        dedup_key: `data_drift:${record.record_id}`,
        reason: `PSI above ${config.data_drift.psi} on key feature${names.length > 1 ? 's' : ''} ${names.map((n) => `${n} (${drifted[n].toFixed(3)})`).join(', ')}`,
        record_id: record.record_id,
        details: { psi: drifted, threshold: config.data_drift.psi, analysis_period: record.body.analysis_period ?? null },
      });
    }
  }
  const perf = isObj(metrics.performance) ? metrics.performance : null;
  const drop = perf && isObj(perf.drop) && typeof perf.drop.value === 'number' ? perf.drop.value : null;
  if (config.performance_drop.enabled && drop !== null && drop > config.performance_drop.drop) {
    const metric = typeof perf!.primary_metric === 'string' ? perf!.primary_metric : 'primary metric';
    const window = isObj(perf!.window) ? perf!.window[metric] : undefined;
    const baseline = isObj(perf!.baseline) ? perf!.baseline[metric] : undefined;
    out.push({
      kind: 'performance_drop',
      dedup_key: `performance_drop:${record.record_id}`,
      reason: `${metric} dropped ${pct(drop)} against the baseline (more than ${pct(config.performance_drop.drop)})`,
      record_id: record.record_id,
      details: { metric, drop, threshold: config.performance_drop.drop, window_value: window ?? null, baseline_value: baseline ?? null },
    });
  }
  return out;
}

/** A drift or performance trigger fired less than `hours` ago: it waits. */
export const coolingDown = (lastFiredAt: number | null, now: number, hours: number): boolean => lastFiredAt !== null && now - lastFiredAt < hours * HOUR_MS;

/**
 * The scheduled trigger due at `now`: the cron's latest tick at or before `now`, if it is
 * no older than `catchUpMs` and not before `since` (a model created after a tick does not owe
 * it). Keyed by the tick, so every instance that looks agrees on it and it fires once.
 */
export function scheduledCandidate(cron: string, now: number, since: number, catchUpMs = 24 * HOUR_MS): TriggerCandidate | null {
  const [tick] = new Cron(cron, { timezone: 'UTC', paused: true }).previousRuns(1, new Date(now + 1));
  if (!tick) return null;
  const at = tick.getTime();
  if (at > now || at < since || now - at > catchUpMs) return null;
  return {
    kind: 'schedule',
    dedup_key: `schedule:${toIso(at)}`,
    reason: `scheduled retraining (${cron}, tick ${toIso(at)})`,
    record_id: null,
    details: { cron, tick: toIso(at) },
  };
}
