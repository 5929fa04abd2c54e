import { ConfigError, type ConfigExtensions } from '../../config/config.js';
import { CHANNEL_NAME, parseDuration } from '../alerting-config.js';
import type { RateLimit } from '../delivery/rate-limiter.js';
import { CHANNEL_TYPES, type ChannelType } from './channel.js';
import { type ChannelSpec, DEFAULT_RATE_LIMITS, DEFAULT_TIMEOUT_MS, ENV_CHANNELS, TYPE_KEYS } from './channel-spec.js';
import { PAGERDUTY_EVENTS_URL } from './pagerduty/pagerduty-event.js';

type Problems = { key: string; problem: string }[];
type Raw = Record<string, unknown>;
const isObj = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The `channels:` section as (name, settings) pairs: a mapping of name → settings, or a list of {name, …}. */
function sectionEntries(section: unknown, problems: Problems): [string, Raw][] {
  if (section === undefined || section === null) return [];
  if (Array.isArray(section)) {
    return section.flatMap((c, i): [string, Raw][] => {
      if (!isObj(c) || typeof c.name !== 'string') {
        problems.push({ key: `channels[${i}]`, problem: 'must be a mapping with a name' });
        return [];
      }
      const { name, ...rest } = c;
      return [[name, rest]];
    });
  }
  if (!isObj(section)) {
    problems.push({ key: 'channels', problem: 'must be a mapping of channel name to its settings' });
    return [];
  }
  return Object.entries(section).flatMap(([name, v]): [string, Raw][] => {
    if (!isObj(v)) {
      problems.push({ key: `channels.${name}`, problem: 'must be a mapping (type and settings)' });
      return [];
    }
    return [[name, { ...v }]];
  });
}

function httpUrl(v: unknown, schemes: RegExp): string | null {
  if (typeof v !== 'string') return null;
  try {
    const u = new URL(v);
    return schemes.test(u.protocol) ? v : null;
  } catch {
    return null;
  }
}

const emailList = (v: unknown): string[] | null => {
  const list = typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter(Boolean) : Array.isArray(v) ? v : null;
  return list && list.every((a) => typeof a === 'string' && /^[^\s@<>]+@[^\s@<>]+$|<[^\s@<>]+@[^\s@<>]+>$/.test(a)) ? (list as string[]) : null;
};

/**
 * Validate one channel's settings. `keyOf(field)` names the key in problems (with the env var
 * when the value came from one). Secrets are never echoed into a problem.
 */
function parseOne(name: string, raw: Raw, keyOf: (field: string) => string, problems: Problems): ChannelSpec | null {
  const before = problems.length;
  const type = raw.type as ChannelType;
  if (!CHANNEL_TYPES.includes(type)) {
    problems.push({ key: keyOf('type'), problem: `must be one of ${CHANNEL_TYPES.join(', ')}` });
    return null;
  }
  for (const k of Object.keys(raw)) {
    if (k !== 'type' && k !== 'timeout' && k !== 'rate_limit' && !TYPE_KEYS[type].includes(k)) problems.push({ key: keyOf(k), problem: `is not a setting of a ${type} channel` });
  }
  const req = (field: string, check: (v: unknown) => unknown, problem: string): unknown => {
    if (raw[field] === undefined || raw[field] === null || raw[field] === '') {
      problems.push({ key: keyOf(field), problem: 'is required' });
      return undefined;
    }
    const out = check(raw[field]);
    if (out === null || out === undefined) problems.push({ key: keyOf(field), problem });
    return out ?? undefined;
  };
  const timeout_ms = raw.timeout === undefined ? DEFAULT_TIMEOUT_MS : parseDuration(raw.timeout);
  if (Number.isNaN(timeout_ms) || timeout_ms < 100 || timeout_ms > 600_000) problems.push({ key: keyOf('timeout'), problem: 'must be a duration from 100ms to 10m' });
  let rate_limit: RateLimit | null = DEFAULT_RATE_LIMITS[type] ?? null;
  if (raw.rate_limit === false || raw.rate_limit === null) rate_limit = null;
  else if (raw.rate_limit !== undefined) {
    const r = raw.rate_limit;
    const ok = isObj(r) && typeof r.per_second === 'number' && r.per_second > 0 && r.per_second <= 10_000 && (r.burst === undefined || (Number.isInteger(r.burst) && (r.burst as number) >= 1));
    if (!ok) problems.push({ key: keyOf('rate_limit'), problem: 'must be {per_second: > 0, burst: integer >= 1} or false' });
    else rate_limit = { per_second: r.per_second as number, burst: (r.burst as number | undefined) ?? 1 };
  }
  const common = { name, timeout_ms, rate_limit };
  let spec: ChannelSpec | null = null;
  switch (type) {
    case 'slack':
      spec = { type, ...common, webhook_url: req('webhook_url', (v) => httpUrl(v, /^https?:$/), 'must be an http(s) URL') as string };
      break;
    case 'webhook': {
      const headers = raw.headers ?? {};
      if (!isObj(headers) || !Object.values(headers).every((h) => typeof h === 'string')) problems.push({ key: keyOf('headers'), problem: 'must be a mapping of header name to text' });
      if (raw.secret !== undefined && (typeof raw.secret !== 'string' || raw.secret.length < 8)) problems.push({ key: keyOf('secret'), problem: 'must be text of at least 8 characters' });
      spec = {
        type,
        ...common,
        url: req('url', (v) => httpUrl(v, /^https?:$/), 'must be an http(s) URL') as string,
        secret: typeof raw.secret === 'string' ? raw.secret : null,
        headers: isObj(headers) ? (headers as Record<string, string>) : {},
      };
      break;
    }
    case 'pagerduty': {
      const events_url = raw.events_url === undefined ? PAGERDUTY_EVENTS_URL : httpUrl(raw.events_url, /^https?:$/);
      if (events_url === null) problems.push({ key: keyOf('events_url'), problem: 'must be an http(s) URL' });
      const routing_key = req('routing_key', (v) => (typeof v === 'string' && /^\S{1,128}$/.test(v) ? v : null), 'must be the integration key (no spaces)') as string;
      spec = { type, ...common, routing_key, events_url: events_url ?? '' };
      break;
    }
    case 'email': {
      const cc = raw.cc === undefined ? [] : emailList(raw.cc);
      if (cc === null) problems.push({ key: keyOf('cc'), problem: 'must be a list of addresses' });
      spec = {
        type,
        ...common,
        smtp_url: req('smtp_url', (v) => httpUrl(v, /^smtps?:$/), 'must be an smtp:// or smtps:// URL') as string,
        from: req('from', (v) => (emailList(v)?.length === 1 ? v : null), 'must be one address') as string,
        to: (req('to', (v) => (emailList(v)?.length ? emailList(v) : null), 'must be a non-empty list of addresses') as string[]) ?? [],
        cc: cc ?? [],
      };
      break;
    }
    case 'file':
      spec = { type, name, path: req('path', (v) => (typeof v === 'string' ? v : null), 'must be a file path') as string };
      break;
    case 'console':
      spec = { type, name };
      break;
  }
  return problems.length > before ? null : spec;
}

