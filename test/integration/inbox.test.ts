// An official's inbox (GET /tasks) is remembered per API process (api/inbox.ts) and never shows what a committed
// change has made old: every change below is committed straight in the database by another connection, and the very
// next poll of each remembering API must equal the poll of an API that reads the database every time.
import { randomUUID } from 'node:crypto';
import { INBOX_CHANNEL, inboxChangeHeard, inboxCounts, listeningForInboxChanges } from '../../api/inbox';
import { createPrisma, listenTo, type PrismaClient } from '../../infra/db';
import { listeningBackends } from '../../kit/database';
import { api } from '../../kit/http';
import { scrape, value } from '../../kit/metrics';
import { startExtraApi, type ExtraApi } from '../../kit/extra-api';
import { longPublicity, official, officialsFor, villageClaimer, type Official } from '../../kit/rounds';
import { startStack, type Stack } from '../../kit/stack';
import { eventually } from '../../kit/wait';

let stack: Stack;
/** Two API processes' worth that remember inboxes, each with its own pool and listener. */
const remembering: { api: ExtraApi; prisma: PrismaClient }[] = [];
/** One that reads the database at every poll: what every answer must equal. */
let oracle: { api: ExtraApi; prisma: PrismaClient };
let claim: ReturnType<typeof villageClaimer>;

beforeAll(async () => {
  stack = await startStack();
  claim = villageClaimer(stack);
  for (let i = 0; i < 2; i++) {
    const prisma = createPrisma(stack.db.url);
    remembering.push({ api: await startExtraApi(stack, { prisma, inboxMemory: true }), prisma });
  }
  const prisma = createPrisma(stack.db.url);
  oracle = { api: await startExtraApi(stack, { prisma, inboxMemory: false }), prisma };
  for (const a of remembering) await eventually(async () => listeningForInboxChanges(a.prisma), 10_000, 'listening');
});
afterAll(async () => {
  for (const a of [...remembering, oracle]) {
    await a?.api.close();
    await a?.prisma.$disconnect();
  }
  await stack?.stop();
});

/** A poll's items without what depends on the instant it was answered (a finding's age in seconds). */
async function inbox(baseUrl: string, o: Official): Promise<unknown[]> {
  const r = await api(baseUrl, o.token).get('/tasks');
  expect(r.status).toBe(200);
  return (r.body.items as { finding?: { ageSeconds?: number } }[]).map((t) =>
    t.finding ? { ...t, finding: { ...t.finding, ageSeconds: undefined } } : t,
  );
}

/** Each remembering API answers `o` as the database does now; returns that answer. */
async function sameEverywhere(o: Official): Promise<unknown[]> {
  const answers = [];
  for (const a of remembering) answers.push(await inbox(a.api.baseUrl, o));
  const truth = await inbox(oracle.api.baseUrl, o);
  for (const answer of answers) expect(answer).toEqual(truth);
  return truth;
}

/** A round of a village of its own, waiting for the village's assessment, and the officials above it. */
async function roundWaitingForItsVillage() {
  const v = await claim();
  const o = await officialsFor(stack, v);
  const started = await o.township.client.post('/rounds', { villageCode: v, policy: longPublicity });
  expect(started.status).toBe(201);
  return { v, o, roundId: started.body.roundId as string };
}

const memoryReads = (a: { prisma: PrismaClient }) => inboxCounts(a.prisma)!.memory;
const kinds = (items: unknown[]) => (items as { kind: string }[]).map((t) => t.kind).sort();

