import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import { z } from 'zod';
import { STAGES } from '../domain/enums';

/**
 * Stable machine-readable codes of problem responses (the `code` member): clients branch on these, never on
 * `detail`, whose wording may change. Add codes; never rename or reuse one.
 */
export const PROBLEM_CODES = [
  /** The body, a path parameter, the query or a header does not match its schema (see `errors`). */
  'VALIDATION_FAILED',
  /** The `cursor` is not one this API handed out. */
  'INVALID_CURSOR',
  /** The body is not JSON. */
  'MALFORMED_JSON',
  /** The body is not valid UTF-8. */
  'INVALID_ENCODING',
  /** The request could not be read otherwise. */
  'BAD_REQUEST',
  /** No bearer token, or an unknown or revoked one. */
  'UNAUTHENTICATED',
  /** The caller's role may not do this. */
  'FORBIDDEN',
  /** The subject lies outside the caller's jurisdiction. */
  'OUT_OF_JURISDICTION',
  /** The named resource does not exist. */
  'NOT_FOUND',
  /** No such route. */
  'NO_ROUTE',
  /** The round has no running workflow. */
  'ROUND_NOT_RUNNING',
  /** The resource already exists (e.g. the village already has an open round; see `roundId`). */
  'ALREADY_EXISTS',
  /** The round is not at the stage this decision belongs to. */
  'WRONG_STAGE',
  /** The round is completed or cancelled. */
  'ROUND_CLOSED',
  /** The campaign is completed or cancelled. */
  'CAMPAIGN_CLOSED',
  /** Another decision on the round is being applied; retry. */
  'DECISION_IN_PROGRESS',
  /** A request with this Idempotency-Key is still being processed; retry after Retry-After. */
  'IDEMPOTENCY_KEY_IN_PROGRESS',
  /** A conflict with the resource's state not covered by a more specific code. */
  'CONFLICT',
  /** The body is larger than the limit. */
  'PAYLOAD_TOO_LARGE',
  /** The body is not JSON encoded as UTF-8. */
  'UNSUPPORTED_MEDIA_TYPE',
  /** This Idempotency-Key was already used for a different request. */
  'IDEMPOTENCY_KEY_REUSED',
  /** The round refused the decision as invalid for its current state (see `reason`). */
  'INVALID_DECISION',
  /** Too many failed authentication attempts from this address; retry after Retry-After. */
  'TOO_MANY_REQUESTS',
  /** The codec server cannot decrypt a payload (its key is not configured, or the key or the data are wrong). */
  'PAYLOAD_UNDECODABLE',
  /** Something failed on the server; the request was not applied. */
  'INTERNAL_ERROR',
  /** A write authenticated by the console's session cookie came without its X-CSRF-Token, or with a wrong one. */
  'CSRF_FAILED',
] as const;
export type ProblemCode = (typeof PROBLEM_CODES)[number];

/** The code of a problem when nothing more specific applies. */
export function defaultCode(status: number): ProblemCode {
  switch (status) {
    case 400:
      return 'BAD_REQUEST';
    case 401:
      return 'UNAUTHENTICATED';
    case 403:
      return 'FORBIDDEN';
    case 404:
      return 'NOT_FOUND';
    case 409:
      return 'CONFLICT';
    case 413:
      return 'PAYLOAD_TOO_LARGE';
    case 415:
      return 'UNSUPPORTED_MEDIA_TYPE';
    case 422:
      return 'INVALID_DECISION';
    case 429:
      return 'TOO_MANY_REQUESTS';
    default:
      return status >= 500 ? 'INTERNAL_ERROR' : 'BAD_REQUEST';
  }
}

export const ZFieldError = z.object({ path: z.string(), message: z.string() }).meta({ id: 'FieldError' });

/** The body of every error response (RFC 9457 application/problem+json). */
export const ZProblem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int().min(400).max(599),
    detail: z.string(),
    code: z.enum(PROBLEM_CODES),
    errors: z.array(ZFieldError).optional().meta({ description: 'Each field that failed validation.' }),
    reason: z
      .string()
      .optional()
      .meta({ description: 'The failure type a round or the idempotency check gave, e.g. WrongStage.' }),
    stage: z.enum(STAGES).optional().meta({ description: 'The round’s stage, when the round is closed.' }),
    roundId: z.string().optional().meta({ description: 'The open round that conflicts with the request.' }),
  })
  .meta({ id: 'Problem', description: 'An RFC 9457 problem; `code` is stable and machine-readable.' });
