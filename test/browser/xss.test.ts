import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LOAN_MODEL, loanTraffic } from '../../src/demo/loan-model.js';
import { type Browser, type PageWatch, launchBrowser, screenshot, signedIn } from './browser.js';
import { type DashboardServer, startDashboardServer } from './dashboard-server.js';
import { containsText, hasText, visible } from './see.js';

/** The case: a model and a feature named like this must render as text. */
const IMG = '<img src=x onerror=alert(1)>';
/** more hostile names, for the protected attribute, a category and a group */
const SVG = '"><svg onload=alert(2)>';
const SCRIPT = '<script>window.__xss=3</script>';
const GROUP = '<img src=y onerror="window.__xss=4">';
const HOUR = 3_600_000;

/** The loan model's rows with hostile names: income → IMG, gender → SVG (female → GROUP), purpose "home" → SCRIPT. */
function hostile(rows: Record<string, unknown>[]): Record<string, unknown>[] {
  return rows.map((r) => {
    const { income, gender, purpose, ...rest } = r.features as Record<string, unknown>;
    const { income: attribution, ...explanation } = r.explanation as Record<string, number>;
    return {
      ...r,
      model_id: 'xss-model',
      features: { ...rest, [IMG]: income, [SVG]: gender === 'female' ? GROUP : gender, purpose: purpose === 'home' ? SCRIPT : purpose },
      explanation: { ...explanation, [IMG]: attribution },
    };
  });
}

/**
 * Hostile names everywhere the dashboard shows data (model name, feature, protected attribute,
 * group, category, alert titles): Chromium renders them as text, creates no element from them,
 * and no dialog ever opens.
 */
describe('dashboard escapes everything it shows', () => {
  let s: DashboardServer;
  let browser: Browser;
  let page: Page;
  let watch: PageWatch;

  /** No element came out of the data: only the bundle's script, no img, no event-handler attributes, nothing ran. */
  const clean = async () => {
    const found = await page.evaluate(() => ({
      img: document.querySelectorAll('img').length,
      svgOnload: document.querySelectorAll('[onload],[onerror]').length,
      scripts: [...document.querySelectorAll('script')].map((x) => x.getAttribute('src')),
      xss: (window as unknown as { __xss?: unknown }).__xss ?? null,
    }));
    expect(found).toMatchObject({ img: 0, svgOnload: 0, xss: null });
    expect(found.scripts).toHaveLength(1);
    expect(found.scripts[0]).toMatch(/^\/assets\/index-[\w-]+\.js$/);
    expect(watch.dialogs).toEqual([]);
  };

  beforeAll(async () => {
    [s, browser] = await Promise.all([startDashboardServer(), launchBrowser()]);
    const now = s.ctx.clock();
    const features = LOAN_MODEL.features.map((f) => (f.name === 'income' ? { ...f, name: IMG } : f.name === 'gender' ? { ...f, name: SVG } : f));
    const model = { ...LOAN_MODEL, model_id: 'xss-model', name: IMG, description: '</p><b>not bold</b>', features, explanation_features: LOAN_MODEL.explanation_features.map((f) => (f === 'income' ? IMG : f)) };
    expect((await s.api('POST', '/api/v1/models', model)).status).toBe(201);
    const v = loanTraffic(2000, { seed: 1, from: now - 40 * 24 * HOUR, to: now - 39 * 24 * HOUR });
    const validation = hostile(v.predictions).map((p, i) => ({ ...p, actual: v.outcomes[i].actual }));
    expect((await s.api('POST', '/api/v1/monitoring/baselines', { model_id: 'xss-model', validation_data: validation })).status).toBe(201);
    const w = loanTraffic(2000, { seed: 7, from: now - 23 * HOUR, to: now - HOUR, incomeShift: 1.6, femaleApprovalFactor: 0.55, idPrefix: 'w' });
    expect((await s.api('POST', '/api/v1/predictions', hostile(w.predictions))).status).toBe(200);
    const record = (await s.api<{ status: string; max_severity: string }>('POST', '/api/v1/monitoring/analyze-now', { model_id: 'xss-model' })).body;
    expect(record).toMatchObject({ status: 'completed', max_severity: 'CRITICAL' });
    ({ page, watch } = await browser.open(s.url));
    page.setDefaultTimeout(15_000);
    await signedIn(page, s.keys.admin);
  });
  // a failing step leaves a picture of the page behind (test-artifacts/screenshots/failed-*.png)
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail' && page) await screenshot(page, `failed-${ctx.task.name.replace(/\W+/g, '-').slice(0, 60)}`).catch(() => undefined);
  });
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  it('the overview shows the hostile model name as text', async () => {
    await page.goto(s.url + '/');
    const card = page.locator('li.model-card[data-model-id="xss-model"]');
    await hasText(card.locator('h2'), IMG);
    await containsText(page.locator('section.banner'), 'xss-model');
    await clean();
    await screenshot(page, 'xss-1-overview');
  });

  it('the model page shows the hostile feature in the drift table, its histogram and the quality table', async () => {
    await page.locator('li.model-card[data-model-id="xss-model"] h2 a').click();
    await hasText(page.locator('main h1'), IMG);
    await containsText(page.locator('.model-head .description'), '</p><b>not bold</b>');
    const table = page.getByRole('table', { name: 'drift per feature' });
    await hasText(table.locator('tbody tr').first().locator('th'), IMG);
    await hasText(page.locator('#feature-detail .feature-title'), IMG);
    await visible(page.getByTestId('feature-histogram').locator('canvas'));
    await containsText(page.locator('#findings'), `data_drift.psi.${IMG}`);
    await containsText(page.getByRole('table', { name: 'data quality per feature' }), SVG);
    await table.getByRole('button', { name: 'purpose', exact: true }).click();
    await containsText(page.locator('#feature-detail'), SCRIPT);
    await clean();
    await screenshot(page, 'xss-2-model');
  });

  it('fairness shows the hostile attribute and group as text', async () => {
    await page.getByRole('link', { name: 'Fairness', exact: true }).click();
    const attr = page.locator('.fairness-attr').first();
    await hasText(attr.locator('.feature-title'), SVG);
    await containsText(attr.getByRole('table', { name: `groups of ${SVG}` }), GROUP);
    await containsText(attr.locator('.card-actions'), `affected: ${GROUP}`);
    await clean();
    await screenshot(page, 'xss-3-fairness');
  });

  it('alerts and incidents show hostile metric names and titles as text', async () => {
    await page.goto(s.url + '/alerts');
    await containsText(page.locator('li.alert-card').first(), 'xss-model');
    const titles = await page.locator('li.alert-card .alert-title').allTextContents();
    expect(titles.some((t) => t.includes(IMG))).toBe(true);
    await clean();
    await page.goto(s.url + '/incidents');
    await page.getByRole('table', { name: 'incidents' }).getByRole('link').first().click();
    await containsText(page.getByRole('list', { name: 'timeline' }), 'opened');
    const metrics = await page.locator('.incident-page code.metric').allTextContents();
    expect(metrics).toContain(`data_drift.psi.${IMG}`);
    await clean();
    await screenshot(page, 'xss-4-incident');
  });

  it('no dialog, error or CSP violation happened anywhere', async () => {
    expect(watch.dialogs).toEqual([]);
    expect(watch.errors).toEqual([]);
    expect(await watch.cspViolations()).toEqual([]);
  });
});