test('every kind of change committed elsewhere shows at the very next poll; an unchanged inbox comes from memory', async () => {
  const { v, o, roundId } = await roundWaitingForItsVillage();
  const otherVillage = await official(stack, 'VILLAGE', await claim({ notTownship: v.slice(0, 9) }), '村支书');
  const everyone = [o.village, o.township, o.county, otherVillage];
  const db = stack.db.prisma;

  // Remembered by both, then answered from memory: nothing changed.
  for (const x of everyone) await sameEverywhere(x);
  const before = remembering.map(memoryReads);
  for (const x of everyone) await sameEverywhere(x);
  remembering.forEach((a, i) => expect(memoryReads(a)).toBe(before[i]! + everyone.length));
  expect(kinds(await sameEverywhere(o.village))).toEqual(['DECIDE']);
  const otherRemembered = remembering.map(memoryReads);

  const household = await db.household.findFirstOrThrow({ where: { villageCode: v }, select: { id: true } });
  const objectionId = randomUUID();
  const exitId = `exit-VILLAGE-${v}-2026`;
  const changes: [string, () => Promise<unknown>, Official, string[]][] = [
    [
      'a round moves on',
      () => db.$executeRaw`UPDATE "Round" SET "stage" = 'FIRST_PUBLICITY' WHERE "id" = ${roundId}`,
      o.village,
      [],
    ],
    [
      'an objection is filed',
      () => db.$executeRaw`INSERT INTO "Objection" ("id", "roundId", "noticeVersion", "objectorName", "reason",
          "filedById", "filedAt") VALUES (${objectionId}::uuid, ${roundId}, 1, '群众', '有异议', ${o.village.id}::uuid, now())`,
      o.township,
      ['RESOLVE_OBJECTION'],
    ],
    [
      'an objection is resolved',
      () => db.$executeRaw`UPDATE "Objection" SET "status" = 'DISMISSED' WHERE "id" = ${objectionId}::uuid`,
      o.township,
      [],
    ],
    [
      'a round falls behind',
      () =>
        db.$executeRaw`UPDATE "Round" SET "stage" = 'TOWNSHIP_REVIEW', "overdueSince" = now() WHERE "id" = ${roundId}`,
      o.county,
      ['OVERDUE'],
    ],
    [
      'a finding is escalated',
      () => db.$executeRaw`INSERT INTO "SupervisionFinding" ("id", "kind", "subjectKey", "townshipCode", "villageCode",
          "escalatedToRole", "escalatedToScope", "openedAt", "lastSeenAt")
          VALUES (gen_random_uuid(), 'STAGE_OVERDUE', ${`inbox-${v}`}, ${v.slice(0, 9)}, ${v}, 'TOWNSHIP', ${v.slice(0, 9)}, now(), now())`,
      o.township,
      ['DECIDE', 'FINDING'],
    ],
    [
      'a finding is closed',
      () => db.$executeRaw`UPDATE "SupervisionFinding" SET "status" = 'CLOSED', "closedAt" = now()
          WHERE "subjectKey" = ${`inbox-${v}`}`,
      o.township,
      ['DECIDE'],
    ],
    [
      'a missed household waits for the village',
      () => db.$executeRaw`INSERT INTO "EntryCandidate" ("id", "householdId", "villageCode", "source", "sourceId", "createdAt")
          VALUES (gen_random_uuid(), ${household.id}::uuid, ${v}, 'test', ${`inbox-${v}`}, now())`,
      o.village,
      ['PROPOSE_ENTRY'],
    ],
    [
      'an exit waits for the county',
      () => db.$executeRaw`INSERT INTO "Exit" ("id", "level", "code", "year", "stage", "policy", "figures",
          "stageEnteredAt", "stageDeadline", "requestedById", "requestedAt", "updatedAt")
          VALUES (${exitId}, 'VILLAGE', ${v}, 2026, 'COUNTY_VERIFICATION', '{}', '{}', now(), now() + interval '1 day',
                  ${o.township.id}::uuid, now(), now())`,
      o.county,
      ['DECIDE_EXIT', 'OVERDUE'],
    ],
    [
      'an objection to the exit is filed',
      () =>
        db.$transaction([
          db.$executeRaw`UPDATE "Exit" SET "stage" = 'PUBLICITY' WHERE "id" = ${exitId}`,
          db.$executeRaw`INSERT INTO "ExitObjection" ("id", "exitId", "objectorName", "reason", "filedById", "filedAt")
            VALUES (${randomUUID()}::uuid, ${exitId}, '群众', '有异议', ${o.county.id}::uuid, now())`,
        ]),
      o.county,
      ['OVERDUE', 'RESOLVE_EXIT_OBJECTION'],
    ],
    [
      'the exit is withdrawn',
      () =>
        db.$transaction([
          db.$executeRaw`DELETE FROM "ExitObjection" WHERE "exitId" = ${exitId}`,
          db.$executeRaw`DELETE FROM "Exit" WHERE "id" = ${exitId}`,
        ]),
      o.county,
      ['OVERDUE'],
    ],
  ];
  for (const [what, change, concerned, expected] of changes) {
    await change();
    expect([what, kinds(await sameEverywhere(concerned))]).toEqual([what, expected]);
    for (const x of everyone) await sameEverywhere(x);
  }
  // The other township's village heard of none of it: each of its polls above came from memory.
  remembering.forEach((a, i) => expect(memoryReads(a)).toBeGreaterThanOrEqual(otherRemembered[i]! + changes.length));
  const otherPolls = remembering.map(memoryReads);
  await sameEverywhere(otherVillage);
  remembering.forEach((a, i) => expect(memoryReads(a)).toBe(otherPolls[i]! + 1));

  // Back and forth as fast as a poll follows a commit: never a poll that misses the commit before it.
  await db.$executeRaw`DELETE FROM "EntryCandidate" WHERE "sourceId" = ${`inbox-${v}`}`;
  await db.$executeRaw`UPDATE "Round" SET "overdueSince" = NULL WHERE "id" = ${roundId}`;
  for (let i = 0; i < 30; i++) {
    const stage = i % 2 === 0 ? 'VILLAGE_ASSESSMENT' : 'FIRST_PUBLICITY';
    await db.$executeRaw`UPDATE "Round" SET "stage" = ${stage}::"RoundStage" WHERE "id" = ${roundId}`;
    for (const a of remembering) {
      expect([i, kinds(await inbox(a.api.baseUrl, o.village))]).toEqual([i, i % 2 === 0 ? ['DECIDE'] : []]);
    }
  }
  await db.$executeRaw`UPDATE "Round" SET "stage" = 'VILLAGE_ASSESSMENT' WHERE "id" = ${roundId}`;
  // The operator sees how often memory answered (GET /metrics).
  for (const a of remembering) {
    const { samples } = await scrape(new URL('/metrics', a.api.baseUrl).toString());
    const counts = inboxCounts(a.prisma)!;
    expect(value(samples, 'jingzhun_inbox_reads_total', { answer: 'memory' })).toBe(counts.memory);
    expect(value(samples, 'jingzhun_inbox_reads_total', { answer: 'database' })).toBe(counts.database);
    expect(counts.memory).toBeGreaterThan(0);
  }
  expect((await o.county.client.post(`/rounds/${roundId}/cancel`, { reason: '测试结束' })).status).toBe(200);
});

