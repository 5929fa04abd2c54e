import { dirname, join } from 'node:path';
import type { DeliverySetup } from '../alerting/delivery/delivery-setup.js';
import type { MonitoringService } from '../analysis/monitoring-service.js';
import type { Config, ConfigExtensions } from '../config/config.js';
import { type ExportResult, exportEvidence } from '../evidence/export-bundle.js';
import type { Actor, AuditLog } from '../observability/audit.js';
import { LegalHolds } from '../scheduler/legal-hold.js';
import type { Store } from '../store/store.js';
import { type LifecycleSettings, parseLifecycleSettings } from './lifecycle-settings.js';
import { RegistryService } from './registry-service.js';
import { TriggerService } from './trigger-service.js';

/** Scheduled retraining triggers run as this job. */
export const RETRAIN_TRIGGER_JOB = 'retrain-triggers';

/** The model lifecycle as routes, the scheduler and the CLI reach it. */
export interface LifecycleServices {
  settings: LifecycleSettings;
  registry: RegistryService;
  triggers: TriggerService;
  holds: LegalHolds;
  /** where evidence bundles are written */
  evidenceDir: string;
  exportEvidence(incidentId: string, actor: Actor): Promise<ExportResult>;
}

/** `lifecycle.evidence.dir`, else `evidence/` beside the SQLite file (./data/evidence on PostgreSQL). */
export function evidenceDirOf(config: Config, settings: LifecycleSettings): string {
  if (settings.evidence.dir) return settings.evidence.dir;
  return config.store.database_url ? './data/evidence' : join(dirname(config.store.sqlite_path === ':memory:' ? './data/x' : config.store.sqlite_path), 'evidence');
}

/**
 * Build the lifecycle services from the `lifecycle:` config section. Retraining events go to
 * `lifecycle.event_channels`, else to every configured webhook channel, through the delivery
 * outbox (the bell wakes the worker). Throws ConfigError for a bad section.
 */
export function createLifecycle(
  store: Store,
  config: Config & { extensions: ConfigExtensions },
  deps: { monitoring: MonitoringService; audit: AuditLog; delivery: Pick<DeliverySetup, 'channels' | 'bell' | 'configuredNames'>; clock: () => number; log?: (level: 'info' | 'warn' | 'error', msg: string, extra?: Record<string, unknown>) => void },
): LifecycleServices {
  const settings = parseLifecycleSettings(config.extensions, deps.delivery.channels.names());
  const registry = new RegistryService(store, deps.monitoring, deps.audit, deps.clock);
  const eventChannels = () => settings.event_channels ?? deps.delivery.channels.views().filter((c) => c.type === 'webhook').map((c) => c.name);
  const triggers = new TriggerService(store, registry, deps.audit, { eventChannels, ring: () => deps.delivery.bell.ring(), clock: deps.clock, log: deps.log });
  const holds = new LegalHolds(store, settings.legal_hold.release_on);
  const evidenceDir = evidenceDirOf(config, settings);
  return {
    settings,
    registry,
    triggers,
    holds,
    evidenceDir,
    exportEvidence: (incidentId, actor) => exportEvidence(store, incidentId, { dir: evidenceDir, actor, audit: deps.audit, holds, clock: deps.clock }),
  };
}
