import { readFileSync } from 'node:fs';
import { Gauge, Registry } from 'prom-client';
import type { MonitoringRecordRow } from '../store/monitoring-store.js';
import { type AlertingMetrics, type AlertingSnapshot, alertingMetrics } from './alerting-metrics.js';
import { type HttpMetrics, httpMetrics } from './http-metrics.js';
import { type IngestMetrics, ingestMetrics } from './ingest-metrics.js';
import { type MonitoringMetrics, monitoringMetrics } from './monitoring-metrics.js';
import { FastRegistry } from './fast-metrics.js';
import { processRegistry } from './process-metrics.js';
import { compactionMetrics } from './compaction-metrics.js';

export type { AlertingMetrics, AlertingSnapshot, HttpMetrics, IngestMetrics, MonitoringMetrics };

/**
 * An app's Prometheus metrics, grouped by the module that feeds them. One registry per app
 * instance (tests build many apps); process and runtime metrics are shared by the process.
 * The per-request and per-batch families (HTTP, ingestion) are FastRegistry series the hot
 * paths bump directly; the rest (monitoring, alerting, build info) are prom-client metrics.
 * When metrics are disabled every method is a no-op and nothing is counted.
 */
export interface Metrics {
  readonly enabled: boolean;
  readonly http: HttpMetrics;
  readonly ingest: IngestMetrics;
  readonly monitoring: MonitoringMetrics;
  readonly alerting: AlertingMetrics;
  /**
   * Called on the first scrape until it succeeds: the latest completed records from the store,
   * so the monitoring gauges exist after a restart before the next analysis.
   */
  seedFrom(load: () => Promise<MonitoringRecordRow[]>): void;
  /** The exposition text (this app's metrics, then the process's). */
  render(): Promise<string>;
  readonly contentType: string;
}

export interface MetricsOptions {
  enabled: boolean;
  storeBackend: string;
  /** the app's clock (epoch ms) */
  clock?: () => number;
  /** scrape-time store reads are cached this long (ms) */
  cacheMs?: number;
  /** a scrape-time store read failed (logged by the caller) */
  onError?: (e: unknown) => void;
}

/** The version in package.json (two levels up from src/observability and dist/observability). */
export const DRIFTWATCH_VERSION: string = (() => {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
})();

const noop = () => undefined;

/** The disabled metrics: nothing is counted, nothing is rendered. */
export const DISABLED_METRICS: Metrics = {
  enabled: false,
  http: { observe: noop },
  ingest: { observer: {}, commit: noop },
  monitoring: { record: noop, seed: noop },
  alerting: { alertCreated: noop, deliveryAttempt: noop, deliveryGivenUp: noop, declareChannels: noop, setSource: noop },
  seedFrom: noop,
  render: async () => '',
  contentType: 'text/plain; version=0.0.4; charset=utf-8',
};

export function createMetrics(options: MetricsOptions): Metrics {
  if (!options.enabled) return DISABLED_METRICS;
  const clock = options.clock ?? Date.now;
  const registry = new Registry();
  const fast = new FastRegistry();
  new Gauge({
    name: 'driftwatch_build_info',
    help: 'Always 1; the labels say which driftwatch runs: version, Node.js version, store backend.',
    labelNames: ['version', 'node_version', 'store_backend'] as const,
    registers: [registry],
  }).set({ version: DRIFTWATCH_VERSION, node_version: process.version, store_backend: options.storeBackend }, 1);
  const monitoring = monitoringMetrics(registry);
  compactionMetrics(registry);
  let seed: (() => Promise<MonitoringRecordRow[]>) | undefined;
  let seeding: Promise<void> | undefined;
  const seedOnce = (): Promise<void> => {
    if (!seed) return Promise.resolve();
    const load = seed;
    seeding ??= load().then(
      (records) => {
        monitoring.seed(records);
        seed = undefined;
      },
      (e: unknown) => {
        options.onError?.(e);
        seeding = undefined; // the next scrape tries again
      },
    );
    return seeding;
  };
  return {
    enabled: true,
    http: httpMetrics(fast),
    ingest: ingestMetrics(fast, clock),
    monitoring,
    alerting: alertingMetrics(registry, { cacheMs: options.cacheMs, onError: options.onError }),
    seedFrom(load) {
      seed = load;
    },
    async render() {
      await seedOnce();
      return fast.render() + (await registry.metrics()) + '\n' + (await processRegistry().metrics());
    },
    contentType: registry.contentType,
  };
}
