// The real stack for an integration test file: a Temporal dev server from the CLI binary, a fresh
// PostgreSQL database with the demo county, a worker on a unique task queue and the HTTP API.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import {
  Runtime,
  DefaultLogger,
  Worker,
  bundleWorkflowCode,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { defineSearchAttributeKey, SearchAttributeType, type DataConverter } from '@temporalio/common';
import { createApp } from '../../api/app';
import { SEARCH_ATTRIBUTES } from '../../domain/constants';
import { createLogger } from '../../infra/logger';
import { seedDemoCounty } from '../../infra/seed';
import { createWorker } from '../../infra/worker';
import { FAILURE_CONVERTER_PATH, payloadDataConverter, randomPayloadKey, type PayloadKey } from '../../infra/codec';
import { createTestDatabase, type TestDatabase } from './database';

let runtimeInstalled = false;
export function quietRuntime() {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  Runtime.install({ logger: new DefaultLogger('WARN') });
}

/**
 * The data converter of a test stack: the product's, encrypting with `keys`; `false` is the test-only switch that
 * turns encryption off (test/integration/payload-privacy.test.ts proves with it that its search finds plain data).
 */
export function testDataConverter(keys: readonly PayloadKey[] | false = [randomPayloadKey('test')]): DataConverter {
  return keys ? payloadDataConverter(keys) : {};
}

export async function startTemporal(
  dataConverter: DataConverter = testDataConverter(),
): Promise<TestWorkflowEnvironment> {
  quietRuntime();
  const path = process.env.TEMPORAL_CLI_PATH;
  if (!path) throw new Error('TEMPORAL_CLI_PATH is not set: run the tests through jest (globalSetup finds the CLI)');
  return TestWorkflowEnvironment.createLocal({
    client: { dataConverter },
    server: {
      executable: { type: 'existing-path', path },
      ip: '127.0.0.1',
      searchAttributes: Object.values(SEARCH_ATTRIBUTES).map((a) =>
        defineSearchAttributeKey(a.name, SearchAttributeType.KEYWORD),
      ),
      extraArgs: ['--log-level', 'error'],
    },
  });
}

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({
    workflowsPath: require.resolve('../../workflows'),
    failureConverterPath: FAILURE_CONVERTER_PATH,
    logger: new DefaultLogger('WARN'),
  });
  return bundle;
}

export interface Stack {
  env: TestWorkflowEnvironment;
  db: TestDatabase;
  worker: Worker;
  taskQueue: string;
  baseUrl: string;
  logs: string[];
  stop(): Promise<void>;
}

export async function startStack(options: { seed?: boolean; payloadKeys?: PayloadKey[] | false } = {}): Promise<Stack> {
  const dataConverter = testDataConverter(options.payloadKeys);
  const [env, db, workflowCode] = await Promise.all([
    startTemporal(dataConverter),
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
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const port = (server.address() as AddressInfo).port;
  return {
    env,
    db,
    worker,
    taskQueue,
    baseUrl: `http://127.0.0.1:${port}/api/v1`,
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
