import type { Config, ConfigExtensions } from '../config/config.js';

/**
 * Paths pino replaces with `[redacted]` (headers, tokens, passwords, webhook URLs and secrets,
 * SMTP and PagerDuty credentials), at the top level and one level down. Values deeper down, or
 * inside messages, are caught by the SecretScrubber.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  ...['authorization', 'token', 'api_key', 'secret', 'password', 'pass', 'webhook_url', 'routing_key', 'integration_key', 'headers.authorization'].flatMap((k) => [k, `*.${k}`]),
  '*.auth.pass',
  '*.smtp.password',
];

const API_KEY = /\b(dw_[A-Za-z0-9]{12}_)[A-Za-z0-9_-]{43}\b/g;
const BEARER = /(Bearer[ \t]+)[^\s"\\]+/gi;
/** config keys whose string values are secrets (channel URLs carry tokens, e.g. Slack webhooks) */
const SECRET_KEY = /secret|password|^pass$|token|webhook|url$|routing_key|integration_key|api[-_]?key|authorization|signing|^headers$/i;
/** environment variables holding secrets (channel URLs and keys, the database URL with its password) */
const SECRET_ENV = /SECRET|PASSWORD|TOKEN|WEBHOOK_URL|SMTP_URL|ROUTING_KEY|API_KEY|DATABASE_URL/;

/**
 * Last line of defence before a log line is written: API keys (the secret part), bearer
 * tokens and every registered secret (configured webhook URLs and secrets, SMTP passwords,
 * the metrics token) are replaced, wherever they are in the line.
 */
export class SecretScrubber {
  private readonly secrets = new Set<string>();

  /** Register a secret (strings shorter than 6 characters are ignored: they would mangle lines). */
  add(secret: string): void {
    if (secret.length < 6) return;
    this.secrets.add(secret);
    const escaped = JSON.stringify(secret).slice(1, -1); // as it appears inside JSON text
    if (escaped !== secret) this.secrets.add(escaped);
  }

  scrub(line: string): string {
    let out = line.replace(API_KEY, '$1[redacted]').replace(BEARER, '$1[redacted]');
    for (const s of this.secrets) if (out.includes(s)) out = out.replaceAll(s, '[redacted]');
    return out;
  }
}

/** String values under secret-looking keys, anywhere in a config section. */
export function secretsIn(value: unknown, underSecretKey = false, out: string[] = []): string[] {
  if (typeof value === 'string') {
    if (underSecretKey) out.push(value);
  } else if (Array.isArray(value)) {
    for (const v of value) secretsIn(v, underSecretKey, out);
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) secretsIn(v, underSecretKey || SECRET_KEY.test(k), out);
  }
  return out;
}

/**
 * A scrubber knowing the configuration's secrets: the metrics token, the database URL, secrets
 * of extension sections (channels in the config file) and of the environment (channels from
 * env vars such as DRIFTWATCH_SLACK_WEBHOOK_URL).
 */
export function scrubberFor(config: Config & { extensions: ConfigExtensions }, env: NodeJS.ProcessEnv = {}): SecretScrubber {
  const scrubber = new SecretScrubber();
  if (config.metrics.token) scrubber.add(config.metrics.token);
  if (config.store.database_url) scrubber.add(config.store.database_url);
  for (const s of secretsIn(config.extensions)) scrubber.add(s);
  for (const [name, value] of Object.entries(env)) if (value && SECRET_ENV.test(name)) scrubber.add(value);
  return scrubber;
}

/**
 * pino options for the app: JSON lines with an ISO-8601 `time`, `level` as a word, `msg`, the
 * request id as `request_id` (Fastify's `requestIdLogLabel`), the level from config (LOG_LEVEL),
 * redaction and the scrubber. `overrides` (tests: level, stream) go on top.
 */
export function loggerOptions(config: Config, scrubber: SecretScrubber, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    level: config.log.level,
    timestamp: () => `,"time":"${new Date().toISOString()}"`,
    formatters: { level: (label: string) => ({ level: label }) },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    hooks: { streamWrite: (line: string) => scrubber.scrub(line) },
    ...overrides,
  };
}
