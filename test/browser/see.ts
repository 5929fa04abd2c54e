/**
 * Waiting assertions on page elements (vitest's expect.poll over playwright-core locators; the
 * Playwright test runner's matchers are not part of playwright-core).
 */
import type { Locator } from 'playwright-core';
import { expect } from 'vitest';

const TIMEOUT = 15_000;
const opts = { timeout: TIMEOUT, interval: 100 };
const text = (l: Locator) => l.first().textContent({ timeout: 500 }).then((t) => (t ?? '').replace(/\s+/g, ' ').trim(), () => '');

export const visible = (l: Locator): Promise<void> => l.first().waitFor({ state: 'visible', timeout: TIMEOUT });

/** The element's text (whitespace collapsed) is exactly `want`, or matches it. */
export async function hasText(l: Locator, want: string | RegExp): Promise<void> {
  if (typeof want === 'string') await expect.poll(() => text(l), opts).toBe(want);
  else await expect.poll(() => text(l), opts).toMatch(want);
}

export async function containsText(l: Locator, want: string | RegExp): Promise<void> {
  if (typeof want === 'string') await expect.poll(() => text(l), opts).toContain(want);
  else await expect.poll(() => text(l), opts).toMatch(want);
}

export async function hasAttr(l: Locator, name: string, value: string): Promise<void> {
  await expect.poll(() => l.first().getAttribute(name, { timeout: 500 }).catch(() => null), opts).toBe(value);
}

export async function hasCount(l: Locator, n: number): Promise<void> {
  await expect.poll(() => l.count(), opts).toBe(n);
}

export async function isChecked(l: Locator, checked: boolean): Promise<void> {
  await expect.poll(() => l.first().isChecked({ timeout: 500 }).catch(() => null), opts).toBe(checked);
}
