import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';

/** Everything driftwatch can be configured with. Env vars override the config file. */
export interface Config {
  server: {
    host: string;
    port: number;
    /** largest JSON body (bytes) */
    body_limit_bytes: number;
    /** largest NDJSON/CSV upload (bytes) */
    bulk_limit_bytes: number;
    /** base URL of the dashboard, used in alert links */
    public_url: string;
    /** grace period for in-flight work on SIGTERM (ms) */
    shutdown_timeout_ms: number;
  };
  store: {
    /** postgres://… selects PostgreSQL */
    database_url?: string;
    pg_schema?: string;
    /** PostgreSQL connections in this instance's main pool (the delivery worker has 4 more) */
    pg_pool_size: number;
    sqlite_path: string;
    sqlite_synchronous: 'full' | 'normal';
  };
  log: { level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent' };
  metrics: { enabled: boolean; token?: string };
  scheduler: {
    enabled: boolean;
    retention_cron: string;
    /** when small prediction blocks are compacted (cron, UTC; each run stops after 50 s) */
    compaction_cron: string;
    /** PostgreSQL (several instances): how long an instance holds a scheduled tick without renewing it; a dead holder's tick is taken over after this (ms) */
    lease_ms: number;
    /** how often the registered models are read again to pick up new models and schedule changes (ms) */
    models_refresh_ms: number;
  };
}

export const DEFAULT_CONFIG: Config = {
  server: {
    host: '127.0.0.1',
    port: 8080,
    body_limit_bytes: 16 * 1024 * 1024,
    bulk_limit_bytes: 1024 * 1024 * 1024,
    public_url: 'http://127.0.0.1:8080',
    shutdown_timeout_ms: 10_000,
  },
  store: { sqlite_path: './data/driftwatch.db', sqlite_synchronous: 'full', pg_pool_size: 10 },
  log: { level: 'info' },
  metrics: { enabled: true },
  scheduler: { enabled: true, retention_cron: '17 3 * * *', compaction_cron: '* * * * *', lease_ms: 15_000, models_refresh_ms: 60_000 },
};

/** A configuration problem, naming the key. */
export class ConfigError extends Error {
  constructor(readonly problems: { key: string; problem: string }[]) {
    super(`invalid configuration:\n${problems.map((p) => `  ${p.key}: ${p.problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** env var → config key */
const ENV: Record<string, string> = {
  // generic names first, so the DRIFTWATCH_ ones win when both are set
  HOST: 'server.host',
  PORT: 'server.port',
  LOG_LEVEL: 'log.level',
  DRIFTWATCH_HOST: 'server.host',
  DRIFTWATCH_PORT: 'server.port',
  DRIFTWATCH_PUBLIC_URL: 'server.public_url',
  DRIFTWATCH_BODY_LIMIT_BYTES: 'server.body_limit_bytes',
  DRIFTWATCH_BULK_LIMIT_BYTES: 'server.bulk_limit_bytes',
  DATABASE_URL: 'store.database_url',
  DRIFTWATCH_PG_SCHEMA: 'store.pg_schema',
  DRIFTWATCH_PG_POOL_SIZE: 'store.pg_pool_size',
  DRIFTWATCH_DB: 'store.sqlite_path',
  DRIFTWATCH_SQLITE_SYNCHRONOUS: 'store.sqlite_synchronous',
  DRIFTWATCH_LOG_LEVEL: 'log.level',
  DRIFTWATCH_METRICS: 'metrics.enabled',
  DRIFTWATCH_METRICS_TOKEN: 'metrics.token',
  DRIFTWATCH_SCHEDULER: 'scheduler.enabled',
  DRIFTWATCH_COMPACTION_CRON: 'scheduler.compaction_cron',
  DRIFTWATCH_LEASE_MS: 'scheduler.lease_ms',
  DRIFTWATCH_MODELS_REFRESH_MS: 'scheduler.models_refresh_ms',
};

type Spec = { type: 'string' | 'int' | 'bool'; min?: number; max?: number; oneOf?: readonly string[]; optional?: boolean; pattern?: RegExp };
const SPEC: Record<string, Spec> = {
  'server.host': { type: 'string' },
  'server.port': { type: 'int', min: 0, max: 65535 },
  'server.body_limit_bytes': { type: 'int', min: 1024, max: 2 ** 31 },
  'server.bulk_limit_bytes': { type: 'int', min: 1024, max: 2 ** 40 },
  'server.public_url': { type: 'string', pattern: /^https?:\/\/\S+$/ },
  'server.shutdown_timeout_ms': { type: 'int', min: 0, max: 600_000 },
  'store.database_url': { type: 'string', optional: true, pattern: /^postgres(ql)?:\/\/\S+$/ },
  'store.pg_schema': { type: 'string', optional: true, pattern: /^[a-z_][a-z0-9_]{0,62}$/ },
  'store.pg_pool_size': { type: 'int', min: 2, max: 1000 },
  'store.sqlite_path': { type: 'string' },
  'store.sqlite_synchronous': { type: 'string', oneOf: ['full', 'normal'] },
  'log.level': { type: 'string', oneOf: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] },
  'metrics.enabled': { type: 'bool' },
  'metrics.token': { type: 'string', optional: true },
  'scheduler.enabled': { type: 'bool' },
  'scheduler.retention_cron': { type: 'string' },
  'scheduler.compaction_cron': { type: 'string' },
  'scheduler.lease_ms': { type: 'int', min: 1000, max: 3_600_000 },
  'scheduler.models_refresh_ms': { type: 'int', min: 500, max: 86_400_000 },
};

function coerce(key: string, v: unknown, fromEnv: boolean, problems: { key: string; problem: string }[]): unknown {
  const s = SPEC[key];
  if (v === undefined || v === null || v === '') {
    if (s.optional) return undefined;
    problems.push({ key, problem: 'is required' });
    return undefined;
  }
  if (s.type === 'int') {
    const n = typeof v === 'string' && fromEnv ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isInteger(n) || (s.min !== undefined && n < s.min) || (s.max !== undefined && n > s.max)) {
      problems.push({ key, problem: `must be an integer from ${s.min} to ${s.max}` });
      return undefined;
    }
    return n;
  }
  if (s.type === 'bool') {
    if (typeof v === 'boolean') return v;
    if (fromEnv && typeof v === 'string' && /^(true|false|1|0|yes|no|on|off)$/i.test(v)) return /^(true|1|yes|on)$/i.test(v);
    problems.push({ key, problem: 'must be true or false' });
    return undefined;
  }
  if (typeof v !== 'string') {
    problems.push({ key, problem: 'must be a string' });
    return undefined;
  }
  if (s.oneOf && !s.oneOf.includes(v)) problems.push({ key, problem: `must be one of ${s.oneOf.join(', ')}` });
  else if (s.pattern && !s.pattern.test(v)) problems.push({ key, problem: `is not valid (expected ${s.pattern.source})` });
  return v;
}

/** Extra, section-level config owned by other modules (channels, rules…), validated by them. */
export type ConfigExtensions = Record<string, unknown>;

/**
 * Build the configuration from defaults, an optional YAML/JSON file and the environment.
 * Throws ConfigError listing every problem with its key.
 */
export function loadConfig(options: { file?: string; env?: NodeJS.ProcessEnv } = {}): Config & { extensions: ConfigExtensions } {
  const env = options.env ?? process.env;
  const problems: { key: string; problem: string }[] = [];
  let file: Record<string, unknown> = {};
  const path = options.file ?? env.DRIFTWATCH_CONFIG;
  if (path) {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      throw new ConfigError([{ key: 'config file', problem: `cannot read ${path}: ${(e as Error).message}` }]);
    }
    try {
      const parsed: unknown = path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
      if (parsed !== null && parsed !== undefined && (typeof parsed !== 'object' || Array.isArray(parsed))) throw new Error('the top level must be a mapping');
      file = (parsed ?? {}) as Record<string, unknown>;
    } catch (e) {
      throw new ConfigError([{ key: 'config file', problem: `${path} is not valid ${path.endsWith('.json') ? 'JSON' : 'YAML'}: ${(e as Error).message}` }]);
    }
  }
  const config = structuredClone(DEFAULT_CONFIG) as Config & { extensions: ConfigExtensions };
  config.extensions = {};
  const known = new Set(Object.keys(DEFAULT_CONFIG));
  for (const [section, value] of Object.entries(file)) {
    if (!known.has(section)) {
      config.extensions[section] = value;
      continue;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      problems.push({ key: section, problem: 'must be a mapping' });
      continue;
    }
    for (const [k, v] of Object.entries(value)) {
      const key = `${section}.${k}`;
      if (!(key in SPEC)) {
        problems.push({ key, problem: 'is not a known setting' });
        continue;
      }
      const c = coerce(key, v, false, problems);
      if (c !== undefined) (config as unknown as Record<string, Record<string, unknown>>)[section][k] = c;
    }
  }
  for (const [name, key] of Object.entries(ENV)) {
    if (env[name] === undefined || env[name] === '') continue;
    const c = coerce(key, env[name], true, problems);
    if (problems.length && problems[problems.length - 1].key === key) problems[problems.length - 1].key = `${key} (env ${name})`;
    const [section, k] = key.split('.');
    if (c !== undefined) (config as unknown as Record<string, Record<string, unknown>>)[section][k] = c;
  }
  if (problems.length) throw new ConfigError(problems);
  return config;
}
