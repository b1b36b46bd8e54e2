import express, { type Express } from 'express';
import helmet from 'helmet';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import type { PrismaClient } from '../infra/db';
import type { Logger } from '../infra/logger';
import { authenticate, caller, failedAuthentications, type AuthLimits } from './auth';
import { cacheCredentials } from './credentials';
import { rememberInboxes } from './inbox';
import { serverTiming } from './timing';
import { sessionRouter, signInRouter } from './routes/session';
import { guardBody, requireUtf8 } from './body-guard';
import { consoleBundleHandler } from './console-bundle';
import { docsRouter, openApiHandler } from './docs';
import { idempotency } from './idempotency';
import { createApiMetrics, enterApiRouter, noteRefusal, observeRequests } from './observability';
import { errorHandler, notFoundHandler } from './problem';
import { campaignsRouter } from './routes/campaigns';
import { consoleFontsRouter } from './console-fonts';
import { CODEC_PATH, codecRouter } from './routes/codec';
import { factsRouter } from './routes/facts';
import { registryRouter } from './routes/registry';
import { reportsRouter } from './routes/reports';
import { roundsRouter } from './routes/rounds';
import type { RulesSettings } from './rules';
import { tasksRouter } from './routes/tasks';
import { exitPlanRouter } from './routes/exit-plan';
import { exitsRouter } from './routes/exits';
import { responsibilityRouter } from './routes/responsibility';
import { supervisionRouter } from './routes/supervision';
import { verificationsRouter } from './routes/verifications';
import type { SupervisionSettings } from '../infra/schedule';
import { DEFAULT_CODEC_ORIGINS } from '../infra/config';

export interface AppDeps {
  prisma: PrismaClient;
  client: Client;
  taskQueue: string;
  logger: Logger;
  bodyLimit?: string;
  /** Failed authentications allowed per client address and window (tests use a small limit). */
  authLimits?: AuthLimits;
  /** An Idempotency-Key claim older than this without an answer is taken over by a retry. */
  idempotencyAbandonAfterMs?: number;
  /** MIN_PUBLICITY_PERIOD and COUNTY_SAMPLE_SHARE, captured into new rounds; absent: rounds of the rules of version 1. */
  rules?: RulesSettings;
  /** Sweep thresholds and the exit rule (infra/schedule.ts supervisionSettings); defaults when absent. */
  supervision?: SupervisionSettings;
  /** Server-Timing headers with the time of each stage of a request (SERVER_TIMING; benchmarks). */
  serverTiming?: boolean;
  /** How long a token or a console session is believed without a database lookup (AUTH_CACHE_MS; 0: never). */
  credentialCacheMs?: number;
  /**
   * Officials' inboxes (GET /tasks) answered from memory while nothing they are read from changed (INBOX_MEMORY). It
   * belongs to the database client: an app sharing its client with one that remembers remembers too.
   */
  inboxMemory?: boolean;
  /** Browser origins allowed to call the codec server (the Temporal Web UI); default the dev server's UI. */
  codecOrigins?: readonly string[];
}

/** The console's files: console/ beside api/ (in the image, dist/console beside dist/api). */
const CONSOLE_DIR = path.resolve(__dirname, '..', 'console');

