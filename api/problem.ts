import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import { z } from 'zod';

/** An error that becomes an RFC 9457 application/problem+json response. */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    detail: string,
    readonly extra: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(detail, options);
    this.name = 'HttpProblem';
  }
}

export const badRequest = (detail: string, errors?: { path: string; message: string }[]) =>
  new HttpProblem(400, 'Bad Request', detail, errors ? { errors } : {});
export const unauthorized = (detail: string) => new HttpProblem(401, 'Unauthorized', detail);
export const forbidden = (detail: string) => new HttpProblem(403, 'Forbidden', detail);
export const notFound = (detail: string) => new HttpProblem(404, 'Not Found', detail);
export const conflict = (detail: string, extra?: Record<string, unknown>) =>
  new HttpProblem(409, 'Conflict', detail, extra);

export function sendProblem(
  res: Response,
  status: number,
  title: string,
  detail: string,
  extra: Record<string, unknown> = {},
) {
  res
    .status(status)
    .type('application/problem+json')
    .send(JSON.stringify({ type: 'about:blank', title, status, detail, ...extra }));
}

export function zodErrors(error: z.ZodError): { path: string; message: string }[] {
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
  sendProblem(res, 404, 'Not Found', `No route for ${req.method} ${req.path}.`);
};

export function errorHandler(log: (err: unknown) => void): ErrorRequestHandler {
  return (err, _req, res, _next) => {
    if (err instanceof HttpProblem) return sendProblem(res, err.status, err.title, err.message, err.extra);
    const e = err as { type?: string; status?: number; expose?: boolean };
    // body-parser errors carry a status and a type; never echo the body back.
    if (e.type === 'entity.too.large')
      return sendProblem(res, 413, 'Payload Too Large', 'The request body is larger than the limit.');
    if (e.type === 'entity.parse.failed')
      return sendProblem(res, 400, 'Bad Request', 'The request body is not valid JSON.');
    if (e.type === 'encoding.invalid')
      return sendProblem(res, 400, 'Bad Request', 'The request body is not valid UTF-8.');
    if (e.type === 'encoding.unsupported' || e.type === 'charset.unsupported') {
      return sendProblem(res, 415, 'Unsupported Media Type', 'Send JSON encoded as UTF-8.');
    }
    if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
      return sendProblem(res, e.status, 'Bad Request', 'The request could not be read.');
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
