// Key rotation mid-round: a round starts under key A; the worker and the API are restarted with `B,A` (B new,
// A kept to decrypt); the round completes, its history holds payloads under both keys and replays with `B,A`.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createApp } from '../../api/app';
import { payloadDataConverter, randomPayloadKey, type PayloadKey } from '../../infra/codec';
import { createLogger } from '../../infra/logger';
import { createOfficial } from '../../infra/officials';
import { seedDemoCounty } from '../../infra/seed';
import { createWorker } from '../../infra/worker';
import { createTestDatabase, type TestDatabase } from '../../kit/database';
import { historyForms, payloadsIn } from '../../kit/history-search';
import { api } from '../../kit/http';
import { freshIdNumber, meeting, visitsFor, waitForStage } from '../../kit/rounds';
import { startDevServer as startTemporal, testDataConverter, workflowBundle } from '../../kit/temporal';

const A = randomPayloadKey('key-a');
const B = randomPayloadKey('key-b');
const taskQueue = `test-rotation-${randomBytes(4).toString('hex')}`;

let env: TestWorkflowEnvironment;
let db: TestDatabase;
beforeAll(async () => {
  [env, db] = await Promise.all([startTemporal({ dataConverter: testDataConverter([A]) }), createTestDatabase()]);
  await seedDemoCounty(db.prisma);
});
afterAll(async () => {
  await env?.teardown();
  await db?.drop();
});

/** A worker and an API in this process with `keys`, as a restarted deployment would run them. */
async function deployment(keys: PayloadKey[]) {
  const dataConverter = payloadDataConverter(keys);
  const client = new Client({ connection: env.connection, namespace: env.namespace ?? 'default', dataConverter });
  const worker = await createWorker({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    prisma: db.prisma,
    client,
    workflowBundle: await workflowBundle(),
    dataConverter,
  });
  const running = worker.run();
  const app = createApp({ prisma: db.prisma, client, taskQueue, logger: createLogger('error', () => undefined) });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return {
    client,
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`,
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      worker.shutdown();
      await running;
    },
  };
}

test('a round started under key A completes after a restart with B,A, and its history replays', async () => {
  const villageCode = (await db.prisma.village.findFirstOrThrow({ orderBy: { code: 'asc' }, skip: 60 })).code;
  const make = (role: 'VILLAGE' | 'TOWNSHIP' | 'COUNTY', scopeCode: string) =>
    createOfficial(db.prisma, { role, scopeCode, name: `${role} ${scopeCode}` });
  const [village, township, county] = await Promise.all([
    make('VILLAGE', villageCode),
    make('TOWNSHIP', villageCode.slice(0, 9)),
    make('COUNTY', '620522'),
  ]);

  // Under key A: the round starts and the village's assessment (a new household) opens the first publicity.
  const first = await deployment([A]);
  const started = await api(first.baseUrl, township.token).post('/rounds', {
    villageCode,
    policy: { publicityPeriod: '3s', stageDeadline: '1 hour' },
  });
  expect(started.status).toBe(201);
  const roundId: string = started.body.roundId;
  const assessed = await api(first.baseUrl, village.token).post(`/rounds/${roundId}/assessment`, {
    meeting,
    proposals: [
      {
        action: 'ENTER',
        entryReason: 'NEW_IDENTIFIED',
        household: { headName: '轮换新户', idNumber: freshIdNumber(9201), size: 3 },
        category: 'TARGETED',
        cause: 'DISABILITY',
        votesFor: 27,
        votesAgainst: 0,
      },
    ],
  });
  expect(assessed.status).toBe(200);
  await first.stop();

  // Restarted with B first (it encrypts from now on) and A kept to read what A encrypted.
  const second = await deployment([B, A]);
  try {
    const t = api(second.baseUrl, township.token);
    await waitForStage(t, roundId, 'TOWNSHIP_REVIEW');
    expect(
      (
        await t.post(`/rounds/${roundId}/township-review`, {
          decision: 'APPROVE',
          note: '属实',
          verification: await visitsFor(t, roundId),
        })
      ).status,
    ).toBe(200);
    const c = api(second.baseUrl, county.token);
    await waitForStage(c, roundId, 'COUNTY_ANNOUNCEMENT');
    expect(
      (await c.post(`/rounds/${roundId}/county-announcement`, { decision: 'ANNOUNCE', note: '同意' })).status,
    ).toBe(200);
    const handle = second.client.workflow.getHandle(roundId);
    await handle.result();
    expect(await db.prisma.household.count({ where: { headName: '轮换新户', status: 'REGISTERED' } })).toBe(1);

    const history = await handle.fetchHistory();
    const keyIds = new Set(
      payloadsIn(historyForms(history).json)
        .map((p) => p.metadata?.['encryption-key-id'])
        .filter((k): k is string => k !== undefined)
        .map((k) => Buffer.from(k, 'base64').toString()),
    );
    expect(keyIds).toEqual(new Set(['key-a', 'key-b']));

    const bundle = await workflowBundle();
    await expect(
      Worker.runReplayHistory(
        { workflowBundle: bundle, dataConverter: payloadDataConverter([B, A]) },
        history,
        roundId,
      ),
    ).resolves.toBeUndefined();
    // Without A, the payloads A encrypted cannot be read: the old key must stay until no history needs it. The
    // workflow task fails; its message (naming key-a) is itself encrypted by the failure converter, so the replay
    // reports an encoded failure.
    await expect(
      Worker.runReplayHistory({ workflowBundle: bundle, dataConverter: payloadDataConverter([B]) }, history, roundId),
    ).rejects.toThrow(/key-a|Encoded failure/);
  } finally {
    await second.stop();
  }
});
