// A township campaign on `npm run cluster` — Temporal's own server as four processes on PostgreSQL, two workers,
// two APIs taking requests in turn — while one worker is SIGKILLed, the history service restarted and the
// matching service SIGKILLed (the supervisor starts each again): every round completes and the database equals
// that of an undisturbed control run on another cluster, row for row.
import type { PrismaClient } from '../../infra/db';
import { TEMPORAL_SERVICES } from '../../infra/temporal-cluster';
import { normalisedDump } from '../faults/support/db-state';
import { runTownshipCampaign, townshipVillages } from './support/campaign-script';
import { commandLine, restartedPid, startCluster, type ClusterRun } from '../../kit/cluster';

const PUBLICITY = '3s';
const runs: ClusterRun[] = [];

afterAll(async () => {
  await Promise.allSettled(runs.map((r) => r.destroy()));
});

async function cluster(name: string): Promise<ClusterRun> {
  const run = await startCluster(name);
  runs.push(run);
  return run;
}

/** The township whose village count is nearest 8 (lowest code on a tie): the same in every seeded database. */
async function township(prisma: PrismaClient): Promise<string> {
  const groups = await prisma.village.groupBy({ by: ['townshipCode'], _count: { _all: true } });
  groups.sort(
    (a, b) => Math.abs(a._count._all - 8) - Math.abs(b._count._all - 8) || a.townshipCode.localeCompare(b.townshipCode),
  );
  return groups[0]!.townshipCode;
}

async function dump(prisma: PrismaClient, townshipCode: string) {
  const villages = [];
  for (const v of await townshipVillages(prisma, townshipCode)) villages.push(await normalisedDump(prisma, v));
  const campaigns = await prisma.campaign.findMany({ select: { status: true, villageCodes: true, policy: true } });
  return { campaigns, villages };
}

function alive(pid: number | undefined): boolean {
  return pid !== undefined && commandLine(pid) !== undefined;
}

test('a township campaign on the cluster survives a worker SIGKILL, a history restart and a matching SIGKILL, ending as an undisturbed run', async () => {
  const control = await cluster('control');
  const townshipCode = await township(control.db.prisma);
  await runTownshipCampaign({
    prisma: control.db.prisma,
    townshipCode,
    baseUrl: () => control.nextBaseUrl(),
    publicityPeriod: PUBLICITY,
  });
  const expected = await dump(control.db.prisma, townshipCode);
  await control.destroy();

  const run = await cluster('faulted');
  const first = run.state();
  // Temporal's own server, one process per service: four distinct pids, each started for its service.
  const servicePids = TEMPORAL_SERVICES.map((s) => first.temporal[s]!);
  expect(new Set(servicePids).size).toBe(4);
  for (const [i, s] of TEMPORAL_SERVICES.entries()) {
    const argv = commandLine(servicePids[i]!)!;
    expect(argv.join(' ')).toMatch(/temporal-server-v1\.29\.1 /);
    expect(argv.slice(-2)).toEqual(['--service', s]);
  }
  expect(first.workers).toHaveLength(2);
  expect(first.apis).toHaveLength(2);
  // The Web UI decodes payloads through the first API's codec server, sending the browser's credentials (cookies).
  const settings = (await (await fetch(`${first.uiUrl}/api/v1/settings`)).json()) as { Codec: unknown };
  expect(settings.Codec).toMatchObject({
    Endpoint: first.apis[0]!.url.replace(/\/api\/v1$/, '/codec'),
    IncludeCredentials: true,
    PassAccessToken: false,
  });

  const killed: number[] = [];
  await runTownshipCampaign(
    { prisma: run.db.prisma, townshipCode, baseUrl: () => run.nextBaseUrl(), publicityPeriod: PUBLICITY },
    {
      assessment: async () => {
        const pid = first.workers[0]!;
        process.kill(pid, 'SIGKILL');
        killed.push(pid);
        await restartedPid(run, (s) => s.workers[0], pid);
      },
      townshipReview: async () => {
        const pid = first.temporal.history!;
        process.kill(pid, 'SIGTERM');
        killed.push(pid);
        await restartedPid(run, (s) => s.temporal.history, pid);
      },
      countyAnnouncement: async () => {
        const pid = first.temporal.matching!;
        process.kill(pid, 'SIGKILL');
        killed.push(pid);
        await restartedPid(run, (s) => s.temporal.matching, pid);
      },
    },
  );

  expect(await dump(run.db.prisma, townshipCode)).toEqual(expected);
  expect(expected.villages.length).toBeGreaterThan(1);
  for (const v of expected.villages) expect(v.rounds[0]).toMatchObject({ status: 'COMPLETED', stage: 'COMPLETED' });
  // Both APIs took requests; the killed processes are gone and were replaced; the untouched services kept running.
  expect(run.requestsPerApi.every((n) => n > 0)).toBe(true);
  expect(killed).toHaveLength(3);
  for (const pid of killed) expect(alive(pid)).toBe(false);
  const last = run.state();
  for (const s of TEMPORAL_SERVICES) expect(alive(last.temporal[s])).toBe(true);
  expect(last.temporal.frontend).toBe(first.temporal.frontend);
  expect(last.temporal.worker).toBe(first.temporal.worker);
  expect(run.output()).toMatch(/temporal-history exited .*starting it again/);
  expect(run.output()).toMatch(/temporal-matching exited .*starting it again/);

  // Ctrl-C stops everything it started, and the supervisor exits as an interrupted program does (128 + SIGINT).
  const all = [...Object.values(last.temporal), last.ui, ...last.workers, ...last.apis.map((a) => a.pid)];
  expect(await run.stop()).toEqual({ code: 130, signal: null });
  for (const pid of all) expect(alive(pid)).toBe(false);
});
