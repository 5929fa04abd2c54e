import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { MonitoringRecordRow } from '../store/monitoring-store.js';
import { recordGauges, type GaugeName, GAUGE_HELP } from './record-gauges.js';

/** Analysis duration buckets (seconds): a window can take minutes on large models. */
export const ANALYSIS_DURATION_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

/** Monitoring metrics, fed by every stored record (MonitoringService.onRecord). */
export interface MonitoringMetrics {
  /** A new record: counts it and, when completed, replaces the model's latest-values gauges. */
  record(record: MonitoringRecordRow): void;
  /**
   * Latest completed records known from the store (at start): set the gauges of models that
   * have none yet, count nothing.
   */
  seed(records: MonitoringRecordRow[]): void;
}

type Labels = Record<string, string>;

export function monitoringMetrics(registry: Registry): MonitoringMetrics {
  const registers = [registry];
  const gauges = new Map<GaugeName, Gauge<string>>();
  for (const [name, { help, labels }] of Object.entries(GAUGE_HELP) as [GaugeName, { help: string; labels: readonly string[] }][]) {
    gauges.set(name, new Gauge({ name, help, labelNames: labels, registers }));
  }
  const analyses = new Counter({
    name: 'driftwatch_analyses_total',
    help: 'Analyses run, by model and status (completed, skipped, failed).',
    labelNames: ['model', 'status'] as const,
    registers,
  });
  const duration = new Histogram({
    name: 'driftwatch_analysis_duration_seconds',
    help: 'Time of one analysis (window load and every test), by model.',
    labelNames: ['model'] as const,
    buckets: ANALYSIS_DURATION_BUCKETS,
    registers,
  });
  // what each model last set, so a new record replaces it (a feature or attribute that is gone
  // must not keep its last value forever)
  const current = new Map<string, { gauge: Gauge<string>; labels: Labels }[]>();
  const lastSuccess = new Map<string, number>();

  const apply = (record: MonitoringRecordRow) => {
    for (const { gauge, labels } of current.get(record.model_id) ?? []) gauge.remove(labels);
    const set: { gauge: Gauge<string>; labels: Labels }[] = [];
    for (const v of recordGauges(record)) {
      const gauge = gauges.get(v.gauge)!;
      gauge.set(v.labels, v.value);
      set.push({ gauge, labels: v.labels });
    }
    current.set(record.model_id, set);
    lastSuccess.set(record.model_id, record.timestamp);
  };

  return {
    record(record) {
      analyses.inc({ model: record.model_id, status: record.status });
      duration.observe({ model: record.model_id }, record.duration_ms / 1000);
      // an older record (a backfill) never replaces newer values
      if (record.status === 'completed' && record.timestamp >= (lastSuccess.get(record.model_id) ?? -Infinity)) apply(record);
    },
    seed(records) {
      for (const r of records) if (r.status === 'completed' && !lastSuccess.has(r.model_id)) apply(r);
    },
  };
}
