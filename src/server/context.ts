import type { AlertingServices } from '../alerting/alerting-services.js';
import type { DeliverySetup } from '../alerting/delivery/delivery-setup.js';
import type { MonitoringService } from '../analysis/monitoring-service.js';
import type { Config, ConfigExtensions } from '../config/config.js';
import type { GroupCommitWriter } from '../ingest/group-commit.js';
import type { IngestService } from '../ingest/ingest-service.js';
import type { SecretScrubber } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { ReadinessChecks } from '../observability/readiness.js';
import type { LifecycleServices } from '../registry/lifecycle-services.js';
import type { ApiKeyRecord, ApiScope, Store } from '../store/store.js';
import type { KeyVerifier } from './auth/api-keys.js';

/** What routes can reach: domain services, never SQL. */
export interface AppContext {
  config: Config & { extensions: ConfigExtensions };
  store: Store;
  clock: () => number;
  writer: GroupCommitWriter;
  ingest: IngestService;
  keys: KeyVerifier;
  /** baselines and analyses (the monitoring loop) */
  monitoring: MonitoringService;
  /** rules, alerts, incidents, silences, the audit trail (src/alerting) */
  alerting: AlertingServices;
  /** the model registry, retraining triggers, legal holds and evidence export (src/registry, src/evidence) */
  lifecycle: LifecycleServices;
  /** delivery channels, the worker's settings and the outbox bell (src/alerting/delivery); the worker runs in startServer */
  delivery: DeliverySetup;
  /** Prometheus metrics (no-ops when `metrics.enabled` is false); alerting reports through `metrics.alerting` */
  metrics: Metrics;
  /** checks `/ready` runs besides the store (scheduler, delivery worker) */
  readiness: ReadinessChecks;
  /** secrets kept out of every log line; register runtime secrets (channel credentials) here */
  logSecrets: SecretScrubber;
}

declare module 'fastify' {
  interface FastifyInstance {
    ctx: AppContext;
  }
  interface FastifyRequest {
    apiKey?: ApiKeyRecord;
  }
  interface FastifyContextConfig {
    /** scope a route needs; GET routes default to `read`, others to `admin` */
    scope?: ApiScope | 'public';
  }
}
