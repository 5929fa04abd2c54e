import type { ConfigExtensions } from '../config/config.js';
import { AuditLog } from '../observability/audit.js';
import type { Store } from '../store/store.js';
import { parseAlertingConfig, type AlertingConfig } from './alerting-config.js';
import { type AlertingLog, AlertingService } from './alerting-service.js';
import { IncidentService } from './incident-service.js';
import { RuleService } from './rule-service.js';
import { SilenceService } from './silence-service.js';

/** Everything alerting offers the routes and the scheduler. */
export interface AlertingServices {
  config: AlertingConfig;
  /** evaluation of records and self-monitoring, external alerts */
  service: AlertingService;
  rules: RuleService;
  incidents: IncidentService;
  silences: SilenceService;
  audit: AuditLog;
}

/**
 * Build the alerting services from the config's `alerting:` (and `channels:`) sections, and
 * store the built-in rules a fresh store lacks. Throws ConfigError for a bad section.
 * `channelNames`: the configured channels (file and environment, from the delivery setup).
 */
export async function createAlerting(store: Store, extensions: ConfigExtensions, clock: () => number, log?: AlertingLog, channelNames?: readonly string[]): Promise<AlertingServices> {
  const config = parseAlertingConfig(extensions, channelNames);
  const audit = new AuditLog(store, clock);
  const service = new AlertingService(store, config, clock, log);
  await service.init();
  return {
    config,
    service,
    rules: new RuleService(store, audit, clock),
    incidents: new IncidentService(store, audit, clock),
    silences: new SilenceService(store, audit, clock),
    audit,
  };
}