test('while its listening connection is lost, an API reads every inbox from the database, then remembers again', async () => {
  const { o, roundId } = await roundWaitingForItsVillage();
  await sameEverywhere(o.village);

  const before = await listeningBackends(stack.db.prisma, INBOX_CHANNEL);
  await stack.db.prisma.$queryRaw`SELECT pg_terminate_backend(pid) FROM unnest(${before}::int[]) AS pid`;
  // A change made while nobody listens: the next poll must show it all the same.
  await stack.db.prisma.$executeRaw`UPDATE "Round" SET "stage" = 'FIRST_PUBLICITY' WHERE "id" = ${roundId}`;
  for (const a of remembering) expect(kinds(await inbox(a.api.baseUrl, o.village))).toEqual([]);
  // Each connects again at a later poll, and answers from memory once more.
  for (const a of remembering) {
    await eventually(
      async () => {
        await inbox(a.api.baseUrl, o.village);
        return listeningForInboxChanges(a.prisma);
      },
      15_000,
      'listening again',
    );
    await inbox(a.api.baseUrl, o.village);
    const m = memoryReads(a);
    expect(kinds(await inbox(a.api.baseUrl, o.village))).toEqual([]);
    expect(memoryReads(a)).toBe(m + 1);
  }
  await stack.db.prisma.$executeRaw`UPDATE "Round" SET "stage" = 'VILLAGE_ASSESSMENT' WHERE "id" = ${roundId}`;
  await sameEverywhere(o.village);
  expect(kinds(await sameEverywhere(o.village))).toEqual(['DECIDE']);
});

