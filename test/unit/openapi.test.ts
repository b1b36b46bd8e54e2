// The OpenAPI document is valid OpenAPI 3.1, and the response validator the integration tests rely on
// (kit/openapi.ts) really refuses what the document does not allow.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { compileErrors, validate } from '@readme/openapi-parser';
import { createApp } from '../../api/app';
import { openApiDocument } from '../../api/openapi';
import { PROBLEM_CODES } from '../../api/problem';
import { checkResponse, documentedOperations, UndocumentedResponse } from '../../kit/openapi';

const base = 'http://127.0.0.1:1/api/v1';
const problem = (status: number, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ type: 'about:blank', title: 'T', status, detail: 'd', code: 'NOT_FOUND', ...extra });

describe('the OpenAPI document', () => {
  test('is valid OpenAPI 3.1', async () => {
    const doc = openApiDocument();
    expect(doc.openapi).toBe('3.1.0');
    const result = await validate(structuredClone(doc) as never);
    expect(result.valid ? [] : compileErrors(result)).toEqual([]);
    expect(result.specification).toBe('OpenAPI');
  });

  test('the validation above can fail: a response without its description is refused', async () => {
    const doc = structuredClone(openApiDocument()) as unknown as {
      paths: Record<string, Record<string, { responses: Record<string, { description?: string }> }>>;
    };
    delete doc.paths['/me']!.get!.responses['200']!.description;
    const result = await validate(doc as never);
    expect(result.valid).toBe(false);
  });

  test('documents every route of the API, each with a unique operationId', () => {
    const ops = documentedOperations();
    const ids = ops.map((o) => o.split(' ')[2]);
    expect(new Set(ids).size).toBe(ids.length);
    for (const op of [
      'GET /health',
      'GET /openapi.json',
      'GET /me',
      'POST /rounds',
      'GET /rounds/{roundId}/notices/{version}',
      'POST /rounds/{roundId}/objections/{objectionId}/resolution',
      'PUT /households/{id}/responsibility',
      'POST /supervision/sweeps',
      'GET /assessment/townships',
    ]) {
      expect(ops.some((o) => o.startsWith(op + ' '))).toBe(true);
    }
  });

  test('every JSON response object is strict, and problems carry the code enum', () => {
    const doc = openApiDocument();
    const loose: string[] = [];
    const walk = (x: unknown, at: string) => {
      if (Array.isArray(x)) return x.forEach((v, i) => walk(v, `${at}/${i}`));
      if (x === null || typeof x !== 'object') return;
      const o = x as Record<string, unknown>;
      if (o.type === 'object' && o.properties && o.additionalProperties !== false) loose.push(at);
      for (const [k, v] of Object.entries(o)) walk(v, `${at}/${k}`);
    };
    for (const [p, item] of Object.entries(doc.paths ?? {})) walk((item as { get?: unknown }).get, p);
    for (const [p, item] of Object.entries(doc.paths ?? {})) walk((item as { post?: unknown }).post, p);
    for (const [p, item] of Object.entries(doc.paths ?? {})) walk((item as { put?: unknown }).put, p);
    walk(doc.components?.schemas, 'components');
    // The document itself is the one open object: GET /openapi.json answers an OpenAPI object.
    expect(loose).toEqual(['/openapi.json/responses/200/content/application~1json/schema'.replace('~1', '/')]);
    const problemSchema = doc.components?.schemas?.Problem as { properties: { code: { enum: string[] } } };
    expect(problemSchema.properties.code.enum).toEqual([...PROBLEM_CODES]);
  });
});

