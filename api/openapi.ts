// The OpenAPI 3.1 document of /api/v1, generated from the operations each router declares (their request and
// response zod schemas) by zod-openapi, which builds on zod 4's own JSON Schema output. Served at
// /api/v1/openapi.json; the reference page at /api/docs reads it.
import { z } from 'zod';
import {
  createDocument,
  type ZodOpenApiHeadersObject,
  type ZodOpenApiOperationObject,
  type ZodOpenApiPathsObject,
  type ZodOpenApiResponsesObject,
} from 'zod-openapi';
import { ZProblem } from './problem';
import { TAGS, ZMeResponse, type ApiOperation } from './responses';
import { campaignsOperations } from './routes/campaigns';
import { codecOperations } from './routes/codec';
import { sessionOperations } from './routes/session';
import { CSRF_HEADER, SESSION_COOKIE } from './session';
import { exitPlanOperations } from './routes/exit-plan';
import { exitsOperations } from './routes/exits';
import { factsOperations } from './routes/facts';
import { registryOperations } from './routes/registry';
import { reportsOperations } from './routes/reports';
import { responsibilityOperations } from './routes/responsibility';
import { roundsOperations } from './routes/rounds';
import { supervisionOperations } from './routes/supervision';
import { tasksOperations } from './routes/tasks';
import { verificationsOperations } from './routes/verifications';
import { ZIdempotencyKey } from './schemas';

const ZDependency = z.object({
  status: z.enum(['up', 'down']),
  namespace: z.string().optional().meta({ description: 'The Temporal namespace, when Temporal is up.' }),
  error: z.string().optional().meta({ description: 'Why the dependency is down.' }),
});
export const ZHealthResponse = z
  .object({ status: z.enum(['ok', 'degraded']), database: ZDependency, temporal: ZDependency })
  .meta({ id: 'Health' });

/** The document itself: an OpenAPI 3.1 object (validated as such by test/unit/openapi.test.ts). */
const ZOpenApiDocument = z
  .object({ openapi: z.string() })
  .catchall(z.unknown())
  .meta({ description: 'This OpenAPI 3.1 document.' });

/** Operations app.ts serves itself. */
export const systemOperations: ApiOperation[] = [
  {
    method: 'get',
    path: '/health',
    operationId: 'getHealth',
    summary: 'Whether the API reaches PostgreSQL and Temporal',
    tag: 'system',
    public: true,
    responses: {
      200: { description: 'Both are up.', schema: ZHealthResponse },
      503: { description: 'One of them is down.', schema: ZHealthResponse },
    },
    problems: [],
  },
  {
    method: 'get',
    path: '/openapi.json',
    operationId: 'getOpenApiDocument',
    summary: 'This OpenAPI 3.1 document',
    tag: 'system',
    public: true,
    responses: { 200: { description: 'The document.', schema: ZOpenApiDocument } },
    problems: [],
  },
  {
    method: 'get',
    path: '/me',
    operationId: 'getMe',
    summary: 'The official the token belongs to',
    tag: 'system',
    responses: { 200: { description: 'The caller.', schema: ZMeResponse } },
    problems: [],
  },
];

export const operations: ApiOperation[] = [
  ...systemOperations,
  ...sessionOperations,
  ...registryOperations,
  ...factsOperations,
  ...roundsOperations,
  ...tasksOperations,
  ...campaignsOperations,
  ...responsibilityOperations,
  ...supervisionOperations,
  ...exitPlanOperations,
  ...exitsOperations,
  ...verificationsOperations,
  ...reportsOperations,
  ...codecOperations,
];

const PROBLEM_DESCRIPTIONS: Record<number, string> = {
  400: 'The request is invalid: VALIDATION_FAILED (see `errors`), INVALID_CURSOR, MALFORMED_JSON, INVALID_ENCODING or BAD_REQUEST.',
  401: 'UNAUTHENTICATED: no bearer token, or an unknown or revoked one.',
  403: 'FORBIDDEN (the caller’s role may not do this), OUT_OF_JURISDICTION, or CSRF_FAILED (a write by the console’s cookie without its CSRF token).',
  404: 'NOT_FOUND (or ROUND_NOT_RUNNING).',
  409: 'A conflict with the current state: ALREADY_EXISTS, WRONG_STAGE, ROUND_CLOSED, CAMPAIGN_CLOSED, DECISION_IN_PROGRESS, IDEMPOTENCY_KEY_IN_PROGRESS or CONFLICT.',
  413: 'PAYLOAD_TOO_LARGE: the body is larger than the limit.',
  415: 'UNSUPPORTED_MEDIA_TYPE: send JSON encoded as UTF-8.',
  422: 'IDEMPOTENCY_KEY_REUSED (the key was used for another request), INVALID_DECISION (the round refused it) or PAYLOAD_UNDECODABLE (the codec server cannot decrypt a payload).',
  429: 'TOO_MANY_REQUESTS: too many failed authentications from this address; see Retry-After.',
  500: 'INTERNAL_ERROR: something failed on the server; the request was not applied and may be retried.',
};

