import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS, HOUR_MS } from '../../src/domain/time.js';
import { DEFAULT_SETTINGS, type Model, parseModelSchema } from '../../src/domain/model-schema.js';
import { recordId } from '../../src/analysis/monitoring-service.js';
import type { DB } from '../../src/store/db-types.js';
import type { MonitoringRecordRow } from '../../src/store/monitoring-store.js';
import { type Browser, launchBrowser, screenshot, signedIn } from './browser.js';
import { type DashboardServer, startDashboardServer } from './dashboard-server.js';

const MODELS = 50;
/** a year of analyses every 6 hours */
const RECORDS_PER_MODEL = 365 * 4;
const SEVERITIES = ['INFO', 'INFO', 'WARNING', 'INFO', 'CRITICAL'] as const;

function recordOf(modelId: string, i: number, t: number): MonitoringRecordRow {
  const severity = i === 0 ? SEVERITIES[Number(modelId.slice(-2)) % SEVERITIES.length] : SEVERITIES[(i * 7) % 4 === 0 ? 2 : 0];
  const score = severity === 'CRITICAL' ? 0.62 : severity === 'WARNING' ? 0.31 : 0.05 + (i % 10) / 100;
  const findings = ['x', 'segment'].map((f) => ({ metric: `data_drift.psi.${f}`, category: 'data_drift', value: score / 2, threshold: 0.1, severity, feature: f }));
  return {
    record_id: recordId(t),
    model_id: modelId,
    status: 'completed',
    timestamp: t,
    period_start: t - 6 * HOUR_MS,
    period_end: t,
    sample_count: 1000,
    baseline_id: null,
    aggregated_score: score,
    max_severity: severity,
    duration_ms: 40,
    trigger: 'schedule',
    error: null,
    body: { findings, summary: { critical_count: 0, warning_count: 0, info_count: 2 }, metrics: { data_drift: { psi: { x: { value: score / 2, severity } } } } },
  };
}

/**
 * The overview's speed with 50 models and a year of 6-hourly records each (73,000 records):
 * from navigation to the data drawn, measured in Chromium with performance marks.
 */
describe('overview with 50 models and a year of records', () => {
  let s: DashboardServer;
  let browser: Browser;

  beforeAll(async () => {
    [s, browser] = await Promise.all([startDashboardServer(), launchBrowser()]);
    const { store, ingest } = s.ctx;
    const db = (store as unknown as { db: Kysely<DB> }).db;
    const now = s.ctx.clock();
    const schema = parseModelSchema({ task: 'binary_classification', labels: ['no', 'yes'], positive_label: 'yes', features: [{ name: 'x', type: 'numeric' }, { name: 'segment', type: 'categorical' }] });
    for (let m = 1; m <= MODELS; m++) {
      const model: Model = { model_id: `model-${String(m).padStart(2, '0')}`, name: `Model ${m}`, description: '', schema_version: 1, schema, settings: { ...DEFAULT_SETTINGS }, created_at: now - 400 * DAY_MS, updated_at: now - 400 * DAY_MS };
      await store.createModel(model);
      // the year of records in multi-row statements (one insertRecord each would take most of this test's time)
      const rows = Array.from({ length: RECORDS_PER_MODEL }, (_, i) => recordOf(model.model_id, i, now - i * 6 * HOUR_MS - m * 1000));
      for (let i = 0; i < rows.length; i += 500) {
        await db
          .insertInto('monitoring_records')
          .values(rows.slice(i, i + 500).map((r) => ({ ...r, body: JSON.stringify(r.body) })))
          .execute();
      }
      // a week of predictions, 50 a day
      const predictions = Array.from({ length: 350 }, (_, i) => ({ model_id: model.model_id, prediction_id: `p${i}`, timestamp: now - (i / 350) * 7 * DAY_MS, features: { x: i % 17, segment: i % 3 ? 'a' : 'b' }, prediction: { label: i % 4 ? 'no' : 'yes', confidence: 0.8 } }));
      const res = await ingest.ingestPredictions(predictions, { partial: false });
      expect(res.accepted).toBe(350);
    }
    // open incidents on a few models
    for (const m of ['model-05', 'model-10', 'model-15']) {
      expect((await s.api('POST', '/api/v1/alerts/trigger', { model_id: m, severity: 'CRITICAL', metrics: [{ metric_name: 'data_drift.psi.x', value: 0.4, threshold: 0.25 }] })).status).toBe(200);
    }
  });
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  /**
   * The first load is a fresh browser profile against a server that has not answered this route
   * yet (JIT warm-up included); the next three are what a user sees on a running service. The
   * budget (1 s) is held by the median of those, and the cold load must stay under 2 s even on
   * the shared, busy test machine.
   */
  it('draws the overview in under a second from navigation', async () => {
    const { page, watch } = await browser.open(s.url);
    await signedIn(page, s.keys.read, 60_000);
    const timings: number[] = [];
    const storeMs: number[] = [];
    for (let run = 0; run < 4; run++) {
      await page.goto(s.url + '/');
      await page.locator('[data-ready="overview"]').waitFor({ timeout: 10_000 });
      timings.push(await page.evaluate(() => performance.getEntriesByName('dw:overview-drawn')[0].startTime));
      storeMs.push(await page.evaluate(() => {
        const res = performance.getEntriesByType('resource').find((e) => e.name.includes('/api/v1/overview')) as PerformanceResourceTiming | undefined;
        return res?.serverTiming.find((t) => t.name === 'store')?.duration ?? NaN;
      }));
      expect(await page.locator('li.model-card').count()).toBe(MODELS);
    }
    const api: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      const res = await s.api<{ models: unknown[] }>('GET', '/api/v1/overview?limit=50', undefined, s.keys.read);
      api.push(performance.now() - t0);
      expect(res.body.models).toHaveLength(MODELS);
    }
    const [cold, ...warm] = timings;
    const median = warm.slice().sort((a, b) => a - b)[1];
    console.log(
      `overview, ${MODELS} models x ${RECORDS_PER_MODEL} records: data drawn ${cold.toFixed(0)} ms after navigation (first load), then ${warm.map((t) => t.toFixed(0)).join(', ')} ms (median ${median.toFixed(0)}); ` +
        `store time per answer ${storeMs.map((t) => t.toFixed(0)).join(', ')} ms; GET /api/v1/overview from Node ${api.map((t) => t.toFixed(0)).join(', ')} ms`,
    );
    await screenshot(page, 'timing-overview-50-models', false);
    // the worst first: critical models lead, the ones with incidents show them
    await expect(page.locator('li.model-card').first().getAttribute('data-severity')).resolves.toBe('CRITICAL');
    expect(await page.locator('li.model-card[data-model-id="model-05"] .incident-count').textContent()).toContain('1');
    expect(median).toBeLessThan(1000);
    expect(cold).toBeLessThan(2000);
    expect(watch.errors).toEqual([]);
  });
});
