// The officials' console (console/src, Preact + TSX) bundled in memory by esbuild on the first request of
// /console/app.js and kept for the life of the process: no build step, no build output on disk or in git.
import type { RequestHandler } from 'express';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { build } from 'esbuild';
import type { Logger } from '../infra/logger';

/** console/src/main.tsx beside api/ (in the image, dist/console beside dist/api). */
export const CONSOLE_ENTRY = path.resolve(__dirname, '..', 'console', 'src', 'main.tsx');

/** Bundles the console into one minified script (throws with esbuild's messages when the sources do not build). */
export async function buildConsoleBundle(entry: string = CONSOLE_ENTRY): Promise<string> {
  const result = await build({
    entryPoints: [entry],
    write: false,
    bundle: true,
    minify: true,
    format: 'iife',
    target: 'es2018',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    charset: 'utf8',
    logLevel: 'silent',
  });
  const [out] = result.outputFiles;
  if (!out) throw new Error('esbuild produced no output for the console');
  return out.text;
}

/** Serves the bundle, built once per process; a failed build answers 500 (logged) and is tried again next time. */
export function consoleBundleHandler(logger: Logger, entry: string = CONSOLE_ENTRY): RequestHandler {
  let bundle: Promise<{ text: string; etag: string }> | undefined;
  return async (_req, res, next) => {
    // The ETag is made once per build (the app computes none): a browser revalidating the script gets a 304.
    bundle ??= buildConsoleBundle(entry).then((text) => ({
      text,
      etag: `"${createHash('sha256').update(text).digest('base64url').slice(0, 27)}"`,
    }));
    try {
      const { text, etag } = await bundle;
      res.type('application/javascript; charset=utf-8').set('Cache-Control', 'no-cache').set('ETag', etag).send(text);
    } catch (err) {
      bundle = undefined;
      logger.error('console bundle failed to build', { error: (err as Error).message });
      next(err);
    }
  };
}
