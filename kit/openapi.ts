// Checks every response the tests receive against the OpenAPI document the API serves (api/openapi.ts): the
// request must match a documented operation, and the status, the content type and the body (Ajv, JSON Schema
// 2020-12) must be documented for it. A response that is not fails the call that received it. Exercised
// operations are recorded under .data/openapi-coverage/, and global-teardown.ts lists those never exercised.
import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { openApiDocument } from '../api/openapi';
import { COVERAGE_DIR } from './openapi-coverage';

const API_PREFIX = '/api/v1';

type Doc = ReturnType<typeof openApiDocument>;
interface MediaType {
  schema?: unknown;
}
interface ResponseObject {
  content?: Record<string, MediaType>;
}

interface CompiledOperation {
  method: string;
  template: string;
  operationId: string;
  pattern: RegExp;
  /** Served at the server's root (its path item names server `/`), not under /api/v1: the codec server. */
  root: boolean;
  /** By status, then media type: the body validator (null for a non-JSON body). */
  responses: Map<string, Map<string, ValidateFunction | null>>;
}

interface Compiled {
  operations: CompiledOperation[];
  problem: ValidateFunction;
}

let compiled: Compiled | undefined;

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const isJson = (mediaType: string) => mediaType === 'application/json' || mediaType.endsWith('+json');

function load(): Compiled {
  compiled ??= compile(openApiDocument());
  return compiled;
}

/** Validators for every response a document describes. */
function compile(doc: Doc): Compiled {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  // The component schemas as one schema of their own; references into them are rewritten to point at it.
  ajv.addSchema({ $id: 'openapi.json', components: doc.components ?? {} });
  const resolve = (schema: unknown) =>
    JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"openapi.json#/components/')) as object;

  const operations: CompiledOperation[] = [];
  for (const [template, item] of Object.entries(doc.paths ?? {})) {
    for (const method of ['get', 'put', 'post', 'delete', 'patch'] as const) {
      const op = (item as Record<string, { operationId?: string; responses?: Record<string, ResponseObject> }>)[method];
      if (!op) continue;
      const responses = new Map<string, Map<string, ValidateFunction | null>>();
      for (const [status, response] of Object.entries(op.responses ?? {})) {
        const byType = new Map<string, ValidateFunction | null>();
        for (const [mediaType, media] of Object.entries(response.content ?? {})) {
          byType.set(mediaType, isJson(mediaType) && media.schema ? ajv.compile(resolve(media.schema)) : null);
        }
        // A response documented without content (204) has no body and no content type.
        if (!response.content) byType.set('', null);
        responses.set(status, byType);
      }
      const pattern = new RegExp(
        '^' +
          template
            .split(/\{[^}]+\}/)
            .map(escapeRegExp)
            .join('[^/]+') +
          '$',
      );
      operations.push({
        method: method.toUpperCase(),
        template,
        operationId: op.operationId ?? '',
        pattern,
        root: ((item as { servers?: { url: string }[] }).servers ?? []).some((s) => s.url === '/'),
        responses,
      });
    }
  }
  const problem = ajv.compile(resolve({ $ref: '#/components/schemas/Problem' }));
  return { operations, problem };
}

/** Every documented operation, as `METHOD /path operationId`. */
export function documentedOperations(): string[] {
  return load().operations.map((o) => `${o.method} ${o.template} ${o.operationId}`);
}

const recorded = new Set<string>();

function record(o: CompiledOperation) {
  const line = `${o.method} ${o.template} ${o.operationId}`;
  if (recorded.has(line)) return;
  recorded.add(line);
  try {
    mkdirSync(COVERAGE_DIR, { recursive: true });
    appendFileSync(path.join(COVERAGE_DIR, `${process.pid}.txt`), line + '\n');
  } catch {
    // Coverage is a report, not a check: a read-only checkout must not fail the tests.
  }
}

export class UndocumentedResponse extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UndocumentedResponse';
  }
}

/**
 * Throws UndocumentedResponse unless the response is what the document says `method url` answers. A path under
 * /api/v1 that no operation has must be answered 404 with a problem (the API's answer for unknown routes). Paths
 * outside /api/v1 are checked only where the document has a root operation (the codec server).
 */
export function checkResponse(
  method: string,
  url: string,
  status: number,
  contentType: string | null,
  text: string,
): void {
  checkAgainst(load(), method, url, status, contentType, text, record);
}

/** A checker for another copy of the document (e.g. one fetched from the API); records no coverage. */
export function responseChecker(doc: Doc) {
  const c = compile(doc);
  return (method: string, url: string, status: number, contentType: string | null, text: string) =>
    checkAgainst(c, method, url, status, contentType, text, () => undefined);
}

function checkAgainst(
  { operations, problem }: Compiled,
  method: string,
  url: string,
  status: number,
  contentType: string | null,
  text: string,
  onMatch: (o: CompiledOperation) => void,
): void {
  const pathname = new URL(url).pathname;
  const at = pathname.indexOf(API_PREFIX);
  const rest = at < 0 ? pathname : pathname.slice(at + API_PREFIX.length) || '/';
  const where = `${method.toUpperCase()} ${rest} → ${status}`;
  const mediaType = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  const op = operations.find((o) => o.root === at < 0 && o.method === method.toUpperCase() && o.pattern.test(rest));
  // Outside /api/v1 only the root operations are checked (not the docs page).
  if (at < 0 && !op) return;

  if (!op) {
    if (status !== 404 || mediaType !== 'application/problem+json') {
      throw new UndocumentedResponse(`${where}: no documented operation, and the answer is not a 404 problem`);
    }
    return validateBody(where, problem, text);
  }
  onMatch(op);
  const byType = op.responses.get(String(status));
  if (!byType) {
    throw new UndocumentedResponse(
      `${where}: status ${status} is not documented for ${op.operationId} (documented: ${[...op.responses.keys()].join(', ')})`,
    );
  }
  if (!byType.has(mediaType)) {
    throw new UndocumentedResponse(
      `${where}: content type "${contentType}" is not documented for ${op.operationId} ${status} (documented: ${[...byType.keys()].join(', ')})`,
    );
  }
  const validate = byType.get(mediaType);
  if (validate) validateBody(`${where} (${op.operationId})`, validate, text);
}

function validateBody(where: string, validate: ValidateFunction, text: string) {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new UndocumentedResponse(`${where}: the body is not JSON: ${text.slice(0, 200)}`);
  }
  if (!validate(body)) {
    const errors = (validate.errors ?? [])
      .slice(0, 10)
      .map((e) => `${e.instancePath || '(body)'} ${e.message ?? ''} ${JSON.stringify(e.params)}`)
      .join('; ');
    throw new UndocumentedResponse(`${where}: the body does not match the document: ${errors}`);
  }
}

/** `fetch`, with the response checked against the document (for tests that do not use api()). */
export async function checkedFetch(url: string, init: RequestInit = {}): Promise<Response> {
  const res = await fetch(url, init);
  const text = await res.clone().text();
  checkResponse(init.method ?? 'GET', url, res.status, res.headers.get('content-type'), text);
  return res;
}
