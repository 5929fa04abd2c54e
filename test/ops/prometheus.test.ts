import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { LOAN_MODEL, loanTraffic } from '../../src/demo/loan-model.js';
import { type RunningServer, startServer } from '../../src/server/server.js';
import { type PrometheusProcess, startPrometheus } from './prometheus-process.js';

const ROOT = resolve(import.meta.dirname, '../..');
const HOUR = 3_600_000;
const TOKEN = 'prometheus-scrape-token-7';

interface Panel {
  title: string;
  type: string;
  targets?: { expr: string }[];
  panels?: Panel[];
}

/** Every PromQL expression of the shipped dashboard, with its panel's title. */
function dashboardExpressions(): { title: string; expr: string }[] {
  const dashboard = JSON.parse(readFileSync(join(ROOT, 'deploy/grafana/driftwatch.json'), 'utf8')) as { panels: Panel[] };
  const out: { title: string; expr: string }[] = [];
  const walk = (panels: Panel[]) => {
    for (const p of panels) {
      for (const t of p.targets ?? []) out.push({ title: p.title, expr: t.expr });
      walk(p.panels ?? []);
    }
  };
  walk(dashboard.panels);
  return out;
}

/** What Grafana substitutes: the dashboard's variables ("All" is `.*`) and its interval macros. */
const substitute = (expr: string) =>
  expr.replaceAll('$__rate_interval', '20s').replaceAll('$__range', '1m').replaceAll('$job', 'driftwatch').replaceAll('$instance', '.*').replaceAll('$model', '.*');

/**
 * A real Prometheus scraping a running driftwatch (temp SQLite, a model, a baseline, drifted
 * traffic with outcomes, one analysis, an external alert) every second with the shipped rules
 * loaded: every panel expression of the Grafana dashboard parses and returns a series.
 */
describe('Prometheus scraping driftwatch', () => {
  let server: RunningServer;
  let prometheus: PrometheusProcess;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dw-prom-app-'));
    const config = loadConfig({
      env: { DRIFTWATCH_DB: join(dir, 'dw.db'), DRIFTWATCH_HOST: '127.0.0.1', DRIFTWATCH_PORT: '0', LOG_LEVEL: 'silent', DRIFTWATCH_METRICS_TOKEN: TOKEN },
    });
    server = await startServer(config, { print: () => undefined });
    const key = server.bootstrapKey!;
    const call = async (method: string, path: string, body?: unknown, status = 200) => {
      const res = await fetch(`${server.url}${path}`, { method, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
      expect(res.status, `${method} ${path}: ${(await res.clone().text()).slice(0, 300)}`).toBe(status);
      return res.json() as Promise<Record<string, unknown>>;
    };
    const now = Date.now();
    await call('POST', '/api/v1/models', LOAN_MODEL, 201);
    const v = loanTraffic(1500, { seed: 1, from: now - 60 * 24 * HOUR, to: now - 59 * 24 * HOUR });
    await call('POST', '/api/v1/monitoring/baselines/create', { model_id: LOAN_MODEL.model_id, validation_data: v.predictions.map((p, i) => ({ ...p, actual: v.outcomes[i].actual })) }, 201);
    const t = loanTraffic(1200, { seed: 2, from: now - 20 * HOUR, to: now - HOUR, incomeShift: 1.6, femaleApprovalFactor: 0.4 });
    await call('POST', '/api/v1/predictions', t.predictions.map((p) => ({ ...p, model_id: LOAN_MODEL.model_id, model_version: '1.4.0' })));
    await call('POST', '/api/v1/outcomes', t.outcomes.slice(0, 700).map((o) => ({ ...o, model_id: LOAN_MODEL.model_id })));
    expect(await call('POST', '/api/v1/monitoring/analyze-now', { model_id: LOAN_MODEL.model_id })).toMatchObject({ status: 'completed' });
    await call('POST', '/api/v1/alerts/trigger', { severity: 'WARNING', model_id: LOAN_MODEL.model_id, metrics: [{ metric_name: 'latency.p99', value: 2, threshold: 1 }] });
    await call('GET', '/api/v1/models/nope', undefined, 404);

    const target = new URL(server.url).host;
    prometheus = await startPrometheus(`
global: { scrape_interval: 1s, scrape_timeout: 1s, evaluation_interval: 1s }
rule_files: ['${join(ROOT, 'deploy/prometheus/alert_rules.yml')}']
scrape_configs:
  - job_name: driftwatch
    authorization: { type: Bearer, credentials: '${TOKEN}' }
    static_configs: [{ targets: ['${target}'] }]
`);
    // enough scrapes for rates over 20 s windows, and the rules evaluated (income drift is critical: pending)
    const deadline = Date.now() + 20_000;
    for (;;) {
      const scrapes = await prometheus.query('count_over_time(up{job="driftwatch"}[20s])');
      const alerts = await prometheus.query('ALERTS{alertname="FeatureDriftCritical"}');
      if (Number(scrapes[0]?.value[1] ?? 0) >= 5 && alerts.length > 0) break;
      if (Date.now() > deadline) throw new Error(`not enough scrapes or no rule evaluation: ${JSON.stringify({ scrapes, alerts })}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    // traffic while Prometheus watches, so rates are not all zero
    for (let i = 0; i < 3; i++) {
      await call('GET', '/api/v1/models');
      await new Promise((r) => setTimeout(r, 1000));
    }
  }, 60_000);

  afterAll(async () => {
    await prometheus?.stop();
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('scrapes driftwatch with the bearer token: up, build info and the store backend', async () => {
    expect((await prometheus.query('up{job="driftwatch"}'))[0].value[1]).toBe('1');
    expect((await prometheus.query('driftwatch_build_info'))[0].metric).toMatchObject({ job: 'driftwatch', store_backend: 'sqlite', version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
  });

  it('loads the shipped rules: the critical income drift is a pending FeatureDriftCritical, nothing else drives HighErrorRate', async () => {
    const alerts = await prometheus.query('ALERTS');
    expect(alerts.filter((a) => a.metric.alertname === 'FeatureDriftCritical').map((a) => a.metric.feature)).toContain('income');
    expect(alerts.some((a) => a.metric.alertname === 'HighErrorRate' || a.metric.alertname === 'InstanceDown')).toBe(false);
    const rules = (await (await fetch(`${prometheus.url}/api/v1/rules`)).json()) as { data: { groups: { rules: { name: string; health: string }[] }[] } };
    const all = rules.data.groups.flatMap((g) => g.rules);
    expect(all).toHaveLength(9);
    for (const r of all) expect(r.health, r.name).toBe('ok');
  });

  it('answers every panel expression of the Grafana dashboard with at least one series', async () => {
    const exprs = dashboardExpressions();
    expect(exprs.length).toBeGreaterThanOrEqual(40);
    const empty: string[] = [];
    for (const { title, expr } of exprs) {
      const result = await prometheus.query(substitute(expr));
      if (result.length === 0) empty.push(`${title}: ${expr}`);
    }
    expect(empty).toEqual([]);
  });
});
