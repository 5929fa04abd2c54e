import type { ConfigExtensions } from '../../config/config.js';
import { parseChannels } from '../channels/channel-config.js';
import { ChannelRegistry } from '../channels/channel-registry.js';
import type { ChannelSpec } from '../channels/channel-spec.js';
import type { ConsoleSink } from '../channels/console/console-channel.js';
import { urlSecrets } from '../channels/secrets.js';
import { parseWorkerSettings, type WorkerSettings } from './delivery-config.js';
import { OutboxBell } from './outbox-bell.js';

/** Everything delivery needs, built once from the configuration (the worker is started by the server). */
export interface DeliverySetup {
  settings: WorkerSettings;
  channels: ChannelRegistry;
  /** channels the config file and the environment name (not the built-in console): the default channels of rules */
  configuredNames: string[];
  /** every secret of the channels (URLs and their paths, keys, passwords, header values): for the log scrubber */
  secrets: string[];
  /** rung when outbox rows are committed; the worker listens */
  bell: OutboxBell;
}

/** The secrets of one channel. */
export function channelSecrets(spec: ChannelSpec): string[] {
  switch (spec.type) {
    case 'slack':
      return urlSecrets(spec.webhook_url);
    case 'webhook':
      return [...urlSecrets(spec.url), ...(spec.secret ? [spec.secret] : []), ...Object.values(spec.headers)];
    case 'pagerduty':
      return [spec.routing_key];
    case 'email':
      return urlSecrets(spec.smtp_url).filter((s) => s !== '/');
    default:
      return [];
  }
}

/**
 * Read the `channels:` and `delivery:` sections and the channel env vars, and build the channels.
 * Throws ConfigError naming every bad key.
 */
export function createDeliverySetup(extensions: ConfigExtensions, env: NodeJS.ProcessEnv, sink: ConsoleSink): DeliverySetup {
  const specs = parseChannels(extensions, env);
  const settings = parseWorkerSettings(extensions);
  return {
    settings,
    channels: ChannelRegistry.fromSpecs(specs, sink),
    configuredNames: specs.map((s) => s.name),
    secrets: [...new Set(specs.flatMap(channelSecrets))],
    bell: new OutboxBell(),
  };
}
