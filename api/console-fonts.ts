// The console's CJK font, served from the npm package @fontsource/noto-sans-sc (SIL OFL 1.1) in node_modules: a
// fresh machine has no Chinese font, and the console requests nothing from another host. Only the regular (400)
// and bold (700) weights, woff2 only; each weight is split into ~100 files by unicode-range, so a page loads
// only the files of the characters it shows (a few hundred KB for a page of Chinese, of 7 MB for both weights).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Router } from 'express';

const PACKAGE = '@fontsource/noto-sans-sc';
export const FONT_FAMILY = 'Noto Sans SC';
export const FONT_WEIGHTS = [400, 700] as const;
/** A subset file of a kept weight, as the package names them: noto-sans-sc-<subset>-<weight>-normal.woff2. */
const FONT_FILE = new RegExp(`^noto-sans-sc-[a-z0-9-]+-(?:${FONT_WEIGHTS.join('|')})-normal\\.woff2$`);

function packageDir(): string {
  // The package's exports map every "./x" to "./x.css", so its folder is found through one of its stylesheets.
  return path.dirname(require.resolve(`${PACKAGE}/400.css`));
}

/**
 * The package's @font-face rules for the kept weights, with each `src` cut to its woff2 file under `base`
 * (every browser the console supports reads woff2; the woff copies would only add bytes). Exported for the tests.
 */
export function fontFaceCss(dir: string, base: string): string {
  const rules = FONT_WEIGHTS.map((w) => readFileSync(path.join(dir, `${w}.css`), 'utf8')).join('\n');
  const rewritten = rules.replace(
    /src:\s*url\(\.\/files\/([^)]+\.woff2)\)\s*format\('woff2'\)[^;]*;/g,
    (_m, file: string) => `src: url(${base}${file}) format('woff2');`,
  );
  if (/\.woff\)|url\(\.\/files/.test(rewritten)) throw new Error(`Unexpected @font-face rules in ${PACKAGE}.`);
  return `/* ${FONT_FAMILY} (${PACKAGE}, SIL Open Font License 1.1), weights ${FONT_WEIGHTS.join(', ')}. */\n${rewritten}`;
}

/**
 * GET /console/fonts/noto-sans-sc.css (the @font-face rules; console.css imports it) and
 * GET /console/fonts/<subset file>.woff2 (only the kept weights; anything else is 404).
 */
export function consoleFontsRouter(): Router {
  const dir = packageDir();
  const filesDir = path.join(dir, 'files');
  let css: string | undefined;
  const r = Router();
  r.get('/noto-sans-sc.css', (_req, res) => {
    css ??= fontFaceCss(dir, '/console/fonts/');
    res.type('text/css; charset=utf-8').set('Cache-Control', 'public, max-age=86400').send(css);
  });
  r.get('/:file', (req, res, next) => {
    const file = req.params.file;
    if (!FONT_FILE.test(file)) {
      next();
      return;
    }
    // The font files never change for a pinned package version: cache them for a long time.
    res.sendFile(file, { root: filesDir, maxAge: '30d', immutable: true, dotfiles: 'deny' }, (err) => {
      if (err && !res.headersSent) next();
    });
  });
  return r;
}
