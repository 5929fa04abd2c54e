/**
 * Debian's Chromium driven by playwright-core (never a downloaded browser), with a fresh
 * profile per launch, and what the dashboard tests check on every page: no page errors, no
 * console errors, no CSP violations, no request leaving the server's origin, no dialog.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, type Page, chromium } from 'playwright-core';

export const CHROMIUM = process.env.DRIFTWATCH_CHROMIUM ?? '/usr/bin/chromium';
export const SCREENSHOTS = fileURLToPath(new URL('../../test-artifacts/screenshots/', import.meta.url));

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-dev-shm-usage'];

/** Problems seen by a page; tests assert they stay empty. */
export interface PageWatch {
  errors: string[];
  dialogs: string[];
  foreignRequests: string[];
  cspViolations(): Promise<string[]>;
}

export interface Browser {
  context: BrowserContext;
  /** a new tab that reports problems into its watch */
  open(origin: string, options?: { width?: number; height?: number }): Promise<{ page: Page; watch: PageWatch }>;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'dw-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width: 1280, height: 900 },
    timezoneId: 'UTC',
    locale: 'en-US',
  });
  // every page records CSP violations for the test to read
  await context.addInitScript(() => {
    const w = window as unknown as { __csp: string[] };
    w.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => w.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  return {
    context,
    async open(origin, options = {}) {
      const page = await context.newPage();
      await page.setViewportSize({ width: options.width ?? 1280, height: options.height ?? 900 });
      const watch: PageWatch = {
        errors: [],
        dialogs: [],
        foreignRequests: [],
        cspViolations: () => page.evaluate(() => (window as unknown as { __csp: string[] }).__csp ?? []),
      };
      page.on('pageerror', (e) => watch.errors.push(`pageerror: ${e.message}`));
      page.on('console', (m) => {
        if (m.type() === 'error') watch.errors.push(`console: ${m.text()}`);
      });
      page.on('dialog', (d) => {
        watch.dialogs.push(`${d.type()}: ${d.message()}`);
        void d.dismiss();
      });
      page.on('request', (r) => {
        const url = r.url();
        if (!url.startsWith(origin) && !url.startsWith('data:')) watch.foreignRequests.push(url);
      });
      return { page, watch };
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Save a screenshot as test-artifacts/screenshots/<name>.png, the whole page unless `fullPage`
 * is false (cards below the fold are drawn only when scrolled to: a full-page picture of a long
 * overview would show them blank).
 */
export async function screenshot(page: Page, name: string, fullPage = true): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage });
}

/** Put a key into the tab's session storage before the app loads (what signing in leaves behind). */
export async function signedIn(page: Page, key: string, pollMs = 1000): Promise<void> {
  await page.addInitScript(
    ([k, ms]) => {
      sessionStorage.setItem('driftwatch.apiKey', k);
      sessionStorage.setItem('driftwatch.pollMs', ms);
    },
    [key, String(pollMs)] as const,
  );
}

/** The document is no wider than the viewport (nothing forces sideways scrolling). */
export async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}
