// The officials' console in a test browser: a page at a given size on the stack's console, signing in with a
// token through the form, and screenshots (into .data/screenshots, git-ignored).
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { Stack } from './stack';

export const OFFICE = { width: 1366, height: 768 };
export const PHONE = { width: 390, height: 844 };

/** The console's origin (the API's base URL without /api/v1). */
export function consoleOrigin(stack: Pick<Stack, 'baseUrl'>): string {
  return stack.baseUrl.replace(/\/api\/v1$/, '');
}

/** A new browser context (its own cookies) with the console open, signed out. */
export async function openConsole(
  browser: Browser,
  stack: Pick<Stack, 'baseUrl'>,
  opts: { viewport?: { width: number; height: number } } = {},
): Promise<Page> {
  const context = await browser.newContext({ viewport: opts.viewport ?? OFFICE, locale: 'zh-CN' });
  const page = await context.newPage();
  if (process.env.DEBUG_BROWSER) {
    page.on('console', (m) => process.stdout.write(`console: ${m.text()}\n`));
    page.on('response', (r) => process.stdout.write(`response: ${r.status()} ${r.url()}\n`));
  }
  page.on('pageerror', (err) => process.stdout.write(`page error: ${err.message}\n`));
  await page.goto(`${consoleOrigin(stack)}/`);
  return page;
}

/** Signs in through the form and waits until the console shows who is signed in. */
export async function signIn(page: Page, token: string): Promise<void> {
  await page.getByLabel('工作人员令牌').fill(token);
  await page.getByRole('button', { name: '登录' }).click();
  await page.locator('#who').waitFor({ state: 'visible' });
}

export const SCREENSHOTS = path.resolve(__dirname, '..', '.data', 'screenshots');

/** Saves what the page shows (the viewport) as .data/screenshots/<name>.png; returns the file. */
export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

/** Whether the page is wider than its viewport (a layout that scrolls sideways). */
export function overflowsHorizontally(page: Page): Promise<boolean> {
  return page.evaluate<boolean>('document.documentElement.scrollWidth > window.innerWidth');
}