export type TProblem = z.infer<typeof ZProblem>;

/** An error that becomes an RFC 9457 application/problem+json response. */
export class HttpProblem extends Error {
  readonly code: ProblemCode;

  constructor(
    readonly status: number,
    readonly title: string,
    detail: string,
    readonly extra: Record<string, unknown> = {},
    options?: { cause?: unknown; code?: ProblemCode },
  ) {
    super(detail, options);
    this.name = 'HttpProblem';
    this.code = options?.code ?? defaultCode(status);
  }
}

export type FieldErrors = { path: string; message: string }[];

export const badRequest = (detail: string, errors?: FieldErrors, code: ProblemCode = 'VALIDATION_FAILED') =>
  new HttpProblem(400, 'Bad Request', detail, errors ? { errors } : {}, { code });
export const unauthorized = (detail: string) =>
  new HttpProblem(401, 'Unauthorized', detail, {}, { code: 'UNAUTHENTICATED' });
export const forbidden = (detail: string, code: ProblemCode = 'FORBIDDEN') =>
  new HttpProblem(403, 'Forbidden', detail, {}, { code });
export const notFound = (detail: string, code: ProblemCode = 'NOT_FOUND') =>
  new HttpProblem(404, 'Not Found', detail, {}, { code });
export const conflict = (detail: string, extra?: Record<string, unknown>, code: ProblemCode = 'CONFLICT') =>
  new HttpProblem(409, 'Conflict', detail, extra, { code });

export function sendProblem(
  res: Response,
  status: number,
  title: string,
  detail: string,
  extra: Record<string, unknown> = {},
  code: ProblemCode = defaultCode(status),
) {
  res
    .status(status)
    .type('application/problem+json')
    .send(JSON.stringify({ type: 'about:blank', title, status, detail, code, ...extra }));
}

export function zodErrors(error: z.ZodError): FieldErrors {
  return error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(body)', message: i.message }));
}

/** Parses once at the edge; the parsed value is what handlers use from then on. */
export function parseOr400<S extends z.ZodType>(schema: S, value: unknown, what = 'request body'): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const errors = zodErrors(parsed.error);
    throw badRequest(`Invalid ${what}: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`, errors);
  }
  return parsed.data;
}

export const notFoundHandler: RequestHandler = (req, res) => {
  sendProblem(res, 404, 'Not Found', `No route for ${req.method} ${req.path}.`, {}, 'NO_ROUTE');
};

export function errorHandler(log: (err: unknown) => void): ErrorRequestHandler {
  return (err, _req, res, _next) => {
    if (err instanceof HttpProblem) return sendProblem(res, err.status, err.title, err.message, err.extra, err.code);
    const e = err as { type?: string; status?: number; expose?: boolean };
    // body-parser errors carry a status and a type; never echo the body back.
    if (e.type === 'entity.too.large')
      return sendProblem(res, 413, 'Payload Too Large', 'The request body is larger than the limit.');
    if (e.type === 'entity.parse.failed')
      return sendProblem(res, 400, 'Bad Request', 'The request body is not valid JSON.', {}, 'MALFORMED_JSON');
    if (e.type === 'encoding.invalid')
      return sendProblem(res, 400, 'Bad Request', 'The request body is not valid UTF-8.', {}, 'INVALID_ENCODING');
    if (e.type === 'encoding.unsupported' || e.type === 'charset.unsupported') {
      return sendProblem(res, 415, 'Unsupported Media Type', 'Send JSON encoded as UTF-8.');
    }
    if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
      return sendProblem(res, e.status, 'Bad Request', 'The request could not be read.', {}, 'BAD_REQUEST');
    }
    log(err);
    return sendProblem(
      res,
      500,
      'Internal Server Error',
      'Something went wrong on our side; the request was not applied.',
    );
  };
}
