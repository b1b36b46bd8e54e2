// A real browser for the tests: the Chromium that the npm package @sparticuz/chromium ships (no download, works
// offline), driven by playwright-core. A test that needs it fails when it cannot start; it never skips.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { chromium as playwright, type Browser } from 'playwright-core';

/**
 * The package is an ES module, which jest's CommonJS runtime cannot load: a child Node process unpacks the binary
 * (once, under the system's temp folder) and names it and its launch arguments.
 */
async function packagedChromium(): Promise<{ executablePath: string; args: string[] }> {
  const script =
    "const { default: c } = await import('@sparticuz/chromium');" +
    'process.stdout.write(JSON.stringify({ executablePath: await c.executablePath(), args: c.args }));';
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
    cwd: __dirname,
  });
  return JSON.parse(stdout) as { executablePath: string; args: string[] };
}

/**
 * The package's own arguments are made for serverless hosts: one process for everything and web security off
 * (no CORS, shared cookies between contexts). A test of CORS and cookie sessions needs a browser as officials have
 * one, so only the arguments it needs to run as root without a GPU are kept.
 */
const KEPT_ARGS = new Set([
  '--no-sandbox',
  '--disable-setuid-sandbox',
  '--no-zygote',
  '--in-process-gpu',
  '--use-gl=angle',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--font-render-hinting=none',
]);

export async function launchBrowser(): Promise<Browser> {
  const { executablePath, args } = await packagedChromium();
  try {
    return await playwright.launch({ executablePath, args: args.filter((a) => KEPT_ARGS.has(a)), headless: true });
  } catch (err) {
    throw new Error(`No browser started (${executablePath}): ${(err as Error).message}`);
  }
}
