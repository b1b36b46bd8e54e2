// The API process SIGKILLed with decisions in flight. A request still reading the database in the API never
// reaches the round; one the workflow has accepted is applied whole after the API is gone. The database, read
// in one snapshot at every step, never holds half a decision; a new API process then completes the round.
import { roundStateQuery } from '../../workflows/round-contract';
import { eventually, type Reply } from '../../kit/http';
import { announceWithSpotChecks, visitsFor } from '../../kit/rounds';
import { partialWrites, snapshot, type Snapshot } from './support/db-state';
import { updatesAccepted } from './support/history';
import { killAll } from '../../kit/processes';
import { officialsFor } from '../../kit/rounds';
import { assessmentFor, waitForStage } from './support/round-script';
import { startWorld, type World } from './support/world';

let w: World | undefined;

afterAll(async () => {
  await w?.stop();
  await killAll();
});

/** Settles to 'answered' or 'cut' (the connection died with the API). */
const outcome = (reply: Promise<Reply>) =>
  reply.then(
    () => 'answered',
    () => 'cut',
  );

test('API SIGKILLed mid-request: each decision is applied whole or not at all, and a new API completes the round', async () => {
  w = await startWorld('api-crash');
  const world = w;
  const [villageCode] = (await world.db.prisma.village.findMany({ orderBy: { code: 'asc' }, skip: 24, take: 1 })).map(
    (v) => v.code,
  );
  const o = await officialsFor({ prisma: world.db.prisma, baseUrl: () => world.api.baseUrl }, villageCode!);
  const client = world.temporal.client;

  /** A consistent snapshot; fails the test on any half-written decision. */
  const whole = async (roundId: string): Promise<Snapshot> => {
    const s = await snapshot(world.db.url, roundId);
    expect(partialWrites(s)).toEqual([]);
    return s;
  };

  const started = await o.township.client.post('/rounds', {
    villageCode,
    policy: { publicityPeriod: '20s', stageDeadline: '1 hour' },
  });
  expect(started.status).toBe(201);
  const roundId: string = started.body.roundId;
  const handle = client.workflow.getHandle(roundId);
  const { meeting, proposals } = await assessmentFor(world.db.prisma, villageCode!);
  const assessment = { meeting, proposals };

  // 1. Killed while the API still reads the database (authentication, registry checks): nothing happens.
  world.apiDb.hold();
  const readingDb = outcome(o.village.client.post(`/rounds/${roundId}/assessment`, assessment));
  await eventually(async () => world.apiDb.holding >= 1, 10_000, 'the API to query the database');
  await world.api.kill('SIGKILL');
  expect(await readingDb).toBe('cut');
  world.apiDb.release();
  let s = await whole(roundId);
  expect(s.decisions.map((d) => d.kind)).toEqual(['ROUND_STARTED']);
  expect([s.proposals.length, s.notices.length, s.round?.stage]).toEqual([0, 0, 'VILLAGE_ASSESSMENT']);
  expect(await updatesAccepted(client, roundId, 2)).toBe(false);
  expect((await handle.query(roundStateQuery)).stage).toBe('VILLAGE_ASSESSMENT');

  // 2. Killed once the workflow accepted the assessment, its write still waiting: applied whole without the API.
  await world.startApi();
  world.workerDb.hold();
  const accepted = outcome(o.village.client.post(`/rounds/${roundId}/assessment`, assessment));
  await eventually(() => updatesAccepted(client, roundId, 2), 30_000, 'the assessment to be accepted');
  await world.api.kill('SIGKILL');
  expect(await accepted).toBe('cut');
  s = await whole(roundId);
  expect(s.decisions.map((d) => d.kind)).toEqual(['ROUND_STARTED']);
  world.workerDb.release();
  s = await eventually(
    async () => {
      const x = await whole(roundId);
      return x.decisions.length === 2 ? x : undefined;
    },
    30_000,
    'the assessment to be written',
  );
  expect(s.decisions.map((d) => d.kind)).toEqual(['ROUND_STARTED', 'ASSESSMENT_SUBMITTED']);
  expect([s.proposals.length, s.notices.map((n) => n.version), s.round?.stage]).toEqual([4, [1], 'FIRST_PUBLICITY']);

  // 3. Five objections in flight: three accepted by the workflow, two still in the API's database reads.
  await world.startApi();
  const proposalIds = s.proposals.map((p) => p.id);
  const objection = (reason: string, i: number) =>
    outcome(
      o.village.client.post(`/rounds/${roundId}/objections`, {
        proposalId: proposalIds[i],
        objector: { name: `村民${i}` },
        reason,
      }),
    );
  world.workerDb.hold();
  const reached = ['reached-1', 'reached-2', 'reached-3'].map(objection);
  await eventually(() => updatesAccepted(client, roundId, 5), 30_000, 'three objections to be accepted');
  world.apiDb.hold();
  const stuck = ['stuck-1', 'stuck-2'].map(objection);
  await eventually(async () => world.apiDb.holding >= 2, 10_000, 'two requests to wait on the database');
  await world.api.kill('SIGKILL');
  expect(await Promise.all([...reached, ...stuck])).toEqual(['cut', 'cut', 'cut', 'cut', 'cut']);
  expect((await whole(roundId)).objections).toEqual([]);
  world.apiDb.release();
  world.workerDb.release();
  s = await eventually(
    async () => {
      const x = await whole(roundId);
      return x.objections.length === 3 ? x : undefined;
    },
    30_000,
    'the accepted objections to be written',
  );
  expect(s.objections.map((x) => x.reason).sort()).toEqual(['reached-1', 'reached-2', 'reached-3']);
  const state = await handle.query(roundStateQuery);
  expect(state.objections.map((x) => x.id).sort()).toEqual(s.objections.map((x) => x.id).sort());
  expect(state.seq).toBe(s.decisions.length);

  // 4. A new API process: resolve the objections and complete the round.
  await world.startApi();
  for (const x of s.objections) {
    const r = await o.township.client.post(`/rounds/${roundId}/objections/${x.id}/resolution`, {
      decision: 'DISMISSED',
      note: '经核实不成立',
    });
    expect(r.status).toBe(200);
  }
  await waitForStage(() => o.township.client, roundId, 'TOWNSHIP_REVIEW', 60_000);
  expect(
    (
      await o.township.client.post(`/rounds/${roundId}/township-review`, {
        decision: 'APPROVE',
        note: '属实',
        verification: await visitsFor(o.township.client, roundId),
      })
    ).status,
  ).toBe(200);
  const atCounty = await waitForStage(() => o.county.client, roundId, 'COUNTY_ANNOUNCEMENT', 60_000);
  expect(
    (await o.county.client.post(`/rounds/${roundId}/county-announcement`, announceWithSpotChecks(atCounty, '同意')))
      .status,
  ).toBe(200);
  // The registry changes at the end of the announcement period.
  await waitForStage(() => o.county.client, roundId, 'COMPLETED', 60_000);
  s = await whole(roundId);
  expect(s.round).toEqual({ stage: 'COMPLETED', status: 'COMPLETED' });
  expect(s.registryChanges).toBe(4);
  expect(s.decisions.filter((d) => d.kind === 'OBJECTION_FILED')).toHaveLength(3);
});
