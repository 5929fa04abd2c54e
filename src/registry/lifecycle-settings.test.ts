import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config/config.js';
import { evidenceDirOf } from './lifecycle-services.js';
import { DEFAULT_LIFECYCLE_SETTINGS, parseLifecycleSettings } from './lifecycle-settings.js';

const problems = (fn: () => unknown): string[] => {
  try {
    fn();
    return [];
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return e.problems.map((p) => `${p.key}: ${p.problem}`);
  }
};

describe('the lifecycle: config section', () => {
  it('defaults: every webhook channel, hourly check, holds released by export or resolution, evidence beside the SQLite file', () => {
    expect(parseLifecycleSettings({}, [])).toEqual(DEFAULT_LIFECYCLE_SETTINGS);
    const config = loadConfig({ env: { DRIFTWATCH_DB: '/var/lib/dw/driftwatch.db' } });
    expect(evidenceDirOf(config, DEFAULT_LIFECYCLE_SETTINGS)).toBe('/var/lib/dw/evidence');
    expect(evidenceDirOf(config, { ...DEFAULT_LIFECYCLE_SETTINGS, evidence: { dir: '/srv/evidence' } })).toBe('/srv/evidence');
  });

  it('reads every setting and names every bad key', () => {
    const s = parseLifecycleSettings({ lifecycle: { event_channels: ['hook'], trigger_check_cron: '*/5 * * * *', legal_hold: { release_on: ['export'] }, evidence: { dir: '/e' } } }, ['hook', 'console']);
    expect(s).toEqual({ event_channels: ['hook'], trigger_check_cron: '*/5 * * * *', legal_hold: { release_on: ['export'] }, evidence: { dir: '/e' } });
    expect(problems(() => parseLifecycleSettings({ lifecycle: { event_channels: ['nope'], trigger_check_cron: 'often', legal_hold: { release_on: [] }, evidence: 3, extra: 1 } }, ['hook']))).toEqual([
      'lifecycle.event_channels: names channels that are not configured: nope',
      expect.stringMatching(/^lifecycle\.trigger_check_cron: is not a valid cron expression/),
      'lifecycle.legal_hold: must be { release_on: [export, resolution] } (one or both)',
      'lifecycle.evidence: must be { dir: <directory> }',
      'lifecycle.extra: is not a known setting',
    ]);
    // the CLI does not know the channels: names are not checked
    expect(parseLifecycleSettings({ lifecycle: { event_channels: ['anything'] } }, null).event_channels).toEqual(['anything']);
  });
});
