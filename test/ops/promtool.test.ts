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

describe('GET /metrics output', () => {
  it('passes promtool check metrics (names, types, help, units) for every driftwatch metric', async () => {
    const { sqliteFactory } = await import('../store/store-fixtures.js');
    const { startTestApp } = await import('../http/http-fixtures.js');
    const { call, ok, registerLoan, LOAN, T0, HOUR } = await import('../e2e/monitoring-fixtures.js');
    const { loanTraffic } = await import('../../src/demo/loan-model.js');
    const t = await startTestApp(sqliteFactory);
    try {
      await registerLoan(t);
      const traffic = loanTraffic(200, { seed: 5, from: T0 - 2 * HOUR, to: T0 });
      ok(await call(t, 'POST', '/api/v1/predictions', traffic.predictions.map((p) => ({ ...p, model_id: LOAN })), t.keys.ingest));
      ok(await call(t, 'POST', '/api/v1/outcomes', traffic.outcomes.map((o) => ({ ...o, model_id: LOAN })), t.keys.ingest));
      const text = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
      const { spawnSync } = await import('node:child_process');
      const r = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
      if (r.error) throw new Error(`promtool is not installed: ${r.error.message}`);
      const problems = `${r.stdout}${r.stderr}`.split('\n').filter(Boolean);
      // prom-client's own gauges named *_total (nodejs_active_handles_total …) are its business
      expect(problems.filter((p) => !/^nodejs_active_\w+_total non-counter metrics should not have "_total" suffix$/.test(p))).toEqual([]);
      expect(text).toMatch(/^driftwatch_predictions_ingested_total\{model="loan-approval",version="[^"]+"\} \d+$/m);
      expect(text).toMatch(/^driftwatch_outcomes_ingested_total\{model="loan-approval"\} 200$/m);
    } finally {
      await t.close();
    }
  });
});
