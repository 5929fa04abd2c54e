import { ConfigError, type ConfigExtensions } from '../../config/config.js';
import { parseDuration } from '../alerting-config.js';
import { DEFAULT_RETRY, type RetryPolicy } from './retry-policy.js';

/**
 * The `delivery:` section of the config file (the worker; channels are in `channels:`):
 *
 * ```yaml
 * delivery:
 *   enabled: true         # false: this instance records alerts but another one sends them (PostgreSQL)
 *   poll_interval: 1s     # how often the outbox is looked at when nothing woke the worker
 *   lease: 2m             # a claimed delivery is another worker's after this (a crashed sender)
 *   concurrency: 8        # sends in flight at once
 *   max_rate_wait: 5s     # a rate-limited send waits this long in memory, longer ones go back to the outbox
 *   retry: { base: 1s, max: 5m, max_attempts: 1000, give_up_after: 24h, max_retry_after: 1h }
 * ```
 */
export interface WorkerSettings {
  /** run a delivery worker in this process */
  enabled: boolean;
  poll_interval_ms: number;
  lease_ms: number;
  concurrency: number;
  max_rate_wait_ms: number;
  retry: RetryPolicy;
}

export const DEFAULT_WORKER: WorkerSettings = {
  enabled: true,
  poll_interval_ms: 1000,
  lease_ms: 120_000,
  concurrency: 8,
  max_rate_wait_ms: 5000,
  retry: DEFAULT_RETRY,
};

const DURATIONS: Record<string, [keyof WorkerSettings, number, number]> = {
  poll_interval: ['poll_interval_ms', 10, 600_000],
  lease: ['lease_ms', 1000, 86_400_000],
  max_rate_wait: ['max_rate_wait_ms', 0, 600_000],
};
const RETRY_DURATIONS: Record<string, [keyof RetryPolicy, number, number]> = {
  base: ['base_ms', 1, 3_600_000],
  max: ['max_ms', 1, 86_400_000],
  give_up_after: ['give_up_after_ms', 1000, 30 * 86_400_000],
  max_retry_after: ['max_retry_after_ms', 0, 86_400_000],
};

/** Read and check the `delivery:` section; throws ConfigError naming every bad key. */
export function parseWorkerSettings(extensions: ConfigExtensions): WorkerSettings {
  const raw = extensions.delivery ?? {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ConfigError([{ key: 'delivery', problem: 'must be a mapping' }]);
  const problems: { key: string; problem: string }[] = [];
  const out: WorkerSettings = { ...DEFAULT_WORKER, retry: { ...DEFAULT_RETRY } };
  const duration = (key: string, v: unknown, min: number, max: number): number | null => {
    const ms = parseDuration(v);
    if (Number.isNaN(ms) || ms < min || ms > max) {
      problems.push({ key, problem: `must be a duration (such as 500ms, 30s, 5m) from ${min} ms to ${max} ms` });
      return null;
    }
    return ms;
  };
  const integer = (key: string, v: unknown, min: number, max: number): number | null => {
    if (typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max) return v;
    problems.push({ key, problem: `must be an integer from ${min} to ${max}` });
    return null;
  };
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
    const key = `delivery.${k}`;
    if (k in DURATIONS) {
      const [field, min, max] = DURATIONS[k];
      const ms = duration(key, v, min, max);
      if (ms !== null) (out[field] as number) = ms;
    } else if (k === 'enabled') {
      if (typeof v === 'boolean') out.enabled = v;
      else problems.push({ key, problem: 'must be true or false' });
    } else if (k === 'concurrency') {
      out.concurrency = integer(key, v, 1, 256) ?? out.concurrency;
    } else if (k === 'retry') {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) {
        problems.push({ key, problem: 'must be a mapping' });
        continue;
      }
      for (const [rk, rv] of Object.entries(v as Record<string, unknown>)) {
        const rkey = `${key}.${rk}`;
        if (rk in RETRY_DURATIONS) {
          const [field, min, max] = RETRY_DURATIONS[rk];
          const ms = duration(rkey, rv, min, max);
          if (ms !== null) out.retry[field] = ms;
        } else if (rk === 'max_attempts') out.retry.max_attempts = integer(rkey, rv, 1, 10_000) ?? out.retry.max_attempts;
        else problems.push({ key: rkey, problem: 'is not a known setting' });
      }
    } else problems.push({ key, problem: 'is not a known setting' });
  }
  if (out.retry.base_ms > out.retry.max_ms) problems.push({ key: 'delivery.retry.base', problem: 'must not be larger than delivery.retry.max' });
  if (problems.length) throw new ConfigError(problems);
  return out;
}
