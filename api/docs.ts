// The API reference: the OpenAPI document at /api/v1/openapi.json and Swagger UI at /api/docs, both without a
// token. Swagger UI comes from the swagger-ui-dist package (no CDN); its initializer is served as a script of
// our own origin, so helmet's default Content-Security-Policy (script-src 'self') lets the page run.
import path from 'node:path';
import express, { Router, type RequestHandler } from 'express';
import { openApiDocument } from './openapi';

const SWAGGER_UI_DIR = path.dirname(require.resolve('swagger-ui-dist/package.json'));

/** Points Swagger UI at our document instead of the petstore its distribution names. */
const INITIALIZER = `window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: '../v1/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    plugins: [SwaggerUIBundle.plugins.DownloadUrl],
    layout: 'StandaloneLayout',
    persistAuthorization: false,
  });
};
`;

let cached: string | undefined;

/** GET /api/v1/openapi.json: generated once, on first use. */
export const openApiHandler: RequestHandler = (_req, res) => {
  cached ??= JSON.stringify(openApiDocument());
  res.type('application/json').send(cached);
};

/** Swagger UI, mounted at /api/docs. */
export function docsRouter(): Router {
  const r = Router();
  r.get('/swagger-initializer.js', (_req, res) => {
    res.type('text/javascript').send(INITIALIZER);
  });
  r.use(express.static(SWAGGER_UI_DIR, { index: 'index.html', fallthrough: true }));
  return r;
}
