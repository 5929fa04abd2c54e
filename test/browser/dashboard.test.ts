import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, type PageWatch, horizontalOverflow, launchBrowser, screenshot, signedIn } from './browser.js';
import { type DashboardServer, startDashboardServer } from './dashboard-server.js';
import { containsText, hasAttr, hasCount, hasText, isChecked, visible } from './see.js';
import { LOAN_MODEL, loanTraffic } from '../../src/demo/loan-model.js';
import { DAY, HOUR, corruptBaselines, validationRows } from '../e2e/monitoring-fixtures.js';

interface AlertView {
  alert_id: string;
  acknowledged: boolean;
  acknowledged_by: string | null;
  acknowledgment_notes: string | null;
  incident_id: string | null;
}

/**
 * The dashboard in Chromium against the real server seeded with the demo story: sign in, the
 * drifting model is critical on the overview, its drifted feature's histogram, acknowledging
 * its alert turns the banner from red to yellow without a reload, a silence is created and
 * expired, and every page is screenshotted (test-artifacts/screenshots/).
 */
describe('dashboard in a real browser (demo story)', () => {
  let s: DashboardServer;
  let browser: Browser;
  let page: Page;
  let watch: PageWatch;
  const banner = () => page.locator('section.banner');

  beforeAll(async () => {
    [s, browser] = await Promise.all([startDashboardServer({ demo: true }), launchBrowser()]);
    ({ page, watch } = await browser.open(s.url));
    page.setDefaultTimeout(15_000);
    await page.addInitScript(() => sessionStorage.setItem('driftwatch.pollMs', '1000'));
  });
  // a failing step leaves a picture of the page behind (test-artifacts/screenshots/failed-*.png)
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail' && page) await screenshot(page, `failed-${ctx.task.name.replace(/\W+/g, '-').slice(0, 60)}`).catch(() => undefined);
  });
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  it('signs in with an API key (a wrong key is refused) and never puts the key in a URL', async () => {
    await page.goto(s.url + '/');
    await visible(page.getByLabel('API key'));
    await screenshot(page, '01-sign-in');
    await page.getByLabel('API key').fill('dw_AAAAAAAAAAAA_' + 'x'.repeat(43));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await hasText(page.getByRole('alert'), /unknown or revoked/);
    await page.getByLabel('API key').fill(s.keys.admin);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('[data-ready="overview"]').waitFor();
    expect(page.url()).toBe(s.url + '/');
    expect(await page.evaluate(() => sessionStorage.getItem('driftwatch.apiKey'))).toBe(s.keys.admin);
    expect(await page.evaluate(() => localStorage.length + document.cookie.length)).toBe(0);
  });

  it("the overview shows the demo's drifting model in critical state", async () => {
    const card = page.locator('li.model-card[data-model-id="loan-approval"]');
    await hasAttr(card, 'data-severity', 'CRITICAL');
    // colour is never the only signal: an icon and the word are there too
    await hasText(card.locator('.badge[data-severity="CRITICAL"]'), '✖ Critical');
    await visible(card.getByRole('img', { name: /aggregated score 0\.4/ }));
    await visible(card.getByRole('img', { name: /score over 7 days: 7 analyses/ }));
    await hasText(card.locator('.incident-count'), /1/);
    expect(await card.innerText()).not.toContain('Stale');
    await hasAttr(banner(), 'data-state', 'alerting');
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    await screenshot(page, '02-overview');
  });

  it("opens the model and shows the drifted feature's histogram, sortable by keyboard", async () => {
    await page.getByRole('link', { name: 'Loan approval' }).click();
    const table = page.getByRole('table', { name: 'drift per feature' });
    await visible(table);
    // worst first: income is the drifted feature, and it is the one shown in detail
    await hasText(table.locator('tbody tr').first().locator('th'), 'income');
    await containsText(table.locator('tbody tr').first(), 'Critical');
    await hasText(page.locator('#feature-detail h2'), 'Feature income');
    const histogram = page.getByTestId('feature-histogram');
    await visible(histogram.locator('canvas'));
    expect((await histogram.locator('canvas').boundingBox())!.width).toBeGreaterThan(300);
    await containsText(histogram, 'reference (baseline)');
    await containsText(histogram, 'current window');
    await visible(page.getByTestId('feature-trend').locator('canvas'));
    await containsText(page.getByTestId('feature-trend'), 'critical ≥ 0.25');
    await screenshot(page, '03-model-drift');

    // sort by feature name with the keyboard only
    const sortByFeature = table.locator('button[data-sort-key="feature"]');
    await sortByFeature.focus();
    await page.keyboard.press('Enter');
    await containsText(table.locator('th[aria-sort="ascending"]'), 'Feature');
    await hasText(table.locator('tbody tr').first().locator('th'), 'age');
    // the focused control is visibly marked
    await page.keyboard.press('Tab');
    const ring = await page.evaluate(() => {
      const style = getComputedStyle(document.activeElement!);
      return `${style.outlineStyle} ${style.outlineWidth}`;
    });
    expect(ring).toBe('solid 3px');
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Space');
    await hasText(table.locator('tbody tr').first().locator('th'), 'purpose');
    // a keyboard user can choose another feature too
    await table.getByRole('button', { name: 'gender', exact: true }).focus();
    await page.keyboard.press('Enter');
    await hasText(page.locator('#feature-detail h2'), 'Feature gender');
    await visible(page.locator('#feature-detail').getByRole('table', { name: /categories of gender/ }));
  });

  it('shows fairness per protected attribute with the affected group marked, and performance with calibration', async () => {
    await page.getByRole('link', { name: 'Fairness', exact: true }).click();
    const attr = page.locator('#fairness-gender');
    await visible(attr);
    await containsText(attr.getByRole('table', { name: 'groups of gender' }).locator('tr', { hasText: 'female' }), 'affected');
    await containsText(attr.getByRole('table', { name: 'parity metrics of gender' }), 'Critical');
    await containsText(page.getByTestId('fairness-trend-disparate_impact'), 'critical < 0.8');
    await screenshot(page, '04-model-fairness');

    await page.getByRole('link', { name: 'Performance', exact: true }).click();
    await containsText(page.locator('#degradation'), 'moderate');
    await containsText(page.locator('#rollback'), 'No rollback recommended');
    await containsText(page.locator('#outcomes'), '900 of 3.0k predictions');
    await visible(page.getByTestId('reliability-diagram').locator('canvas'));
    await visible(page.getByTestId('performance-trend').locator('canvas'));
    await screenshot(page, '05-model-performance');
  });

  it('acknowledges the alert with notes: the banner turns from red to yellow and the status changes without a reload', async () => {
    await page.getByRole('link', { name: 'Drift', exact: true }).click();
    await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
    await hasAttr(banner(), 'data-state', 'alerting');
    const red = await banner().evaluate((el) => getComputedStyle(el).backgroundColor);
    await screenshot(page, '06-banner-red');

    await banner().getByRole('button', { name: 'Acknowledge' }).click();
    await banner().getByLabel('Notes').fill('Investigating the income pipeline change');
    await banner().getByRole('button', { name: 'Confirm acknowledgement' }).click();

    await hasAttr(banner(), 'data-state', 'acknowledged');
    await containsText(banner(), 'under investigation');
    await containsText(banner(), 'Investigating the income pipeline change');
    const yellow = await banner().evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(yellow).not.toBe(red);
    expect(red).toBe('rgb(254, 228, 226)');
    expect(yellow).toBe('rgb(254, 240, 199)');
    expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
    await screenshot(page, '07-banner-yellow');

    // the server agrees: one alert acknowledged with the notes, its incident investigating
    const alerts = (await s.api<{ items: AlertView[] }>('GET', '/api/v1/alerts?acknowledged=true')).body.items;
    expect(alerts).toHaveLength(1);
    expect(alerts[0].acknowledgment_notes).toBe('Investigating the income pipeline change');
    expect(alerts[0].acknowledged_by).toBe('bootstrap admin');
    const incident = (await s.api<{ status: string }>('GET', `/api/v1/incidents/${alerts[0].incident_id}`)).body;
    expect(incident.status).toBe('investigating');
  });

  it('lists alerts with statistics and acknowledges another in place', async () => {
    await page.getByRole('navigation', { name: 'main' }).getByRole('link', { name: 'Alerts' }).click();
    await containsText(page.getByLabel('alert statistics'), 'Unacknowledged5');
    const open = page.locator('li.alert-card[data-status="sent"]').first();
    const id = await open.getAttribute('data-alert-id');
    await open.getByRole('button', { name: 'Acknowledge' }).click();
    await open.getByLabel('Notes').fill('same root cause');
    await open.getByRole('button', { name: 'Confirm acknowledgement' }).click();
    const card = page.locator(`li.alert-card[data-alert-id="${id}"]`);
    await hasAttr(card, 'data-status', 'acknowledged');
    await containsText(card, 'same root cause');
    await containsText(page.getByLabel('alert statistics'), 'Unacknowledged4');
    // filters: only the acknowledged ones
    await page.getByLabel('Acknowledged').selectOption('true');
    await hasCount(page.locator('li.alert-card'), 2);
    await screenshot(page, '08-alerts');
  });

  it('shows the incident timeline, takes a comment', async () => {
    await page.getByRole('navigation', { name: 'main' }).getByRole('link', { name: 'Incidents' }).click();
    await containsText(page.getByRole('table', { name: 'incidents' }), 'investigating');
    await screenshot(page, '09-incidents');
    await page.getByRole('table', { name: 'incidents' }).getByRole('link').first().click();
    await containsText(page.getByRole('list', { name: 'lifecycle' }).locator('[aria-current="step"]'), 'investigating');
    const timeline = page.getByRole('list', { name: 'timeline' });
    await containsText(timeline, 'acknowledged');
    await containsText(timeline, 'Investigating the income pipeline change');
    await page.getByLabel('Comment').fill('Upstream fix deployed; watching the next analysis');
    await page.getByRole('button', { name: 'Add comment' }).click();
    await containsText(timeline, 'Upstream fix deployed; watching the next analysis');
    await screenshot(page, '10-incident');
  });

  it('creates a silence and expires it', async () => {
    await page.getByRole('navigation', { name: 'main' }).getByRole('link', { name: 'Silences' }).click();
    const form = page.getByRole('form', { name: 'create a silence' });
    await form.getByLabel('Model').selectOption('loan-approval');
    await form.getByLabel('Metric (regular expression)').fill('fairness\\..*');
    await form.getByLabel('For').selectOption('24');
    await form.getByLabel('Comment').fill('retraining the model with fresh income data');
    await form.getByRole('button', { name: 'Create silence' }).click();
    const row = page.getByRole('table', { name: 'silences' }).locator('tbody tr').first();
    await containsText(row, 'model_id = loan-approval');
    await containsText(row, 'metric =~ fairness\\..*');
    await hasAttr(row.locator('[data-status]'), 'data-status', 'active');
    const stored = (await s.api<{ items: { silence_id: string; matchers: unknown[]; comment: string; state: string }[] }>('GET', '/api/v1/silences')).body.items;
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ state: 'active', comment: 'retraining the model with fresh income data', matchers: [{ label: 'model_id', op: '=', value: 'loan-approval' }, { label: 'metric', op: '=~', value: 'fairness\\..*' }] });
    await screenshot(page, '11-silences');
    await row.getByRole('button', { name: 'Expire now' }).click();
    await hasAttr(row.locator('[data-status]'), 'data-status', 'expired');
  });

  it('new analyses appear by themselves: a skipped and a failed one show on the overview and in the job runs', async () => {
    await page.getByRole('navigation', { name: 'main' }).getByRole('link', { name: 'Overview' }).click();
    await page.locator('[data-ready="overview"]').waitFor();
    await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
    // a model without a baseline: its analysis is skipped
    const churn = { model_id: 'churn-risk', name: 'Churn risk', task: 'binary_classification', labels: ['stay', 'churn'], positive_label: 'churn', features: [{ name: 'tenure', type: 'numeric' }] };
    expect((await s.api('POST', '/api/v1/models', churn)).status).toBe(201);
    await visible(page.locator('li.model-card[data-model-id="churn-risk"]'));
    expect((await s.api<{ status: string }>('POST', '/api/v1/monitoring/analyze-now', { model_id: 'churn-risk' })).body.status).toBe('skipped');
    await containsText(page.locator('li.model-card[data-model-id="churn-risk"]'), 'Skipped');
    // a model whose frozen baseline was damaged on disk: its analysis fails
    const now = s.ctx.clock();
    expect((await s.api('POST', '/api/v1/models', { ...LOAN_MODEL, model_id: 'loan-eu', name: 'Loan approval EU' })).status).toBe(201);
    expect((await s.api('POST', '/api/v1/monitoring/baselines', { model_id: 'loan-eu', validation_data: validationRows(500, { seed: 5, from: now - 30 * DAY, to: now - 29 * DAY }) })).status).toBe(201);
    const traffic = loanTraffic(400, { seed: 6, from: now - 20 * HOUR, to: now - HOUR, idPrefix: 'eu-' }).predictions.map((p) => ({ ...p, model_id: 'loan-eu' }));
    expect((await s.api('POST', '/api/v1/predictions', traffic)).status).toBe(200);
    await corruptBaselines(s.ctx.store, 'loan-eu');
    expect((await s.api<{ status: string }>('POST', '/api/v1/monitoring/analyze-now', { model_id: 'loan-eu' })).body.status).toBe('failed');
    const failed = page.locator('li.model-card[data-model-id="loan-eu"]');
    await hasAttr(failed, 'data-severity', 'CRITICAL');
    await containsText(failed, 'Failed');
    await containsText(failed, 'Last analysis failed');
    expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);

    await page.getByRole('navigation', { name: 'main' }).getByRole('link', { name: 'Job runs' }).click();
    const runs = page.getByRole('table', { name: 'job runs' });
    await containsText(runs.locator('tr[data-status="failed"]'), 'loan-eu');
    await containsText(runs.locator('tr[data-status="skipped"]'), 'churn-risk');
    await page.getByLabel('Status').selectOption('failed');
    await hasCount(runs.locator('tbody tr'), 1);
    await screenshot(page, '12-jobs');
  });

  it('baselines and rules: lists them, a rule can be disabled and enabled again', async () => {
    await page.getByRole('navigation', { name: 'main' }).getByRole('link', { name: 'Baselines' }).click();
    await containsText(page.getByRole('table', { name: 'baselines' }), 'active');
    await screenshot(page, '13-baselines');
    await page.getByRole('navigation', { name: 'main' }).getByRole('link', { name: 'Rules' }).click();
    const rules = page.getByRole('table', { name: 'alert rules' });
    const toggle = rules.getByRole('switch').first();
    await isChecked(toggle, true);
    await toggle.click();
    await isChecked(toggle, false);
    const stored = (await s.api<{ items: { enabled: boolean }[] }>('GET', '/api/v1/rules')).body.items;
    expect(stored.filter((r) => !r.enabled)).toHaveLength(1);
    await toggle.click();
    await isChecked(toggle, true);
    await screenshot(page, '14-rules');
  });

  it('a read-only key can look but not act', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API key').fill(s.keys.read);
    await page.getByRole('button', { name: 'Sign in' }).click();
    // signing in keeps the page (the rules, which a read key may not see)
    await containsText(page.locator('.who'), 'read only');
    await visible(page.getByText('Sign in with an admin key to view and change alert rules.'));
    await page.getByRole('navigation', { name: 'main' }).getByRole('link', { name: 'Alerts' }).click();
    await visible(page.locator('li.alert-card').first());
    await hasCount(page.getByRole('button', { name: 'Acknowledge' }), 0);
    await page.getByRole('navigation', { name: 'main' }).getByRole('link', { name: 'Silences' }).click();
    await visible(page.getByText('Sign in with an admin key to create a silence.'));
  });

  it('is usable on a phone (375 px): nothing scrolls sideways', async () => {
    const phone = await browser.open(s.url, { width: 375, height: 800 });
    await signedIn(phone.page, s.keys.admin);
    for (const [path, name] of [
      ['/', '15-phone-overview'],
      ['/models/loan-approval', '16-phone-model'],
      ['/models/loan-approval/fairness', '17-phone-fairness'],
      ['/alerts', '18-phone-alerts'],
    ] as const) {
      await phone.page.goto(s.url + path);
      await phone.page.locator('main h1').first().waitFor();
      await phone.page.waitForTimeout(300);
      expect(await horizontalOverflow(phone.page), path).toBeLessThanOrEqual(0);
      await screenshot(phone.page, name);
    }
    expect(phone.watch.errors).toEqual([]);
    await phone.page.close();
  });

  it('stayed offline and clean: no request left the server, no CSP violation, no error, no dialog', async () => {
    expect(watch.foreignRequests).toEqual([]);
    expect(await watch.cspViolations()).toEqual([]);
    expect(watch.errors.filter((e) => !/401|Unauthorized/.test(e))).toEqual([]);
    expect(watch.dialogs).toEqual([]);
  });
});