export function createApp(deps: AppDeps): Express {
  const { prisma, client, logger } = deps;
  const metrics = createApiMetrics(prisma);
  cacheCredentials(prisma, deps.credentialCacheMs);
  if (deps.inboxMemory ?? true) rememberInboxes(prisma);
  const app = express();
  app.disable('x-powered-by');
  // No ETag computed from every answer's body (a hash of each /tasks page, issue 16): the API's answers are not to be
  // cached (no-store below), and the console's script carries its own (api/console-bundle.ts).
  app.set('etag', false);
  app.set('trust proxy', 'loopback');
  app.use(serverTiming(deps.serverTiming ?? false));
  app.use(observeRequests(logger, metrics));
  app.use(helmet());
  // Before the API's body parser: the codec server reads larger bodies and answers the Temporal UI's CORS.
  app.use(
    CODEC_PATH,
    codecRouter({
      prisma,
      client,
      logger,
      origins: deps.codecOrigins ?? DEFAULT_CODEC_ORIGINS,
      authLimits: deps.authLimits,
    }),
  );
  // No CORS headers under /api/v1: browsers on other origins are refused by default.
  app.use(
    express.json({
      limit: deps.bodyLimit ?? '100kb',
      strict: true,
      type: ['application/json', 'application/*+json'],
      verify: requireUtf8,
    }),
  );
  app.use(guardBody);
  // No token: counts and durations only, no personal data (operators' network; README, Metrics and logs).
  app.get('/metrics', metrics.handler);

  const v1 = express.Router();
  v1.use(enterApiRouter);
  // Answers carry officials' decisions and households' personal data: no cache, shared or the browser's, keeps them.
  v1.use((_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  v1.get('/health', async (_req, res) => {
    const [db, temporal] = await Promise.all([
      prisma.$queryRaw`SELECT 1`.then(
        () => ({ status: 'up' as const }),
        (err: Error) => ({ status: 'down' as const, error: err.message }),
      ),
      client.connection.workflowService.getSystemInfo({}).then(
        () => ({ status: 'up' as const, namespace: client.options.namespace }),
        (err: Error) => ({ status: 'down' as const, error: err.message }),
      ),
    ]);
    const up = db.status === 'up' && temporal.status === 'up';
    res.status(up ? 200 : 503).json({ status: up ? 'ok' : 'degraded', database: db, temporal });
  });
  v1.get('/openapi.json', openApiHandler);
  const failures = failedAuthentications(deps.authLimits);
  v1.use(signInRouter(prisma, failures));
  v1.use(authenticate(prisma, failures));
  v1.use(idempotency({ prisma, logger, abandonAfterMs: deps.idempotencyAbandonAfterMs }));
  v1.get('/me', (req, res) => {
    res.json(caller(req));
  });
  v1.use(sessionRouter(prisma));
  v1.use(registryRouter(prisma));
  v1.use(factsRouter(prisma));
  v1.use(roundsRouter({ prisma, client, taskQueue: deps.taskQueue, rules: deps.rules }));
  v1.use(tasksRouter(prisma));
  v1.use(campaignsRouter({ prisma, client, taskQueue: deps.taskQueue, rules: deps.rules }));
  v1.use(responsibilityRouter(prisma));
  v1.use(
    supervisionRouter({
      prisma,
      client,
      taskQueue: deps.taskQueue,
      policy: deps.supervision?.policy,
      idempotencyRetention: deps.supervision?.idempotencyRetention,
    }),
  );
  v1.use(exitPlanRouter({ prisma, exitPoorShareThreshold: deps.supervision?.exitPoorShareThreshold }));
  v1.use(
    exitsRouter({
      prisma,
      client,
      taskQueue: deps.taskQueue,
      rules: deps.rules,
      exitPoorShareThreshold: deps.supervision?.exitPoorShareThreshold,
    }),
  );
  v1.use(verificationsRouter(prisma));
  v1.use(reportsRouter(prisma));

  app.use('/api/v1', v1);
  app.use('/api/docs', docsRouter());
  // The officials' console (console/): a Preact app, bundled in memory, that uses only /api/v1 with the session
  // cookie; index.html and the css are static files.
  app.get('/console/app.js', consoleBundleHandler(logger));
  app.use('/console/fonts', consoleFontsRouter());
  app.use('/console', express.static(CONSOLE_DIR, { index: false, fallthrough: false }));
  app.get('/', (_req, res) => res.sendFile(path.join(CONSOLE_DIR, 'index.html')));
  app.use(notFoundHandler);
  app.use(noteRefusal);
  app.use(
    errorHandler((err) =>
      logger.error('unhandled error', { error: (err as Error)?.message, name: (err as Error)?.name }),
    ),
  );
  return app;
}
