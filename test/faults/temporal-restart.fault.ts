// The Temporal dev server stopped and started again on its SQLite file, while one round's publicity timer is
// pending and another round waits for its assessment: both resume on the restarted server, with the same
// worker and API processes, and complete.
import { eventually, type Reply } from '../../kit/http';
import { partialWrites, snapshot } from './support/db-state';
import { timerFired } from './support/history';
import { killAll } from '../../kit/processes';
import { runRound } from './support/round-script';
import { startWorld, type World } from './support/world';

const worlds: World[] = [];

afterAll(async () => {
  await Promise.allSettled(worlds.map((w) => w.stop()));
  await killAll();
});

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

test.each(['SIGTERM', 'SIGKILL'] as const)(
  'Temporal stopped with %s and restarted on its SQLite file: a pending publicity timer fires late, an open round takes decisions',
  async (signal) => {
    const world = await startWorld('restart');
    worlds.push(world);
    const [a, b] = (await world.db.prisma.village.findMany({ orderBy: { code: 'asc' }, skip: 22, take: 2 })).map(
      (v) => v.code,
    );
    const { worker, api } = world;
    const bOpen = deferred();
    const restarted = deferred();

    const ctx = (villageCode: string) => ({
      prisma: world.db.prisma,
      villageCode,
      baseUrl: () => world.api.baseUrl,
      publicityPeriod: '8s',
    });

    // Round A: stopped in its first publicity, the timer due while the server is down.
    const roundA = runRound(ctx(a!), {
      after: {
        assessment: async (roundId) => {
          await bOpen.promise;
          expect(await timerFired(world.temporal.client, roundId)).toBe(false);
          const { publicityEndsAt } = await world.db.prisma.round.findUniqueOrThrow({ where: { id: roundId } });
          await world.temporal.shutdown(signal);
          await eventually(async () => Date.now() > publicityEndsAt!.getTime() + 1000, 30_000, 'the publicity end');
          expect((await snapshot(world.db.url, roundId)).round?.stage).toBe('FIRST_PUBLICITY');
          await world.temporal.startAgain();
          restarted.resolve();
        },
      },
    });
    // Round B: open at the village assessment across the restart, then assessed on the restarted server.
    const roundB = runRound(ctx(b!), {
      after: { start: async () => bOpen.resolve() },
      during: {
        assessment: async (send: () => Promise<Reply>) => {
          await restarted.promise;
          return send();
        },
      },
    });
    const [idA, idB] = await Promise.all([roundA, roundB]);

    for (const id of [idA, idB]) {
      const s = await snapshot(world.db.url, id);
      expect(s.round).toEqual({ stage: 'COMPLETED', status: 'COMPLETED' });
      expect(partialWrites(s)).toEqual([]);
      expect((await world.temporal.client.workflow.getHandle(id).result()).status).toBe('COMPLETED');
    }
    // The same worker and API processes rode out the restart.
    expect(world.worker).toBe(worker);
    expect(world.api).toBe(api);
    expect(worker.running && api.running).toBe(true);
  },
);
