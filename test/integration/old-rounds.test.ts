// A round started before the rules of version 2 finishes under the rules it started with: it runs on the previous
// release's workflow bundle (commit 0a6f0d4, built from that tree), that worker stops halfway, and a worker with the
// current code takes the round over on the same task queue (replaying its history) and finishes it: the county's
// announcement completes it at once, with the registry changed, and no announcement period.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { bundleWorkflowCode, DefaultLogger, type Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createApp } from '../../api/app';
import { createLogger } from '../../infra/logger';
import { seedDemoCounty } from '../../infra/seed';
import { createWorker } from '../../infra/worker';
import { createTestDatabase, type TestDatabase } from '../../kit/database';
import { api, eventually } from '../../kit/http';
import { startDevServer as startTemporal, startInputOf, testDataConverter, workflowBundle } from '../../kit/temporal';
import { meeting, visitsFor } from '../../kit/rounds';
import { createOfficial } from '../../infra/officials';

/** The last commit before the rules of version 2. */
const PREVIOUS_RELEASE = '0a6f0d4';
const ROOT = path.resolve(__dirname, '../..');
/** The client's and both workers' payload codec (one key). */
const dataConverter = testDataConverter();

let env: TestWorkflowEnvironment;
let db: TestDatabase;
let server: Server;
let baseUrl: string;
let tree: string;
const taskQueue = `old-rounds-${randomBytes(4).toString('hex')}`;

/** The previous release's workflows, bundled from its own tree (node_modules borrowed from this checkout). */
async function previousBundle() {
  tree = fs.mkdtempSync(path.join(os.tmpdir(), 'jingzhun-previous-'));
  const archive = execFileSync('git', ['archive', PREVIOUS_RELEASE, 'workflows', 'domain', 'activities', 'infra'], {
    cwd: ROOT,
    maxBuffer: 64 * 1024 * 1024,
  });
  execFileSync('tar', ['-x', '-C', tree], { input: archive });
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(tree, 'node_modules'), 'dir');
  fs.symlinkSync(path.join(ROOT, 'generated'), path.join(tree, 'generated'), 'dir');
  return bundleWorkflowCode({ workflowsPath: path.join(tree, 'workflows'), logger: new DefaultLogger('WARN') });
}

async function worker(
  bundle: Awaited<ReturnType<typeof workflowBundle>>,
): Promise<{ w: Worker; running: Promise<void> }> {
  const w = await createWorker({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    prisma: db.prisma,
    client: env.client,
    workflowBundle: bundle,
    dataConverter,
  });
  return { w, running: w.run() };
}

beforeAll(async () => {
  [env, db] = await Promise.all([startTemporal({ dataConverter }), createTestDatabase()]);
  await seedDemoCounty(db.prisma);
  // The API of this release started rounds without rules until the settings were captured: so did the previous one.
  const app = createApp({ prisma: db.prisma, client: env.client, taskQueue, logger: createLogger('error', () => {}) });
  server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server?.close(() => resolve()));
  await env?.teardown();
  await db?.drop();
  if (tree) fs.rmSync(tree, { recursive: true, force: true });
});

test('a round started on the previous release finishes on the new worker without an announcement period', async () => {
  const [oldBundle, newBundle] = await Promise.all([previousBundle(), workflowBundle()]);
  // Really two releases: only the new code knows the announcement period.
  expect(oldBundle.code).not.toContain('ANNOUNCEMENT_PERIOD');
  expect(newBundle.code).toContain('ANNOUNCEMENT_PERIOD');
  const villageCode = '620522100201';
  const token = async (role: 'VILLAGE' | 'TOWNSHIP' | 'COUNTY', scopeCode: string) =>
    api(baseUrl, (await createOfficial(db.prisma, { role, scopeCode, name: role })).token);
  const [village, township, county] = await Promise.all([
    token('VILLAGE', villageCode),
    token('TOWNSHIP', villageCode.slice(0, 9)),
    token('COUNTY', villageCode.slice(0, 6)),
  ]);
  const stageOf = async (id: string, stage: string) =>
    eventually(
      async () => ((await county.get(`/rounds/${id}`)).body.stage === stage ? true : undefined),
      30_000,
      stage,
    );

  // On the previous release: start, assess, first publicity, township review.
  const old = await worker(oldBundle);
  const started = await township.post('/rounds', { villageCode, policy: { publicityPeriod: '1s' } });
  expect(started.status).toBe(201);
  const roundId = started.body.roundId as string;
  const households = await db.prisma.household.findMany({
    where: { villageCode, status: 'REGISTERED' },
    orderBy: { registryNo: 'asc' },
    take: 2,
  });
  const assessed = await village.post(`/rounds/${roundId}/assessment`, {
    meeting,
    proposals: households.map((h) => ({
      action: 'EXIT',
      householdId: h.id,
      exitReason: 'REACHED_STANDARD',
      householdConsent: { signedOn: '2026-11-18' },
      votesFor: 25,
      votesAgainst: 1,
    })),
  });
  expect(assessed.status).toBe(200);
  await stageOf(roundId, 'TOWNSHIP_REVIEW');
  expect(await startInputOf<object>(env.client, roundId)).not.toHaveProperty('rules');
  old.w.shutdown();
  await old.running;

  // On the new worker: it replays the previous release's history and finishes the round under the old rules.
  const current = await worker(newBundle);
  try {
    expect(
      (
        await township.post(`/rounds/${roundId}/township-review`, {
          decision: 'APPROVE',
          note: '入户核查属实',
          verification: await visitsFor(township, roundId),
        })
      ).status,
    ).toBe(200);
    await stageOf(roundId, 'COUNTY_ANNOUNCEMENT');
    const announced = await county.post(`/rounds/${roundId}/county-announcement`, {
      decision: 'ANNOUNCE',
      note: '同意',
    });
    expect(announced.status).toBe(200);
    expect(announced.body.stage).toBe('COMPLETED');
    const done = (await county.get(`/rounds/${roundId}`)).body;
    expect(done.status).toBe('COMPLETED');
    expect(done.countySample).toEqual([]);
    expect(done.decisions.map((d: { stage: string }) => d.stage)).not.toContain('ANNOUNCEMENT_PERIOD');
    expect(done.notices.at(-1)).toMatchObject({ kind: 'ANNOUNCEMENT', endsAt: null });
    expect(
      await db.prisma.household.count({ where: { id: { in: households.map((h) => h.id) }, status: 'EXITED' } }),
    ).toBe(2);
    expect(await db.prisma.registryChange.count({ where: { roundId } })).toBe(2);
    // The workflow ran to its end on the new code with no failed workflow task (a nondeterminism would show here).
    const events = (await env.client.workflow.getHandle(roundId).fetchHistory()).events ?? [];
    expect(events.some((e) => e.workflowTaskFailedEventAttributes)).toBe(false);
    expect(events.at(-1)?.workflowExecutionCompletedEventAttributes).toBeTruthy();
  } finally {
    current.w.shutdown();
    await current.running;
  }
});