/**
 * The channels of the config file's `channels:` section and of the environment (ENV_CHANNELS),
 * validated. Throws ConfigError naming every bad key (`channels.oncall.webhook_url`, or
 * `channels.slack.webhook_url (env DRIFTWATCH_SLACK_WEBHOOK_URL)`), never a secret's value.
 */
export function parseChannels(extensions: ConfigExtensions, env: NodeJS.ProcessEnv): ChannelSpec[] {
  const problems: Problems = [];
  const entries = new Map<string, { raw: Raw; envOf: Map<string, string> }>();
  for (const [name, raw] of sectionEntries(extensions.channels, problems)) {
    if (!CHANNEL_NAME.test(name)) problems.push({ key: `channels.${name}`, problem: 'a channel name is 1-64 letters, digits, _ . - (starting with a letter or digit)' });
    else if (entries.has(name)) problems.push({ key: `channels.${name}`, problem: 'is configured twice' });
    else entries.set(name, { raw, envOf: new Map() });
  }
  for (const def of ENV_CHANNELS) {
    const set = Object.entries(def.vars).filter(([v]) => env[v] !== undefined && env[v] !== '');
    if (set.length === 0) continue;
    const [firstVar] = Object.keys(def.vars);
    let entry = entries.get(def.name);
    if (!entry) {
      if (env[firstVar] === undefined || env[firstVar] === '') {
        problems.push({ key: `channels.${def.name} (env ${set.map(([v]) => v).join(', ')})`, problem: `needs ${firstVar} or a ${def.type} channel named "${def.name}" in the config file` });
        continue;
      }
      entry = { raw: { type: def.type }, envOf: new Map([['type', firstVar]]) };
      entries.set(def.name, entry);
    } else if (entry.raw.type !== def.type) {
      problems.push({ key: `channels.${def.name}.type`, problem: `is ${String(entry.raw.type)}, but ${set[0][0]} configures a ${def.type} channel of that name` });
      continue;
    }
    for (const [v, field] of set) {
      entry.raw[field] = env[v];
      entry.envOf.set(field, v);
    }
  }
  const specs: ChannelSpec[] = [];
  for (const [name, { raw, envOf }] of entries) {
    const keyOf = (field: string) => `channels.${name}.${field}${envOf.has(field) ? ` (env ${envOf.get(field)})` : ''}`;
    const spec = parseOne(name, raw, keyOf, problems);
    if (spec) specs.push(spec);
  }
  if (problems.length) throw new ConfigError(problems);
  return specs;
}
