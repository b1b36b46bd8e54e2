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

/** A new context with the console open and `token` signed in (closed when the browser is). */
export async function signedInConsole(
  browser: Browser,
  stack: Pick<Stack, 'baseUrl'>,
  token: string,
  opts: { viewport?: { width: number; height: number } } = {},
): Promise<Page> {
  const page = await openConsole(browser, stack, opts);
  await signIn(page, token);
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

/**
 * Every visible form control without an accessible name — no <label>, aria-label or aria-labelledby with text,
 * and (buttons) no text: their markup. Run in the page as a string (the project's types have no DOM).
 */
export function unlabelledControls(page: Page): Promise<string[]> {
  return page.evaluate<string[]>(`[...document.querySelectorAll('input, select, textarea, button')]
    .filter((el) => el.getClientRects().length > 0)
    .filter((el) => {
      const labelled = (el.labels && el.labels.length) || (el.getAttribute('aria-label') || '').trim();
      const by = el.getAttribute('aria-labelledby');
      const byText = by && by.split(' ').some((id) => (document.getElementById(id)?.textContent || '').trim());
      return !(labelled || byText || (el.tagName === 'BUTTON' && el.textContent.trim()));
    })
    .map((el) => el.outerHTML.slice(0, 120))`);
}
