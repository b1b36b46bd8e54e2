import express, { type Express } from 'express';
import helmet from 'helmet';
import type { Client } from '@temporalio/client';
import type { PrismaClient } from '../infra/db';
import type { Logger } from '../infra/logger';
import { authenticate, caller } from './auth';
import { errorHandler, notFoundHandler } from './problem';
import { registryRouter } from './routes/registry';
import { roundsRouter } from './routes/rounds';
import { tasksRouter } from './routes/tasks';

export interface AppDeps {
  prisma: PrismaClient;
  client: Client;
  taskQueue: string;
  logger: Logger;
  bodyLimit?: string;
}

export function createApp(deps: AppDeps): Express {
  const { prisma, client, logger } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(helmet());
  // No CORS headers at all: browsers on other origins are refused by default.
  app.use(
    express.json({ limit: deps.bodyLimit ?? '100kb', strict: true, type: ['application/json', 'application/*+json'] }),
  );
  app.use((req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      // Only method, route and status: bodies and queries may carry personal data.
      logger.info('request', {
        method: req.method,
        path: req.baseUrl + (req.route?.path ?? req.path),
        status: res.statusCode,
        ms: Number((process.hrtime.bigint() - started) / 1_000_000n),
      });
    });
    next();
  });

  const v1 = express.Router();
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
  v1.use(authenticate(prisma));
  v1.get('/me', (req, res) => {
    res.json(caller(req));
  });
  v1.use(registryRouter(prisma));
  v1.use(roundsRouter({ prisma, client, taskQueue: deps.taskQueue }));
  v1.use(tasksRouter(prisma));

  app.use('/api/v1', v1);
  app.use(notFoundHandler);
  app.use(
    errorHandler((err) =>
      logger.error('unhandled error', { error: (err as Error)?.message, name: (err as Error)?.name }),
    ),
  );
  return app;
}
