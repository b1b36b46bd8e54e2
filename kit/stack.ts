// The real stack for an integration test file: a Temporal dev server from the CLI binary, a fresh
// PostgreSQL database with the demo county, a worker on a unique task queue and the HTTP API.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createApp } from '../api/app';
import type { RulesSettings } from '../api/rules';
import type { PrismaClient } from '../infra/db';
import { createLogger } from '../infra/logger';
import { seedDemoCounty } from '../infra/seed';
import { createWorker } from '../infra/worker';
import { createTestDatabase, type TestDatabase } from './database';
import type { PayloadKey } from '../infra/codec';
import { freePort } from './processes';
import { startDevServer, testDataConverter, workflowBundle } from './temporal';

export interface Stack {
  env: TestWorkflowEnvironment;
  db: TestDatabase;
  /** The database's client (`db.prisma`), so that a stack is an `ApiTarget` (kit/rounds.ts). */
  prisma: PrismaClient;
  worker: Worker;
  taskQueue: string;
  baseUrl: string;
  /** With `webUi`: the Temporal Web UI, which decodes payloads through the API's codec server. */
  uiUrl?: string;
  logs: string[];
  stop(): Promise<void>;
}

/**
 * `rules`: the settings MIN_PUBLICITY_PERIOD and COUNTY_SAMPLE_SHARE the API captures into new rounds (rules of
 * version 2; tests set a short minimum explicitly). Without them the API starts rounds of the rules of version 1.
 * `webUi`: the dev server also serves its Web UI, pointed at the API's codec server as `npm start` does.
 */
export async function startStack(
  options: { seed?: boolean; rules?: RulesSettings; payloadKeys?: PayloadKey[] | false; webUi?: boolean } = {},
): Promise<Stack> {
  const dataConverter = testDataConverter(options.payloadKeys);
  // With the UI, the API's port is chosen first: the UI is started with the codec server's address.
  const apiPort = options.webUi ? await freePort() : 0;
  const ui = options.webUi ? { port: await freePort(), codecEndpoint: `http://127.0.0.1:${apiPort}/codec` } : undefined;
  const [env, db, workflowCode] = await Promise.all([
    startDevServer({ dataConverter, ui }),
    createTestDatabase(),
    workflowBundle(),
  ]);
  if (options.seed !== false) await seedDemoCounty(db.prisma);
  const taskQueue = `test-${randomBytes(4).toString('hex')}`;
  const worker = await createWorker({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    prisma: db.prisma,
    client: env.client,
    workflowBundle: workflowCode,
    dataConverter,
  });
  const running = worker.run();
  const logs: string[] = [];
  const app = createApp({
    prisma: db.prisma,
    client: env.client,
    taskQueue,
    logger: createLogger('debug', (line) => logs.push(line)),
    rules: options.rules,
    ...(ui ? { codecOrigins: [`http://127.0.0.1:${ui.port}`, `http://localhost:${ui.port}`] } : {}),
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(apiPort, '127.0.0.1', () => resolve(s));
  });
  const port = (server.address() as AddressInfo).port;
  return {
    env,
    db,
    prisma: db.prisma,
    worker,
    taskQueue,
    baseUrl: `http://127.0.0.1:${port}/api/v1`,
    ...(ui ? { uiUrl: `http://127.0.0.1:${ui.port}` } : {}),
    logs,
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      worker.shutdown();
      await running;
      await env.teardown();
      await db.drop();
    },
  };
}
