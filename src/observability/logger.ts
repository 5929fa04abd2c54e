import type { Config, ConfigExtensions } from '../config/config.js';

/** Fields whose values are replaced with `[redacted]`, at the top level and one level down. */
const SECRET_FIELDS: ReadonlySet<string> = new Set(['authorization', 'token', 'api_key', 'secret', 'password', 'pass', 'webhook_url', 'routing_key', 'integration_key']);
/** Fields of objects one level down (`<any>.<object>.<field>`) that are secrets too. */
const NESTED_SECRETS: Readonly<Record<string, ReadonlySet<string>>> = {
  headers: new Set(['authorization', 'cookie', 'x-api-key']),
  auth: new Set(['pass']),
  smtp: new Set(['password']),
};
const CENSOR = '[redacted]';

const isObjectValue = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A shallow copy of an object (an Error keeps its message, name and stack). */
function copyOf(o: Record<string, unknown>): Record<string, unknown> {
  if (o instanceof Error) return Object.assign(Object.create(Object.getPrototypeOf(o) as object) as Record<string, unknown>, o, { message: o.message, name: o.name, stack: o.stack });
  return { ...o };
}

/** `o` with the keys in `secret` replaced, and objects under NESTED_SECRETS keys handled alike (depth levels). */
function censor(o: Record<string, unknown>, secret: ReadonlySet<string>, depth: number): Record<string, unknown> {
  let out = o;
  for (const k of Object.keys(o)) {
    const v = o[k];
    let r: unknown = v;
    if (secret.has(k)) r = v === undefined ? v : CENSOR;
    else if (depth > 0 && isObjectValue(v)) r = censor(v, depth === 2 ? SECRET_FIELDS : (NESTED_SECRETS[k] ?? EMPTY), depth - 1);
    if (r !== v) {
      if (out === o) out = copyOf(o);
      out[k] = r;
    }
  }
  return out;
}
const EMPTY: ReadonlySet<string> = new Set();

/**
 * pino's `formatters.log`: secret fields of a log call's object replaced with `[redacted]` —
 * `authorization`, `token`, `api_key`, `secret`, `password`, `pass`, `webhook_url`,
 * `routing_key`, `integration_key` at the top level and one level down, and a level further
 * `headers.authorization|cookie|x-api-key`, `auth.pass` and `smtp.password`. The caller's
 * objects are not changed (copied where something is replaced). Values deeper down, or inside
 * messages, are caught by the SecretScrubber. (pino's own `redact` costs 8 µs a line and 4 KB a
 * request for the request logger's bindings alone: bench/ingest.)
 */
export function redactFields(obj: Record<string, unknown>): Record<string, unknown> {
  return censor(obj, SECRET_FIELDS, 2);
}

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
 * redaction (redactFields) and the scrubber. `overrides` (tests: level, stream) go on top.
 */
export function loggerOptions(config: Config, scrubber: SecretScrubber, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    level: config.log.level,
    timestamp: () => `,"time":"${new Date().toISOString()}"`,
    formatters: { level: (label: string) => ({ level: label }), log: redactFields },
    hooks: { streamWrite: (line: string) => scrubber.scrub(line) },
    ...overrides,
  };
}