/** Every problem status the operation can answer: its own and those implied by its kind. */
export function problemStatuses(op: ApiOperation): number[] {
  const s = new Set(op.problems);
  if (!op.public) [401, 429].forEach((x) => s.add(x));
  if (op.body) [400, 413, 415].forEach((x) => s.add(x));
  if (op.method === 'post') [400, 409, 422].forEach((x) => s.add(x));
  s.add(500);
  return [...s].sort((a, b) => a - b);
}

/** Response headers by name: their descriptions, as header objects. */
function headerObjects(headers: Record<string, string>): { headers?: ZodOpenApiHeadersObject } {
  const entries = Object.entries(headers);
  if (entries.length === 0) return {};
  return {
    headers: Object.fromEntries(
      entries.map(([name, description]) => [name, { description, schema: { type: 'string' } }]),
    ),
  };
}

const REPLAYED = '"true" when this is the stored answer to an earlier request with the same Idempotency-Key.';
const RETRY_AFTER = 'Seconds to wait before retrying.';

function operationObject(op: ApiOperation): ZodOpenApiOperationObject {
  const replayed: Record<string, string> = op.method === 'post' ? { 'Idempotent-Replayed': REPLAYED } : {};
  const responses: ZodOpenApiResponsesObject = {};
  for (const [status, r] of Object.entries(op.responses)) {
    responses[status as `${1 | 2 | 3 | 4 | 5}${string}`] = {
      description: r.description,
      ...headerObjects({ ...r.headers, ...replayed }),
      ...(r.html
        ? { content: { 'text/html': { schema: { type: 'string' } } } }
        : r.media
          ? {
              content: Object.fromEntries(
                Object.entries(r.media).map(([type, schema]) => [type, { schema: { ...schema } }]),
              ),
            }
          : r.schema
            ? { content: { 'application/json': { schema: r.schema } } }
            : {}),
    };
  }
  for (const status of problemStatuses(op)) {
    const retry: Record<string, string> = status === 429 || status === 409 ? { 'Retry-After': RETRY_AFTER } : {};
    responses[String(status) as `4${string}`] = {
      description: PROBLEM_DESCRIPTIONS[status] ?? 'A problem.',
      ...headerObjects({ ...retry, ...(status < 500 ? replayed : {}) }),
      content: { 'application/problem+json': { schema: ZProblem } },
    };
  }
  return {
    operationId: op.operationId,
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    tags: [op.tag],
    ...(op.public ? { security: [] } : {}),
    requestParams: {
      ...(op.params ? { path: op.params } : {}),
      ...(op.query ? { query: op.query } : {}),
      ...(op.method === 'post' && !op.root
        ? {
            header: z.object({
              'Idempotency-Key': ZIdempotencyKey.optional().meta({
                description:
                  'Makes the POST safe to retry: the same official, key and request get the same answer and are applied once. A key used for another request gets 422.',
              }),
            }),
          }
        : {}),
    },
    ...(op.body
      ? { requestBody: { required: !op.bodyOptional, content: { 'application/json': { schema: op.body } } } }
      : {}),
    responses,
  };
}

/** The OpenAPI 3.1 document of /api/v1. */
export function openApiDocument(): ReturnType<typeof createDocument> {
  const paths: ZodOpenApiPathsObject = {};
  for (const op of operations) {
    // An operation outside /api/v1 names its own server: the root of the API's origin.
    paths[op.path] = {
      ...paths[op.path],
      ...(op.root ? { servers: [{ url: '/' }] } : {}),
      [op.method]: operationObject(op),
    };
  }
  return createDocument({
    openapi: '3.1.0',
    info: {
      title: 'Jingzhun (精准) API',
      version: '1',
      description:
        'Durable poverty-identification rounds. Authenticate with `Authorization: Bearer <token>`, or, in a browser, with the console’s session cookie (POST /session; writes need X-CSRF-Token). Errors are RFC 9457 `application/problem+json` with a stable machine-readable `code`. Every POST accepts an `Idempotency-Key` header.',
    },
    servers: [{ url: '/api/v1' }],
    tags: TAGS.map((t) => ({ ...t })),
    security: [{ bearerAuth: [] }, { sessionCookie: [] }],
    components: {
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', description: 'An official’s API token.' },
        sessionCookie: {
          type: 'apiKey',
          in: 'cookie',
          name: SESSION_COOKIE,
          description: `The officials' console's session (POST /session). Every write it authenticates needs the session's CSRF token in the ${CSRF_HEADER} header (GET /session); without it: 403 CSRF_FAILED.`,
        },
      },
    },
    paths,
  });
}
