// A worker process SIGKILLed in the middle of a round: a new worker takes over and the round ends exactly as
// an undisturbed control run of the same script does, row for row.
import { eventually, type Reply } from '../../kit/http';
import { normalisedDump, openTransactions, partialWrites, snapshot, type Snapshot } from './support/db-state';
import { activityRetries, timerFired } from './support/history';
import { killAll } from '../../kit/processes';
import { runRound, type Faults } from './support/round-script';
import { startWorld, type World } from './support/world';

const PUBLICITY = '3s';
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

/** A village with enough registered households for the script; the same code in every world (same seed). */
async function village(w: World): Promise<string> {
  const rows = await w.db.prisma.village.findMany({ orderBy: { code: 'asc' }, skip: 20, take: 1 });
  return rows[0]!.code;
}

/** Runs the script in a world of its own, with no fault, and returns the normalised database. */
async function controlRun() {
  const w = await world('control');
  const villageCode = await village(w);
  await runRound({ prisma: w.db.prisma, villageCode, baseUrl: () => w.api.baseUrl, publicityPeriod: PUBLICITY });
  const dump = await normalisedDump(w.db.prisma, villageCode);
  await w.stop();
  return { villageCode, dump };
}

async function faultedRun(villageCode: string, inject: (w: World, roundId: () => string) => Faults) {
  const w = await world('faulted');
  let roundId = '';
  const faults = inject(w, () => roundId);
  await runRound(
    { prisma: w.db.prisma, villageCode, baseUrl: () => w.api.baseUrl, publicityPeriod: PUBLICITY },
    { ...faults, after: { ...faults.after, start: async (id) => void (roundId = id) } },
  );
  const dump = await normalisedDump(w.db.prisma, villageCode);
  return { w, roundId, dump };
}

/**
 * Kills the worker while `send`'s activity holds at its write: the one statement of its decision and everything the
 * step writes with it (activities/rounds.ts), sent but not yet run ('request'), or run and committed with its answer
 * unseen ('response').
 */
async function killDuringCommit(
  w: World,
  roundId: string,
  send: () => Promise<Reply>,
  hold: 'request' | 'response',
  committed: (s: Snapshot) => boolean,
): Promise<Reply> {
  const before = await snapshot(w.db.url, roundId);
  w.workerDb.hold({ match: 'INSERT INTO "Decision"', hold });
  const reply = send();
  await eventually(async () => w.workerDb.trapped > 0, 30_000, 'the transition to reach its write');
  if (hold === 'request') {
    // applyTransition is in flight: its write has not run, and nothing of the step is there.
    expect(committed(await snapshot(w.db.url, roundId))).toBe(false);
  } else {
    // The transaction committed; the worker has not heard back.
    await eventually(async () => committed(await snapshot(w.db.url, roundId)), 30_000, 'the commit');
  }
  await w.worker.kill('SIGKILL');
  w.workerDb.release();
  // PostgreSQL rolls back (or has committed) the dead worker's transaction: nothing half-written either way.
  await eventually(async () => (await openTransactions(w.db.url)) === 0, 30_000, 'the dead transaction to end');
  const after = await snapshot(w.db.url, roundId);
  expect(partialWrites(after)).toEqual([]);
  expect(after.decisions.length).toBe(before.decisions.length + (hold === 'response' ? 1 : 0));
  await w.startWorker();
  // The API is still waiting on the update: it answers once the retried activity completes.
  return reply;
}

test('worker SIGKILLed during applyTransition (before and after its write): a new worker completes the round identically', async () => {
  const control = await controlRun();
  const { w, roundId, dump } = await faultedRun(control.villageCode, (w, roundId) => ({
    during: {
      // Killed with the assessment's write sent but not run: redone by the retry.
      assessment: (send) =>
        killDuringCommit(w, roundId(), send, 'request', (s) =>
          s.decisions.some((d) => d.kind === 'ASSESSMENT_SUBMITTED'),
        ),
      // Killed after the announcement committed but before the worker knew: the retry must write nothing.
      countyAnnouncement: (send) =>
        killDuringCommit(w, roundId(), send, 'response', (s) =>
          s.decisions.some((d) => d.kind === 'COUNTY_ANNOUNCEMENT'),
        ),
    },
  }));
  expect(dump).toEqual(control.dump);
  // Both killed attempts were retried (after the 1-minute start-to-close timeout) by the next worker.
  expect(await activityRetries(w.temporal.client, roundId)).toBe(2);
  expect(dump.rounds[0]).toMatchObject({ status: 'COMPLETED', stage: 'COMPLETED' });
  expect(dump.rounds[0]!.proposals.filter((p) => p.status === 'APPLIED').map((p) => p.registryChanges)).toEqual([
    1, 1, 1,
  ]);
});

test('worker SIGKILLed while a publicity timer runs: the timer fires with no worker, a new worker moves the round on', async () => {
  const control = await controlRun();
  const { dump } = await faultedRun(control.villageCode, (w) => ({
    after: {
      assessment: async (roundId) => {
        expect(await timerFired(w.temporal.client, roundId)).toBe(false);
        await w.worker.kill('SIGKILL');
        await eventually(() => timerFired(w.temporal.client, roundId), 30_000, 'the publicity timer to fire');
        // Nothing moves without a worker...
        expect((await snapshot(w.db.url, roundId)).round?.stage).toBe('FIRST_PUBLICITY');
        // ...and a new worker replays the history and carries on.
        await w.startWorker();
      },
    },
  }));
  expect(dump).toEqual(control.dump);
  expect(dump.rounds[0]).toMatchObject({ status: 'COMPLETED', stage: 'COMPLETED' });
});
