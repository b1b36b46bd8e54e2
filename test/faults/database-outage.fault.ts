// PostgreSQL refusing the worker's connections for 12 s, twice in one round (while a publicity ends and while
// a township review is being recorded): the activities retry, the round completes, and the database ends as
// in an undisturbed control run.
import { setTimeout as delay } from 'node:timers/promises';
import { eventually, type Reply } from '../../kit/http';
import { normalisedDump, partialWrites, snapshot } from './support/db-state';
import { roundStateQuery } from '../../workflows/round-contract';
import { activityAttempt, updatesAccepted } from './support/history';
import { killAll } from '../../kit/processes';
import { runRound } from './support/round-script';
import { startWorld, type World } from './support/world';

const PUBLICITY = '3s';
const OUTAGE_MS = 12_000;
const worlds: World[] = [];

afterAll(async () => {
  await Promise.allSettled(worlds.map((w) => w.stop()));
  await killAll();
});

async function world(name: string): Promise<World> {
  const w = await startWorld(name);
  worlds.push(w);
  return w;
}

async function village(w: World): Promise<string> {
  const rows = await w.db.prisma.village.findMany({ orderBy: { code: 'asc' }, skip: 21, take: 1 });
  return rows[0]!.code;
}

/**
 * Cuts the worker off from PostgreSQL (open connections closed, new ones refused) for OUTAGE_MS while the
 * round's pending activity keeps failing, then lets it reconnect.
 */
async function outage(w: World, roundId: string, stage: string, whileDown: () => void = () => undefined) {
  const worker = w.worker.pid;
  await w.workerDb.refuse();
  const began = Date.now();
  whileDown();
  await eventually(
    async () => (await activityAttempt(w.temporal.client, roundId)) >= 3,
    OUTAGE_MS,
    'the activity to fail and be retried during the outage',
  );
  const during = await snapshot(w.db.url, roundId);
  expect(during.round?.stage).toBe(stage);
  expect(partialWrites(during)).toEqual([]);
  // The outage has a length of its own: nothing to wait on but the clock.
  await delay(Math.max(0, OUTAGE_MS - (Date.now() - began)));
  expect(w.worker.running && w.worker.pid === worker).toBe(true);
  await w.workerDb.restore();
}

test('PostgreSQL refuses the worker for 12 s at a publicity end and during a decision: retried, completed identically', async () => {
  const control = await world('control');
  const villageCode = await village(control);
  await runRound({
    prisma: control.db.prisma,
    villageCode,
    baseUrl: () => control.api.baseUrl,
    publicityPeriod: PUBLICITY,
  });
  const expected = await normalisedDump(control.db.prisma, villageCode);
  await control.stop();

  const w = await world('faulted');
  let roundId = '';
  const firstWorker = w.worker.pid;
  await runRound(
    { prisma: w.db.prisma, villageCode, baseUrl: () => w.api.baseUrl, publicityPeriod: PUBLICITY },
    {
      after: {
        start: async (id) => void (roundId = id),
        // The first publicity runs out while PostgreSQL is away: PUBLICITY_ENDED cannot be written yet.
        assessment: () => outage(w, roundId, 'FIRST_PUBLICITY'),
      },
      during: {
        // The township review is accepted by the workflow, but its write waits for PostgreSQL.
        townshipReview: async (send) => {
          let reply: Promise<Reply> | undefined;
          await outage(w, roundId, 'TOWNSHIP_REVIEW', () => (reply = send()));
          return reply!;
        },
      },
    },
  );
  expect(w.worker.pid).toBe(firstWorker);
  expect(await normalisedDump(w.db.prisma, villageCode)).toEqual(expected);
});

test('PostgreSQL slow to acknowledge a publicity end: the review an official sends for the stage shown is accepted', async () => {
  const w = await world('slow-ack');
  const villageCode = await village(w);
  let roundId = '';
  await runRound(
    { prisma: w.db.prisma, villageCode, baseUrl: () => w.api.baseUrl, publicityPeriod: PUBLICITY },
    {
      after: {
        start: async (id) => void (roundId = id),
        // The first publicity ends: PUBLICITY_ENDED commits (one statement with the round's row, activities/rounds.ts
        // applyTransition), but its answer is held from the worker.
        assessment: async () => w.workerDb.hold({ match: 'INSERT INTO "Decision"', hold: 'response' }),
      },
      during: {
        // runRound saw TOWNSHIP_REVIEW through GET /rounds/:id (the database); the workflow has not heard yet.
        townshipReview: async (send) => {
          const handle = w.temporal.client.workflow.getHandle(roundId);
          expect(w.workerDb.trapped).toBe(1);
          expect((await handle.query(roundStateQuery)).stage).toBe('FIRST_PUBLICITY');
          const reply = send();
          // Accepted (the workflow now waits for the commit's answer), or refused at once, which fails below.
          await Promise.race([
            reply,
            eventually(() => updatesAccepted(w.temporal.client, roundId, 3), 30_000, 'the review to be accepted'),
          ]);
          w.workerDb.release();
          return reply;
        },
      },
    },
  );
  const s = await snapshot(w.db.url, roundId);
  expect(s.round).toEqual({ stage: 'COMPLETED', status: 'COMPLETED' });
  expect(s.decisions.map((d) => d.kind)).toEqual([
    'ROUND_STARTED',
    'ASSESSMENT_SUBMITTED',
    'PUBLICITY_ENDED',
    'TOWNSHIP_REVIEW',
    'COUNTY_SAMPLE_DRAWN',
    'PUBLICITY_ENDED',
    'COUNTY_ANNOUNCEMENT',
    'ANNOUNCEMENT_PERIOD_ENDED',
  ]);
});
