import { ConfigError, type ConfigExtensions } from '../config/config.js';
import { HOUR_MS } from '../domain/time.js';
import { cronProblem } from '../scheduler/scheduler.js';

/**
 * The `alerting:` section of the config file:
 *
 * ```yaml
 * alerting:
 *   dedup_window: 6h          # same model, metric and severity: one alert per window
 *   reopen_window: 6h         # a breach this soon after resolution reopens the incident
 *   auto_resolve_after: 3     # analyses with every condition clear before an incident resolves itself
 *   self_monitoring_cron: '*\/5 * * * *'
 *   default_channels: [slack, email]   # for rules that name none; default: every configured channel
 * ```
 */
export interface AlertingConfig {
  dedup_window_ms: number;
  reopen_window_ms: number;
  auto_resolve_after: number;
  self_monitoring_cron: string;
  /** channels of rules (and external alerts) that name none */
  default_channels: string[];
}

export const DEFAULT_ALERTING: AlertingConfig = {
  dedup_window_ms: 6 * HOUR_MS,
  reopen_window_ms: 6 * HOUR_MS,
  auto_resolve_after: 3,
  self_monitoring_cron: '*/5 * * * *',
  default_channels: ['console'],
};

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: HOUR_MS, d: 24 * HOUR_MS };

/** `90s`, `30m`, `6h`, `1d` or a number of milliseconds → ms (NaN when not a duration). */
export function parseDuration(v: unknown): number {
  if (typeof v === 'number') return Number.isInteger(v) && v >= 0 ? v : NaN;
  if (typeof v !== 'string') return NaN;
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)$/.exec(v.trim());
  return m ? Math.round(Number(m[1]) * UNITS[m[2]]) : NaN;
}

/** A channel name as configured and named by rules. */
export const CHANNEL_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** Names of the channels the `channels:` section configures (a mapping of name → settings, or a list of {name}). */
export function configuredChannels(extensions: ConfigExtensions): string[] {
  const section = extensions.channels;
  if (Array.isArray(section)) return section.map((c) => (c && typeof c === 'object' ? (c as { name?: unknown }).name : c)).filter((n): n is string => typeof n === 'string');
  if (section && typeof section === 'object') return Object.keys(section);
  return [];
}

/**
 * Read and check the `alerting:` section; throws ConfigError naming every bad key. `channels`:
 * the configured channel names (the delivery setup's, environment-only channels included);
 * the `channels:` section's names when not given.
 */
export function parseAlertingConfig(extensions: ConfigExtensions, channels: readonly string[] = configuredChannels(extensions)): AlertingConfig {
  const raw = extensions.alerting ?? {};
  const problems: { key: string; problem: string }[] = [];
  const out: AlertingConfig = { ...DEFAULT_ALERTING, default_channels: channels.length ? [...channels] : DEFAULT_ALERTING.default_channels };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ConfigError([{ key: 'alerting', problem: 'must be a mapping' }]);
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
    const key = `alerting.${k}`;
    if (k === 'dedup_window' || k === 'reopen_window') {
      const ms = parseDuration(v);
      if (Number.isNaN(ms)) problems.push({ key, problem: 'must be a duration such as 6h, 30m or 90s' });
      else out[k === 'dedup_window' ? 'dedup_window_ms' : 'reopen_window_ms'] = ms;
    } else if (k === 'auto_resolve_after') {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 1000) problems.push({ key, problem: 'must be an integer from 1 to 1000' });
      else out.auto_resolve_after = v;
    } else if (k === 'self_monitoring_cron') {
      const problem = typeof v === 'string' ? cronProblem(v) : 'must be a cron expression';
      if (problem) problems.push({ key, problem });
      else out.self_monitoring_cron = v as string;
    } else if (k === 'default_channels') {
      if (!Array.isArray(v) || v.length === 0 || !v.every((c) => typeof c === 'string' && CHANNEL_NAME.test(c))) problems.push({ key, problem: 'must be a non-empty list of channel names' });
      else out.default_channels = v as string[];
    } else problems.push({ key, problem: 'is not a known setting' });
  }
  if (problems.length) throw new ConfigError(problems);
  return out;
}
