import { describe, expect, it } from 'vitest';
import { ConfigError } from '../config/config.js';
import { DEFAULT_ALERTING, configuredChannels, parseAlertingConfig, parseDuration } from './alerting-config.js';

describe('alerting config', () => {
  it('parses durations', () => {
    expect([parseDuration('6h'), parseDuration('30m'), parseDuration('90s'), parseDuration('1.5d'), parseDuration(250), parseDuration('250ms')]).toEqual([21_600_000, 1_800_000, 90_000, 129_600_000, 250, 250]);
    expect([parseDuration('soon'), parseDuration(-1), parseDuration('6 hours'), parseDuration(null)].every(Number.isNaN)).toBe(true);
  });

  it('defaults, and the configured channels as default channels', () => {
    expect(parseAlertingConfig({})).toEqual(DEFAULT_ALERTING);
    expect(parseAlertingConfig({ channels: { slack: {}, email: {} } }).default_channels).toEqual(['slack', 'email']);
    expect(configuredChannels({ channels: [{ name: 'ops-hook' }, 'x', 3] })).toEqual(['ops-hook', 'x']);
  });

  it('reads every setting and names every bad key', () => {
    const c = parseAlertingConfig({ alerting: { dedup_window: '2h', reopen_window: 60_000, auto_resolve_after: 5, self_monitoring_cron: '*/10 * * * *', default_channels: ['pagerduty'] } });
    expect(c).toEqual({ dedup_window_ms: 7_200_000, reopen_window_ms: 60_000, auto_resolve_after: 5, self_monitoring_cron: '*/10 * * * *', default_channels: ['pagerduty'] });
    try {
      parseAlertingConfig({ alerting: { dedup_window: 'x', auto_resolve_after: 0, self_monitoring_cron: 'nope', default_channels: [], surprise: 1 } });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as ConfigError).problems.map((p) => p.key)).toEqual(['alerting.dedup_window', 'alerting.auto_resolve_after', 'alerting.self_monitoring_cron', 'alerting.default_channels', 'alerting.surprise']);
    }
  });
});
