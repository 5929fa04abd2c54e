import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const DIR = resolve(import.meta.dirname, '../../deploy/prometheus');

/** promtool (Debian's `prometheus` package; .ci/run installs it) checks and unit-tests the shipped rules. */
async function promtool(...args: string[]): Promise<string> {
  try {
    const { stdout, stderr } = await run('promtool', args, { cwd: DIR });
    return stdout + stderr;
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stdout?: string; stderr?: string };
    if (err.code === 'ENOENT') throw new Error('promtool is not installed: apt-get install prometheus (.ci/run does)');
    throw new Error(`promtool ${args.join(' ')} failed:\n${err.stdout ?? ''}${err.stderr ?? ''}`);
  }
}

describe('deploy/prometheus', () => {
  it('alert_rules.yml passes promtool check rules with every rule of the design', async () => {
    const out = await promtool('check', 'rules', 'alert_rules.yml');
    expect(out).toMatch(/SUCCESS: 9 rules found/);
  });

  it('rules.test.yml: every rule fires on the series that should fire it and stays quiet otherwise', async () => {
    const out = await promtool('test', 'rules', 'rules.test.yml');
    expect(out).toMatch(/SUCCESS/);
    expect(out).not.toMatch(/FAILED/);
  });

  it('the rule tests cover every rule', async () => {
    const { readFileSync } = await import('node:fs');
    const rules = [...readFileSync(resolve(DIR, 'alert_rules.yml'), 'utf8').matchAll(/- alert: (\w+)/g)].map((m) => m[1]);
    const tested = new Set([...readFileSync(resolve(DIR, 'rules.test.yml'), 'utf8').matchAll(/alertname: (\w+)/g)].map((m) => m[1]));
    expect(rules.sort()).toEqual(['AlertDeliverySlow', 'DriftAnalysisStale', 'FairnessRegression', 'FeatureDriftCritical', 'HighErrorRate', 'HighRequestLatency', 'InstanceDown', 'OutboxBacklog', 'PredictionLoggingStopped']);
    for (const r of rules) expect(tested.has(r), `${r} has no test`).toBe(true);
  });

  it('prometheus.yml is a valid configuration loading the rules', async () => {
    const out = await promtool('check', 'config', 'prometheus.yml');
    expect(out).toMatch(/valid prometheus config file syntax/);
    expect(out).toMatch(/1 rule files found/);
  });
});
