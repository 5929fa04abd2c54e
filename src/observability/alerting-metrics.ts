import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { BoundedLabel, oneOf } from './bounded-label.js';

/** At most this many distinct `channel` label values (configured channels); then `other`. */
export const MAX_CHANNEL_LABELS = 50;

/** Delivery attempt duration buckets (seconds): AlertDeliverySlow fires on a p95 above 10 s. */
export const DELIVERY_DURATION_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/** What the store knows about alerting, read when Prometheus scrapes (cached briefly). */
export interface AlertingSnapshot {
  /** open and investigating incidents by severity (INFO, WARNING, CRITICAL) */
  openIncidents: Partial<Record<string, number>>;
  /** alerts by status (as the store names them) */
  alertsByStatus: Record<string, number>;
  /** deliveries waiting in the outbox (not delivered, not given up) */
  outboxPending: number;
  /** age of the oldest of them (0 when none) */
  outboxOldestAgeSeconds: number;
}

/**
 * The alerting module's metrics API. Counters are called where things happen; the gauges come
 * from `setSource`, read on scrape and cached for `cacheMs`, never per request.
 */
export interface AlertingMetrics {
  /** an alert was recorded (after silence, dedup and cooldown) */
  alertCreated(severity: string): void;
  /**
   * One delivery attempt finished, accepted by the receiver or not (`channel`: the configured
   * channel's name; at most MAX_CHANNEL_LABELS names, then `other`). `seconds`: the attempt's
   * wall time, until the receiver answered, failed or timed out.
   */
  deliveryAttempt(channel: string, ok: boolean, seconds?: number): void;
  /** a delivery was given up (retries exhausted, or its channel is not configured) */
  deliveryGivenUp(channel: string): void;
  /** the configured channels: their counters and latency histogram exist (at 0) from the start */
  declareChannels(names: readonly string[]): void;
  /** where the scrape-time gauges come from (the alerting store) */
  setSource(source: () => Promise<AlertingSnapshot>): void;
}

const SEVERITIES = ['INFO', 'WARNING', 'CRITICAL'];
const SEVERITY_LABELS = new Set(SEVERITIES.map((s) => s.toLowerCase()));

export function alertingMetrics(registry: Registry, options: { cacheMs?: number; clock?: () => number; onError?: (e: unknown) => void } = {}): AlertingMetrics {
  const registers = [registry];
  const cacheMs = options.cacheMs ?? 5_000;
  // wall time, not the app's clock (tests freeze that one)
  const clock = options.clock ?? (() => performance.now());
  let source: (() => Promise<AlertingSnapshot>) | undefined;
  let cached: { at: number; value: Promise<AlertingSnapshot | null> } | undefined;
  const snapshot = (): Promise<AlertingSnapshot | null> => {
    if (!source) return Promise.resolve(null);
    const now = clock();
    if (!cached || now - cached.at >= cacheMs) {
      cached = {
        at: now,
        value: source().catch((e: unknown) => {
          options.onError?.(e);
          cached = undefined; // try again on the next scrape
          return null;
        }),
      };
    }
    return cached.value;
  };

  new Gauge({
    name: 'driftwatch_incidents_open',
    help: 'Open and investigating incidents, by severity (info, warning, critical).',
    labelNames: ['severity'] as const,
    registers,
    async collect() {
      const s = await snapshot();
      this.reset();
      if (s) for (const sev of SEVERITIES) this.set({ severity: sev.toLowerCase() }, s.openIncidents[sev] ?? 0);
    },
  });
  new Gauge({
    name: 'driftwatch_alerts',
    help: 'Alerts in the store, by status.',
    labelNames: ['status'] as const,
    registers,
    async collect() {
      const s = await snapshot();
      this.reset();
      if (s) for (const [status, n] of Object.entries(s.alertsByStatus)) this.set({ status }, n);
    },
  });
  new Gauge({
    name: 'driftwatch_alert_outbox_pending',
    help: 'Deliveries waiting in the outbox.',
    registers,
    async collect() {
      const s = await snapshot();
      this.reset();
      this.set(s ? s.outboxPending : NaN); // unknown (the read failed), not a stale or made-up 0
    },
  });
  new Gauge({
    name: 'driftwatch_alert_outbox_oldest_pending_age_seconds',
    help: 'Age of the oldest delivery waiting in the outbox (0 when none).',
    registers,
    async collect() {
      const s = await snapshot();
      this.reset();
      this.set(s ? s.outboxOldestAgeSeconds : NaN); // unknown (the read failed), not a stale or made-up 0
    },
  });
  const created = new Counter({ name: 'driftwatch_alerts_created_total', help: 'Alerts recorded, by severity.', labelNames: ['severity'] as const, registers });
  const attempts = new Counter({ name: 'driftwatch_alert_delivery_attempts_total', help: 'Delivery attempts, by channel.', labelNames: ['channel'] as const, registers });
  const failures = new Counter({ name: 'driftwatch_alert_delivery_failures_total', help: 'Delivery attempts that failed, by channel.', labelNames: ['channel'] as const, registers });
  const givenUp = new Counter({ name: 'driftwatch_alert_deliveries_given_up_total', help: 'Deliveries given up (retries exhausted or channel unknown), by channel.', labelNames: ['channel'] as const, registers });
  const latency = new Histogram({
    name: 'driftwatch_alert_delivery_duration_seconds',
    help: 'Time of one delivery attempt (until the receiver answered, failed or timed out), by channel.',
    labelNames: ['channel'] as const,
    buckets: DELIVERY_DURATION_BUCKETS,
    registers,
  });
  for (const sev of SEVERITIES) created.inc({ severity: sev.toLowerCase() }, 0);
  const channels = new BoundedLabel(MAX_CHANNEL_LABELS);
  const known = new Set<string>();
  // a channel's series all exist from its first mention (a failure rate of 0 is a fact, not a gap)
  const channelLabel = (name: string): string => {
    const channel = channels.value('', name);
    if (!known.has(channel)) {
      known.add(channel);
      attempts.inc({ channel }, 0);
      failures.inc({ channel }, 0);
      givenUp.inc({ channel }, 0);
      latency.zero({ channel });
    }
    return channel;
  };

  return {
    alertCreated(severity) {
      created.inc({ severity: oneOf(SEVERITY_LABELS, severity.toLowerCase()) });
    },
    deliveryAttempt(channel, ok, seconds) {
      const c = channelLabel(channel);
      attempts.inc({ channel: c });
      if (!ok) failures.inc({ channel: c });
      if (seconds !== undefined) latency.observe({ channel: c }, seconds);
    },
    declareChannels(names) {
      for (const name of names) channelLabel(name);
    },
    deliveryGivenUp(channel) {
      givenUp.inc({ channel: channelLabel(channel) });
    },
    setSource(s) {
      source = s;
      cached = undefined;
    },
  };
}