test('a poll that arrives before the notification of a committed change waits for it (the fence)', async () => {
  const { o, roundId } = await roundWaitingForItsVillage();
  for (const a of remembering) expect(kinds(await inbox(a.api.baseUrl, o.village))).toEqual(['DECIDE']);

  // The listening backends are frozen: a change committed now reaches no API until they run again, 300 ms later.
  // A poll answered from memory meanwhile would show the round still waiting for the village.
  const pids = await listeningBackends(stack.db.prisma, INBOX_CHANNEL);
  expect(pids.length).toBeGreaterThanOrEqual(remembering.length);
  for (const pid of pids) process.kill(pid, 'SIGSTOP');
  let thawedAt = Infinity;
  try {
    await stack.db.prisma.$executeRaw`UPDATE "Round" SET "stage" = 'FIRST_PUBLICITY' WHERE "id" = ${roundId}`;
    const thaw = new Promise<void>((resolve) =>
      setTimeout(() => {
        thawedAt = Date.now();
        for (const pid of pids) process.kill(pid, 'SIGCONT');
        resolve();
      }, 300),
    );
    const polls = remembering.map(async (a) => ({ items: await inbox(a.api.baseUrl, o.village), at: Date.now() }));
    await thaw;
    for (const p of await Promise.all(polls)) {
      expect(p.items).toEqual([]);
      // Answered only once the notifications could be sent.
      expect(p.at).toBeGreaterThanOrEqual(thawedAt);
    }
  } finally {
    for (const pid of pids) process.kill(pid, 'SIGCONT');
  }
  await stack.db.prisma.$executeRaw`UPDATE "Round" SET "stage" = 'VILLAGE_ASSESSMENT' WHERE "id" = ${roundId}`;
  expect(kinds(await sameEverywhere(o.village))).toEqual(['DECIDE']);
});

test('a poll whose remembered answer is known to be old reads the database at once, without a fence', async () => {
  const { v, o, roundId } = await roundWaitingForItsVillage();
  for (const a of remembering) expect(kinds(await inbox(a.api.baseUrl, o.village))).toEqual(['DECIDE']);
  const heard = remembering.map((a) => inboxChangeHeard(a.prisma, v));
  await stack.db.prisma.$executeRaw`UPDATE "Round" SET "stage" = 'FIRST_PUBLICITY' WHERE "id" = ${roundId}`;
  for (const [i, a] of remembering.entries()) {
    // The change is heard before the poll: what memory holds is old, and only the database can answer.
    await eventually(async () => inboxChangeHeard(a.prisma, v) > heard[i]!, 10_000, 'the change heard');
    const before = inboxCounts(a.prisma)!;
    expect(kinds(await inbox(a.api.baseUrl, o.village))).toEqual([]);
    const after = inboxCounts(a.prisma)!;
    expect(after).toEqual({ ...before, database: before.database + 1 });
    // That answer is remembered: the next poll is answered from memory, after a fence.
    expect(kinds(await inbox(a.api.baseUrl, o.village))).toEqual([]);
    expect(inboxCounts(a.prisma)).toEqual({ ...after, memory: after.memory + 1, fences: after.fences + 1 });
  }
  await stack.db.prisma.$executeRaw`UPDATE "Round" SET "stage" = 'VILLAGE_ASSESSMENT' WHERE "id" = ${roundId}`;
  expect(kinds(await sameEverywhere(o.village))).toEqual(['DECIDE']);
});

test('fences asked for in one turn share one round trip; one asked for after it was sent waits for the next', async () => {
  const prisma = createPrisma(stack.db.url);
  try {
    const listener = listenTo(prisma, 'jz_inbox_fence_test', { notify: () => undefined, live: () => undefined })!;
    await eventually(() => listener.fence(), 10_000, 'listening');
    const n = listener.roundTrips();
    const first = Array.from({ length: 10 }, () => listener.fence());
    while (listener.roundTrips() === n) await new Promise((resolve) => setImmediate(resolve));
    const second = listener.fence();
    expect(await Promise.all(first)).toEqual(Array(10).fill(true));
    expect(await second).toBe(true);
    expect(listener.roundTrips()).toBe(n + 2);
  } finally {
    await prisma.$disconnect();
  }
});
