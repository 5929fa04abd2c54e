import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../config/config.js';
import { DEFAULT_WORKER, parseWorkerSettings } from './delivery-config.js';

describe('parseWorkerSettings', () => {
  it('defaults without a section; durations and retry settings when given', () => {
    expect(parseWorkerSettings({})).toEqual(DEFAULT_WORKER);
    const s = parseWorkerSettings({ delivery: { enabled: false, poll_interval: '250ms', lease: '30s', concurrency: 4, max_rate_wait: '2s', retry: { base: '500ms', max: '1m', max_attempts: 7, give_up_after: '2h', max_retry_after: '10m' } } });
    expect(s).toEqual({
      enabled: false,
      poll_interval_ms: 250,
      lease_ms: 30_000,
      concurrency: 4,
      max_rate_wait_ms: 2000,
      retry: { base_ms: 500, max_ms: 60_000, max_attempts: 7, give_up_after_ms: 7_200_000, max_retry_after_ms: 600_000 },
    });
  });

  it('names every bad key', () => {
    try {
      parseWorkerSettings({ delivery: { lease: 'x', concurrency: 0, speed: 1, retry: { base: '2m', max: '1m', max_attempts: 1.5, jitter: true } } });
      throw new Error('no error');
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as ConfigError).problems.map((p) => p.key).sort()).toEqual(
        ['delivery.concurrency', 'delivery.lease', 'delivery.retry.base', 'delivery.retry.jitter', 'delivery.retry.max_attempts', 'delivery.speed'].sort(),
      );
    }
  });
});