describe('the response validator', () => {
  const me = JSON.stringify({ id: 'x', name: 'n', role: 'VILLAGE', scopeCode: '620522100201' });

  test('accepts a documented response', () => {
    expect(() => checkResponse('GET', `${base}/me`, 200, 'application/json; charset=utf-8', me)).not.toThrow();
    expect(() =>
      checkResponse('GET', `${base}/rounds/round-620522100201-1`, 404, 'application/problem+json', problem(404)),
    ).not.toThrow();
    expect(() =>
      checkResponse('GET', `${base}/rounds/round-620522100201-1/notices/1`, 200, 'text/html; charset=utf-8', '<p>'),
    ).not.toThrow();
  });

  test('fails on an undocumented status', () => {
    expect(() => checkResponse('GET', `${base}/me`, 418, 'application/json', me)).toThrow(UndocumentedResponse);
    expect(() => checkResponse('GET', `${base}/me`, 418, 'application/json', me)).toThrow(/status 418/);
    // /me takes no body and names no resource: 404 is not among its answers.
    expect(() => checkResponse('GET', `${base}/me`, 404, 'application/problem+json', problem(404))).toThrow(
      /status 404 is not documented/,
    );
  });

  test('fails on an extra property, a missing one or a wrong type', () => {
    const extra = JSON.stringify({ ...JSON.parse(me), token: 'secret' });
    expect(() => checkResponse('GET', `${base}/me`, 200, 'application/json', extra)).toThrow(
      /additional properties.*token/,
    );
    const missing = JSON.stringify({ id: 'x', name: 'n', role: 'VILLAGE' });
    expect(() => checkResponse('GET', `${base}/me`, 200, 'application/json', missing)).toThrow(/scopeCode/);
    const wrongRole = JSON.stringify({ ...JSON.parse(me), role: 'KING' });
    expect(() => checkResponse('GET', `${base}/me`, 200, 'application/json', wrongRole)).toThrow(/allowed values/);
  });

  test('fails on a problem without a code, or with an unknown one', () => {
    const url = `${base}/rounds/round-620522100201-1`;
    const noCode = JSON.stringify({ type: 'about:blank', title: 'T', status: 404, detail: 'd' });
    expect(() => checkResponse('GET', url, 404, 'application/problem+json', noCode)).toThrow(/code/);
    expect(() =>
      checkResponse('GET', url, 404, 'application/problem+json', problem(404, { code: 'SOMETHING' })),
    ).toThrow(/allowed values/);
  });

  test('fails on an undocumented content type, and on an unknown route answered otherwise than 404', () => {
    expect(() => checkResponse('GET', `${base}/me`, 200, 'text/html', me)).toThrow(/content type/);
    expect(() => checkResponse('GET', `${base}/nowhere`, 200, 'application/json', '{}')).toThrow(
      /no documented operation/,
    );
    expect(() =>
      checkResponse('GET', `${base}/nowhere`, 404, 'application/problem+json', problem(404, { code: 'NO_ROUTE' })),
    ).not.toThrow();
  });
});

describe('the reference is served without a token', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    // Neither route touches the database or Temporal.
    const logger = { info: () => undefined, error: () => undefined, warn: () => undefined, debug: () => undefined };
    const app = createApp({ prisma: {} as never, client: {} as never, taskQueue: 'none', logger: logger as never });
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  test('GET /api/v1/openapi.json is the document, and answers as it documents itself', async () => {
    const res = await fetch(`${url}/api/v1/openapi.json`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(openApiDocument())));
    checkResponse('GET', `${url}/api/v1/openapi.json`, res.status, res.headers.get('content-type'), text);
  });

  test('GET /api/docs is Swagger UI from our own origin, pointed at the document, within the CSP', async () => {
    const redirect = await fetch(`${url}/api/docs`, { redirect: 'manual' });
    expect(redirect.status).toBe(301);
    expect(redirect.headers.get('location')).toBe('/api/docs/');
    const page = await fetch(`${url}/api/docs/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    const html = await page.text();
    // Every script is a file of this origin: no inline script, no CDN.
    const scripts = [...html.matchAll(/<script([^>]*)>([^<]*)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attrs, body] of scripts) {
      expect(body!.trim()).toBe('');
      expect(attrs).toMatch(/src="\.\/[\w.-]+\.js"/);
    }
    expect(html).not.toMatch(/https?:\/\//);
    for (const [, attrs] of scripts) {
      const src = /src="\.\/([\w.-]+)"/.exec(attrs!)![1];
      const js = await fetch(`${url}/api/docs/${src}`);
      expect(js.status).toBe(200);
      expect(js.headers.get('content-type')).toMatch(/javascript/);
      if (src === 'swagger-initializer.js') expect(await js.text()).toContain("url: '../v1/openapi.json'");
      else await js.arrayBuffer();
    }
    const css = await fetch(`${url}/api/docs/swagger-ui.css`);
    expect(css.status).toBe(200);
    await css.arrayBuffer();
  });
});
