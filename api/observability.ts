// Request ids, request logs and Prometheus metrics for the API. GET /metrics needs no token: it holds counts and
// durations by route template, decision kind and stage, never a path, a query, a body or a person (serve it on the
// operators' network only; see README, Metrics and logs).
import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import { inboxCounts } from './inbox';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { STAGES } from '../domain/enums';
import type { PrismaClient } from '../infra/db';
import { requestIdFrom, withRequestId, type Logger } from '../infra/logger';
import { RoundError } from '../workflows/round-contract';
import { HttpProblem } from './problem';

/** Decisions are Temporal Updates sent by these routes (POST), by kind. */
const DECISION_ROUTES: Record<string, string> = {
  '/api/v1/rounds/:roundId/assessment': 'assessment',
  '/api/v1/rounds/:roundId/objections': 'objection',
  '/api/v1/rounds/:roundId/objections/:objectionId/resolution': 'objection_resolution',
  '/api/v1/rounds/:roundId/township-review': 'township_review',
  '/api/v1/rounds/:roundId/county-announcement': 'county_announcement',
  '/api/v1/rounds/:roundId/cancel': 'cancel',
};
const REFUSAL_REASONS = new Set<string>(Object.values(RoundError));
/** Label of requests that matched no route (401 before routing, 404, idempotent replays): never the raw path. */
export const UNMATCHED = 'unmatched';

interface ObservedLocals {
  requestId?: string;
  /** The base URL of the router whose route answers; Express resets req.baseUrl when an error leaves a router. */
  routeBase?: string;
  /** Why the round workflow refused a decision (a RoundError type). */
  refusalReason?: string;
}
const locals = (res: Response) => res.locals as ObservedLocals;

/** Route template of the request ("/api/v1/rounds/:roundId"), or undefined when no route matched. */
export function routeTemplate(req: Request, res: Response): string | undefined {
  const route = req.route as { path?: unknown } | undefined;
  if (typeof route?.path !== 'string') return undefined;
  return (locals(res).routeBase ?? req.baseUrl) + route.path;
}

export interface ApiMetrics {
  registry: Registry;
  requestDuration: Histogram<'method' | 'route' | 'status'>;
  decisions: Counter<'kind' | 'outcome' | 'reason'>;
  /** GET /metrics in the Prometheus text format. */
  handler: RequestHandler;
}

export function createApiMetrics(prisma: PrismaClient): ApiMetrics {
  // One registry per app, so that several apps in one process (tests) do not collide.
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requestDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'API request duration by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const decisions = new Counter({
    name: 'jingzhun_decisions_total',
    help: 'Decisions sent to rounds by kind and outcome (accepted, refused, failed) with the reason of a refusal',
    labelNames: ['kind', 'outcome', 'reason'] as const,
    registers: [registry],
  });
  new Gauge({
    name: 'jingzhun_open_rounds',
    help: 'Open rounds by stage (from the database at scrape time)',
    labelNames: ['stage'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      // One grouped COUNT over the open rounds.
      const rows = await prisma.round
        .groupBy({ by: ['stage'], where: { status: 'OPEN' }, _count: { _all: true } })
        .catch(() => undefined);
      if (!rows) return; // Database unreachable: no series rather than a failed scrape.
      for (const stage of STAGES) if (stage !== 'COMPLETED') this.set({ stage }, 0);
      for (const row of rows) this.set({ stage: row.stage }, row._count._all);
    },
  });
  new Counter({
    name: 'jingzhun_inbox_reads_total',
    help: 'GET /tasks reads answered from memory (nothing concerning the official changed) and from the database',
    labelNames: ['answer'] as const,
    registers: [registry],
    collect() {
      const counts = inboxCounts(prisma);
      this.reset();
      if (!counts) return;
      this.inc({ answer: 'memory' }, counts.memory);
      this.inc({ answer: 'database' }, counts.database);
    },
  });
  const handler: RequestHandler = async (_req, res) => {
    const body = await registry.metrics();
    res.setHeader('Cache-Control', 'no-store');
    res.type(registry.contentType).send(body);
  };
  return { registry, requestDuration, decisions, handler };
}

/**
 * First middleware of the app: a request id (the caller's X-Request-Id when well-formed, else a new one) echoed in
 * the response and carried by every log line of the request; one log line and one histogram sample per request.
 */
export function observeRequests(logger: Logger, metrics: ApiMetrics): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    const reqId = requestIdFrom(req.get('x-request-id'));
    locals(res).requestId = reqId;
    res.setHeader('X-Request-Id', reqId);
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = routeTemplate(req, res);
      const status = res.statusCode;
      metrics.requestDuration.observe({ method: req.method, route: route ?? UNMATCHED, status }, seconds);
      const kind = req.method === 'POST' && route !== undefined ? DECISION_ROUTES[route] : undefined;
      if (kind) {
        const outcome = status < 400 ? 'accepted' : status < 500 ? 'refused' : 'failed';
        const reason = outcome === 'accepted' ? 'none' : (locals(res).refusalReason ?? `http_${status}`);
        metrics.decisions.inc({ kind, outcome, reason });
      }
      // Only method, route and status: bodies and queries may carry personal data. Scrapes only at debug.
      logger[route === '/metrics' ? 'debug' : 'info']('request', {
        reqId,
        method: req.method,
        path: route ?? req.path,
        status,
        ms: Math.round(seconds * 1000),
      });
    });
    withRequestId(reqId, next);
  };
}

/**
 * First middleware of the API router: remembers its base URL for the route template (Express resets req.baseUrl
 * when an error leaves a router), and enters the request's context again, so that the request id does not depend on
 * how the middleware before it (body parsing from stream events) carried the asynchronous context.
 */
export const enterApiRouter: RequestHandler = (req, res, next) => {
  const { requestId } = locals(res);
  locals(res).routeBase = req.baseUrl;
  if (requestId === undefined) return next();
  withRequestId(requestId, next);
};

/** Error middleware ahead of the problem handler: notes why a round refused a decision, then passes the error on. */
export const noteRefusal: ErrorRequestHandler = (err, _req, res, next) => {
  const reason = err instanceof HttpProblem ? err.extra.reason : undefined;
  if (typeof reason === 'string' && REFUSAL_REASONS.has(reason)) locals(res).refusalReason = reason;
  next(err);
};
