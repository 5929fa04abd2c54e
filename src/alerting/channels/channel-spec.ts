import type { EmailSettings } from './email/email-channel.js';
import type { FileSettings } from './file/file-channel.js';
import type { PagerDutySettings } from './pagerduty/pagerduty-channel.js';
import type { SlackSettings } from './slack/slack-channel.js';
import type { WebhookSettings } from './webhook/webhook-channel.js';

/** A validated channel from the `channels:` section and the environment: what createChannels builds. */
export type ChannelSpec =
  | ({ type: 'slack' } & SlackSettings)
  | ({ type: 'email' } & EmailSettings)
  | ({ type: 'webhook' } & WebhookSettings)
  | ({ type: 'pagerduty' } & PagerDutySettings)
  | ({ type: 'file' } & FileSettings)
  | { type: 'console'; name: string };

/**
 * Channels configured through the environment alone: each env var fills one setting of the
 * channel with the given name, creating it (when its first variable is set) or overriding the
 * config file's (env wins, as everywhere in driftwatch).
 */
export const ENV_CHANNELS: readonly { name: string; type: ChannelSpec['type']; vars: Readonly<Record<string, string>> }[] = [
  { name: 'slack', type: 'slack', vars: { DRIFTWATCH_SLACK_WEBHOOK_URL: 'webhook_url' } },
  { name: 'email', type: 'email', vars: { DRIFTWATCH_SMTP_URL: 'smtp_url', DRIFTWATCH_EMAIL_FROM: 'from', DRIFTWATCH_EMAIL_TO: 'to' } },
  { name: 'webhook', type: 'webhook', vars: { DRIFTWATCH_WEBHOOK_URL: 'url', DRIFTWATCH_WEBHOOK_SECRET: 'secret' } },
  { name: 'pagerduty', type: 'pagerduty', vars: { DRIFTWATCH_PAGERDUTY_ROUTING_KEY: 'routing_key', DRIFTWATCH_PAGERDUTY_EVENTS_URL: 'events_url' } },
  { name: 'file', type: 'file', vars: { DRIFTWATCH_ALERT_FILE: 'path' } },
];

/** Settings every type takes, and their defaults per type. */
export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_RATE_LIMITS: Partial<Record<ChannelSpec['type'], { per_second: number; burst: number }>> = {
  // Slack: about one message per second per incoming webhook
  slack: { per_second: 1, burst: 1 },
  // PagerDuty Events API: about 120 events a minute per routing key
  pagerduty: { per_second: 2, burst: 20 },
};

/** The settings each type knows, besides `type`, `timeout` and `rate_limit`. */
export const TYPE_KEYS: Record<ChannelSpec['type'], readonly string[]> = {
  slack: ['webhook_url'],
  email: ['smtp_url', 'from', 'to', 'cc'],
  webhook: ['url', 'secret', 'headers'],
  pagerduty: ['routing_key', 'events_url'],
  file: ['path'],
  console: [],
};
