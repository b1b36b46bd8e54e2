// The worker's Prometheus endpoint: scripts/worker.ts runs as its own process (the Temporal runtime, which serves
// Core's metrics, is installed once per process) with WORKER_METRICS_PORT; a round started through the API runs
// workflow and activity tasks on it, and a scrape shows the SDK's worker and activity metrics for its task queue.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createApp } from '../../api/app';
import { createLogger } from '../../infra/logger';
import { createOfficial } from '../../infra/officials';
import { seedDemoCounty } from '../../infra/seed';
import { freePort } from '../../kit/processes';
import { createTestDatabase, type TestDatabase } from '../../kit/database';
import { api, eventually } from '../../kit/http';
import { scrape, select, value } from '../../kit/metrics';
import { longPublicity } from '../../kit/rounds';
import { startDevServer, testDataConverter } from '../../kit/temporal';
import { formatPayloadKey, randomPayloadKey } from '../../infra/codec';

const ROOT = path.resolve(__dirname, '../..');
let env: TestWorkflowEnvironment;
let db: TestDatabase;
let worker: ChildProcess;
let output = '';
let server: Server;
let baseUrl: string;
let metricsUrl: string;
const taskQueue = `test-metrics-${randomBytes(4).toString('hex')}`;

beforeAll(async () => {
  const keys = [randomPayloadKey('test')];
  [env, db] = await Promise.all([startDevServer({ dataConverter: testDataConverter(keys) }), createTestDatabase()]);
  await seedDemoCounty(db.prisma);
  const port = await freePort();
  metricsUrl = `http://127.0.0.1:${port}/metrics`;
  worker = spawn(process.execPath, ['--import', 'tsx', 'scripts/worker.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: db.url,
      TEMPORAL_ADDRESS: env.address,
      TEMPORAL_NAMESPACE: env.namespace ?? 'default',
      TASK_QUEUE: taskQueue,
      PAYLOAD_KEYS: keys.map(formatPayloadKey).join(','),
      WORKER_METRICS_PORT: String(port),
      LOG_LEVEL: 'warn',
      LOG_FORMAT: 'json',
      // No supervision sweep during the test.
      SUPERVISION_CRON: '0 0 1 1 *',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  worker.stdout!.on('data', keep);
  worker.stderr!.on('data', keep);
  await eventually(
    async () => {
      if (worker.exitCode !== null) throw new Error(`the worker exited:\n${output}`);
      return output.includes('Worker polling');
    },
    120_000,
    'the worker to poll',
  );

  const app = createApp({ prisma: db.prisma, client: env.client, taskQueue, logger: createLogger('error', () => {}) });
  server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
});

afterAll(async () => {
  if (worker && worker.exitCode === null) {
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    worker.kill('SIGTERM');
    const timer = setTimeout(() => worker.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  }
  await new Promise((resolve) => server?.close(resolve));
  await env?.teardown();
  await db?.drop();
});

test('the worker process serves Temporal’s worker and activity metrics on WORKER_METRICS_PORT', async () => {
  expect(output).toContain(`metrics on http://127.0.0.1:${new URL(metricsUrl).port}/metrics`);
  const village = await db.prisma.village.findFirstOrThrow({ orderBy: { code: 'asc' } });
  const township = await createOfficial(db.prisma, {
    role: 'TOWNSHIP',
    scopeCode: village.townshipCode,
    name: '乡镇干部',
  });
  // 201 only once the worker has run the round's workflow and its activities (the round is in the database).
  const started = await api(baseUrl, township.token).post('/rounds', {
    villageCode: village.code,
    policy: longPublicity,
  });
  expect(started.status).toBe(201);

  const onQueue = { task_queue: taskQueue };
  const m = await eventually(
    async () => {
      const got = await scrape(metricsUrl);
      return value(got.samples, 'temporal_activity_execution_latency_seconds_count', onQueue) > 0 ? got : undefined;
    },
    15_000,
    'activity latency samples',
  );
  expect(m.status).toBe(200);
  // Activity latency (seconds), per activity type, and activity and workflow task counts.
  const activityTypes = select(m.samples, 'temporal_activity_execution_latency_seconds_count', onQueue).map(
    (s) => s.labels.activity_type,
  );
  expect(activityTypes.length).toBeGreaterThan(0);
  expect(
    value(m.samples, 'temporal_activity_execution_latency_seconds_bucket', {
      ...onQueue,
      activity_type: activityTypes[0]!,
      le: '+Inf',
    }),
  ).toBeGreaterThan(0);
  expect(
    select(m.samples, 'temporal_activity_schedule_to_start_latency_seconds_count', onQueue).length,
  ).toBeGreaterThan(0);
  expect(select(m.samples, 'temporal_workflow_task_execution_latency_seconds_count', onQueue).length).toBeGreaterThan(
    0,
  );
  // The worker's slots and pollers.
  expect(select(m.samples, 'temporal_worker_task_slots_available', onQueue).length).toBeGreaterThan(0);
  // Nothing from a round's data: no village code in any label.
  expect(m.text).not.toContain(village.code);
});
