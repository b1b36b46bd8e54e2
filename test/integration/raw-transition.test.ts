// applyTransition's raw SQL (infra/db.ts sqlTransaction), on both of its paths: a pg client of the pool behind a
// client made by createPrisma, and an interactive $transaction of a client made otherwise. One round, step by step,
// written through each into its own freshly seeded database: the same rows come out (ids and times generated at write
// time aside), instants are stored as UTC, @updatedAt and generated ids are set as Prisma set them, and a duplicated
// step writes nothing.
import { randomUUID } from 'node:crypto';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { ApplicationFailure } from '@temporalio/activity';
import { createRoundActivities } from '../../activities/rounds';
import type { Actor, Transition } from '../../domain/round';
import { PrismaClient } from '../../generated/prisma/client';
import { Prisma, rawQuery, sqlOf, sqlTransaction } from '../../infra/db';
import { readFacts } from '../../infra/facts';
import { markCandidatesProposed } from '../../infra/verifications';
import { seedDemoCounty } from '../../infra/seed';
import { createTestDatabase, statementsSent, type TestDatabase } from '../../kit/database';
import { ENTRY_FACTS } from '../../kit/rounds';
import { makeIdNumber } from '../../domain/idNumber';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const DAY = 86_400_000;
/** Registry numbers of the round's village taken by another village's households (writeRound). */
const TAKEN_NUMBERS = 7;
const T0 = Date.parse('2026-11-20T08:00:00.123Z');
const at = (days: number) => new Date(T0 + days * DAY).toISOString();

const ids = { exit: randomUUID(), enterNew: randomUUID(), enterOld: randomUUID(), reclassify: randomUUID() };
const objectionId = randomUUID();
const villager: Actor = { id: randomUUID(), name: '村书记', role: 'VILLAGE', scopeCode: '' };

interface Village {
  code: string;
  townshipCode: string;
  registered: [string, string];
  notRegistered: string;
}

/** A village of the demo county with two registered households and one not registered; the same in every seed. */
async function pickVillage(prisma: PrismaClient): Promise<Village> {
  const households = await prisma.household.findMany({
    orderBy: { registryNo: 'asc' },
    select: { id: true, villageCode: true, status: true, village: { select: { townshipCode: true } } },
  });
  for (const h of households) {
    const own = households.filter((o) => o.villageCode === h.villageCode);
    const registered = own.filter((o) => o.status === 'REGISTERED');
    const notRegistered = own.find((o) => o.status === 'NOT_REGISTERED');
    if (registered.length >= 2 && notRegistered) {
      return {
        code: h.villageCode,
        townshipCode: h.village.townshipCode,
        registered: [registered[0]!.id, registered[1]!.id],
        notRegistered: notRegistered.id,
      };
    }
  }
  throw new Error('the demo county has no village with two registered households and one not registered');
}

function steps(v: Village, roundId: string): Transition[] {
  const author = { ...villager, scopeCode: v.code };
  return [
    {
      roundId,
      at: at(0),
      create: {
        roundId,
        villageCode: v.code,
        townshipCode: v.townshipCode,
        roundNo: 1,
        policy: { publicityPeriod: '7 days', stageDeadline: '14 days' },
        startedBy: author,
        rules: { version: 3, minPublicityPeriod: '7 days', countySampleShare: 0.1 },
      },
      decision: { seq: 1, stage: 'VILLAGE_ASSESSMENT', kind: 'ROUND_OPENED', actor: author },
      round: { stageDeadline: at(14) },
    },
    {
      roundId,
      at: at(1),
      decision: {
        seq: 2,
        stage: 'VILLAGE_ASSESSMENT',
        kind: 'ASSESSMENT_SUBMITTED',
        actor: author,
        decision: 'SUBMIT',
        note: '民主评议',
        payload: { meeting: { heldOn: '2026-11-21', representativesPresent: 20, representativesTotal: 30 } },
      },
      newProposals: [
        {
          id: ids.exit,
          assessmentNo: 1,
          action: 'EXIT',
          householdId: v.registered[0],
          exitReason: 'REACHED_STANDARD',
          householdConsent: { signedOn: '2026-11-18' },
          votesFor: 15,
          votesAgainst: 1,
        },
        {
          id: ids.enterNew,
          assessmentNo: 1,
          action: 'ENTER',
          household: { headName: '新户主', idNumber: '620522199001011234', size: 3 },
          category: 'TARGETED',
          cause: 'ILLNESS',
          entryReason: 'NEW_IDENTIFIED',
          facts: {
            ...ENTRY_FACTS,
            members: [
              {
                name: '新户主',
                relation: 'HEAD',
                idNumber: '620522199001011234',
                birthYear: 1990,
                sex: 'MALE',
                health: 'CHRONIC_ILLNESS',
                schooling: 'PRIMARY',
                labour: 'PARTIAL',
              },
              {
                name: '小孩',
                relation: 'CHILD',
                birthYear: 2024,
                sex: 'FEMALE',
                health: 'HEALTHY',
                schooling: 'NONE',
                labour: 'NONE',
              },
            ],
          },
          evidence: { incomes: [{ year: 2020, perCapita: 3100, line: 4000 }], indicators: ENTRY_FACTS.indicators },
          votesFor: 14,
          votesAgainst: 0,
          note: '因病致贫',
        },
        {
          id: ids.enterOld,
          assessmentNo: 1,
          action: 'ENTER',
          householdId: v.notRegistered,
          category: 'POLICY_GUARANTEE',
          cause: 'DISABILITY',
          entryReason: 'MISSED',
          override: { reason: '核查发现' },
          votesFor: 10,
          votesAgainst: 2,
        },
        {
          id: ids.reclassify,
          assessmentNo: 1,
          action: 'RECLASSIFY',
          householdId: v.registered[1],
          category: 'CONSOLIDATION',
          votesFor: 12,
          votesAgainst: 0,
        },
      ],
      round: { stage: 'FIRST_PUBLICITY', stageEnteredAt: at(1), publicityEndsAt: at(8), stageDeadline: null },
      notice: {
        version: 1,
        kind: 'FIRST_PUBLICITY',
        startsAt: at(1),
        endsAt: at(8),
        proposalIds: [ids.reclassify, ids.enterNew, ids.exit, ids.enterOld],
      },
    },
    {
      roundId,
      at: at(2),
      decision: { seq: 3, stage: 'FIRST_PUBLICITY', kind: 'OBJECTION_FILED', actor: author },
      newObjection: {
        id: objectionId,
        noticeVersion: 1,
        proposalId: ids.enterOld,
        objectorName: '村民甲',
        objectorContact: '13800000000',
        reason: '致贫原因不对',
      },
    },
    {
      roundId,
      at: at(3),
      decision: { seq: 4, stage: 'FIRST_PUBLICITY', kind: 'OBJECTION_RESOLVED', actor: author, decision: 'UPHELD' },
      resolveObjection: {
        id: objectionId,
        status: 'UPHELD',
        note: '改为因病',
        withdrewProposal: false,
        amendedProposalId: ids.enterOld,
      },
      amendProposal: { proposalId: ids.enterOld, cause: 'ILLNESS' },
      proposalStatus: [{ ids: [ids.reclassify], status: 'REJECTED', reason: '不符合条件' }],
      round: { overdueSince: at(3) },
    },
    {
      roundId,
      at: at(9),
      // A publicity's end: its decision and the round's row and nothing else, written as one statement.
      decision: { seq: 5, stage: 'FIRST_PUBLICITY', kind: 'PUBLICITY_ENDED', payload: { noticeVersion: 1 } },
      round: { stage: 'TOWNSHIP_REVIEW', stageEnteredAt: at(9), publicityEndsAt: null, stageDeadline: at(23) },
    },
    {
      roundId,
      at: at(20),
      // The end of the announcement period, by the clock: no actor.
      decision: { seq: 6, stage: 'ANNOUNCEMENT_PERIOD', kind: 'ROUND_COMPLETED' },
      applyRegistry: { proposalIds: [ids.exit, ids.enterNew, ids.enterOld] },
      proposalStatus: [{ ids: [ids.exit, ids.enterNew, ids.enterOld], status: 'APPLIED' }],
      notice: {
        version: 2,
        kind: 'ANNOUNCEMENT',
        startsAt: at(20),
        endsAt: null,
        proposalIds: [ids.exit, ids.enterNew, ids.enterOld],
      },
      round: {
        stage: 'COMPLETED',
        status: 'COMPLETED',
        stageEnteredAt: at(20),
        stageDeadline: null,
        publicityEndsAt: null,
        overdueSince: null,
        countySample: [ids.enterNew],
      },
    },
  ];
}

interface Run {
  village: Village;
  roundId: string;
  seeded: { from: number; to: number };
  written: { from: number; to: number };
}

/** Seeds, adds an entry candidate and a registry number taken elsewhere, then writes every step. */
async function writeRound(prisma: PrismaClient, afterStep?: (t: Transition) => Promise<void>): Promise<Run> {
  const seededFrom = Date.now();
  await seedDemoCounty(prisma, { demoOfficials: false });
  const village = await pickVillage(prisma);
  const roundId = `round-${village.code}-1`;
  await prisma.entryCandidate.create({
    data: {
      householdId: village.notRegistered,
      villageCode: village.code,
      source: 'VERIFICATION',
      sourceId: 'verification-1',
      createdAt: new Date(at(-30)),
    },
  });
  // The registry numbers the new household would take are another village's, more of them than the announcement's
  // first read looks at (two per proposal applied: six): the first free one after them is used.
  const next = (await prisma.household.count({ where: { villageCode: village.code } })) + 1;
  const other = await prisma.village.findFirstOrThrow({
    where: { code: { not: village.code } },
    orderBy: { code: 'asc' },
  });
  await prisma.household.createMany({
    data: Array.from({ length: TAKEN_NUMBERS }, (_, i) => ({
      registryNo: `${village.code}-${String(next + i).padStart(4, '0')}`,
      villageCode: other.code,
      headName: '占号户',
      idNumber: `62052219800101${String(5600 + i)}`,
      size: 1,
      status: 'NOT_REGISTERED' as const,
    })),
  });
  const seeded = { from: seededFrom, to: Date.now() };
  const { applyTransition } = createRoundActivities({ prisma });
  const from = Date.now();
  for (const t of steps(village, roundId)) {
    expect(await applyTransition(t)).toEqual({ applied: true });
    await afterStep?.(t);
  }
  return { village, roundId, seeded, written: { from, to: Date.now() } };
}

/**
 * Every row the round wrote or changed, as Prisma reads it, with the ids generated at write time named by their
 * order and the instants of the write (@updatedAt, @default(now())) and of the seed named, once checked to be then.
 */
async function snapshot(prisma: PrismaClient, run: Run) {
  const { roundId } = run;
  const round = await prisma.round.findUniqueOrThrow({ where: { id: roundId } });
  const decisions = await prisma.decision.findMany({ where: { roundId }, orderBy: { seq: 'asc' } });
  const proposals = await prisma.proposal.findMany({ where: { roundId }, orderBy: { id: 'asc' } });
  const objections = await prisma.objection.findMany({ where: { roundId } });
  const notices = await prisma.notice.findMany({ where: { roundId }, orderBy: { version: 'asc' } });
  const changes = await prisma.registryChange.findMany({ where: { roundId }, orderBy: { proposalId: 'asc' } });
  const households = await prisma.household.findMany({
    where: { id: { in: [...changes.map((c) => c.householdId), run.village.registered[1]] } },
    orderBy: { registryNo: 'asc' },
    include: {
      members: { orderBy: { seq: 'asc' } },
      incomes: { orderBy: { year: 'asc' } },
      indicators: true,
      factChanges: { orderBy: { changedAt: 'asc' } },
      entryCandidates: true,
    },
  });
  const seeded = new Set(households.map((h) => h.id).filter((id) => Object.values(run.village).flat().includes(id)));
  const generated = [
    ...decisions.map((d) => d.id),
    ...notices.map((n) => n.id),
    ...changes.map((c) => c.id),
    ...households.filter((h) => !seeded.has(h.id)).map((h) => h.id),
    ...households.flatMap((h) => [
      ...h.members.map((m) => m.id),
      ...h.factChanges.map((c) => c.id),
      ...h.entryCandidates.map((c) => c.id),
    ]),
  ];
  const inside = (t: number, { from, to }: { from: number; to: number }) => t >= from && t <= to;
  let text = JSON.stringify({ round, decisions, proposals, objections, notices, changes, households }, (_, v) => {
    if (typeof v !== 'string' || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(v)) return v as unknown;
    const t = Date.parse(v);
    return inside(t, run.written) ? '<written>' : inside(t, run.seeded) ? '<seeded>' : v;
  });
  generated.forEach((id, i) => {
    expect(id).toMatch(UUID);
    text = text.replaceAll(id, `<generated ${i}>`);
  });
  return JSON.parse(text) as Record<string, unknown>;
}

/** Rows in every table the round writes. */
async function counts(prisma: PrismaClient) {
  const [row] = await rawQuery<Record<string, number>>(
    prisma,
    Prisma.sql`SELECT (SELECT count(*)::int FROM "Round") AS "rounds", (SELECT count(*)::int FROM "Decision") AS "decisions",
      (SELECT count(*)::int FROM "Proposal") AS "proposals", (SELECT count(*)::int FROM "Objection") AS "objections",
      (SELECT count(*)::int FROM "Notice") AS "notices", (SELECT count(*)::int FROM "Household") AS "households",
      (SELECT count(*)::int FROM "RegistryChange") AS "changes",
      (SELECT count(*)::int FROM "HouseholdMember") AS "members",
      (SELECT count(*)::int FROM "HouseholdFactsChange") AS "factChanges",
      (SELECT max("updatedAt") FROM "Household") AS "householdUpdatedAt",
      (SELECT max("updatedAt") FROM "Round") AS "roundUpdatedAt"`,
  );
  return row;
}

let pgDb: TestDatabase;
let fallbackDb: TestDatabase;
let fallback: PrismaClient;
let pgRun: Run;
let fallbackRun: Run;
/** The round's updatedAt after each step, and whether the step changed the round. */
const roundUpdatedAt: { changed: boolean; updatedAt: Date }[] = [];

beforeAll(async () => {
  [pgDb, fallbackDb] = await Promise.all([createTestDatabase('jz_rawtx'), createTestDatabase('jz_rawtx')]);
  // A client not made by createPrisma: its transaction is Prisma's own, through $queryRawUnsafe.
  fallback = new PrismaClient({ adapter: new PrismaPg({ connectionString: fallbackDb.url }) });
  pgRun = await writeRound(pgDb.prisma, async (t) => {
    const { updatedAt } = await pgDb.prisma.round.findUniqueOrThrow({ where: { id: t.roundId } });
    roundUpdatedAt.push({ changed: t.round !== undefined, updatedAt });
    // The next write's instant is later than the last one's (no fixed sleep: the clock is waited on).
    while (Date.now() <= updatedAt.getTime()) await new Promise((r) => setImmediate(r));
  });
  fallbackRun = await writeRound(fallback);
}, 240_000);

afterAll(async () => {
  await fallback?.$disconnect();
  await Promise.all([pgDb?.drop(), fallbackDb?.drop()]);
});

test('both paths write the same rows', async () => {
  expect(pgRun.village).toEqual(fallbackRun.village);
  expect(await snapshot(pgDb.prisma, pgRun)).toEqual(await snapshot(fallback, fallbackRun));
});

test('instants are stored as UTC wall time and read back equal', async () => {
  const { roundId } = pgRun;
  const [stored] = await rawQuery<{ at: string; startedAt: string; publishedAt: string; finishedAt: string }>(
    pgDb.prisma,
    Prisma.sql`SELECT to_char(d."at", 'YYYY-MM-DD"T"HH24:MI:SS.MS') AS "at",
                      to_char(r."startedAt", 'YYYY-MM-DD"T"HH24:MI:SS.MS') AS "startedAt",
                      to_char(n."publishedAt", 'YYYY-MM-DD"T"HH24:MI:SS.MS') AS "publishedAt",
                      to_char(r."finishedAt", 'YYYY-MM-DD"T"HH24:MI:SS.MS') AS "finishedAt"
               FROM "Round" r JOIN "Decision" d ON d."roundId" = r."id" AND d."seq" = 1
               JOIN "Notice" n ON n."roundId" = r."id" AND n."version" = 2
               WHERE r."id" = ${roundId}`,
  );
  expect(stored).toEqual({
    at: at(0).slice(0, -1),
    startedAt: at(0).slice(0, -1),
    publishedAt: at(20).slice(0, -1),
    finishedAt: at(20).slice(0, -1),
  });
  const round = await pgDb.prisma.round.findUniqueOrThrow({ where: { id: roundId } });
  expect(round).toMatchObject({
    startedAt: new Date(at(0)),
    stageEnteredAt: new Date(at(20)),
    stageDeadline: null,
    publicityEndsAt: null,
    overdueSince: null,
    finishedAt: new Date(at(20)),
    openVillageCode: null,
    status: 'COMPLETED',
    stage: 'COMPLETED',
    countySample: [ids.enterNew],
    rulesVersion: 3,
  });
  const exit = await pgDb.prisma.proposal.findUniqueOrThrow({ where: { id: ids.exit } });
  expect(exit.consentSignedOn).toEqual(new Date('2026-11-18T00:00:00.000Z'));
});

test('a step that changes the round advances its updatedAt to the time of the write; another leaves it', () => {
  expect(roundUpdatedAt.map((u) => u.changed)).toEqual([true, true, false, true, true, true]);
  for (let i = 1; i < roundUpdatedAt.length; i++) {
    const [before, after] = [roundUpdatedAt[i - 1]!.updatedAt.getTime(), roundUpdatedAt[i]!.updatedAt.getTime()];
    if (roundUpdatedAt[i]!.changed) expect(after).toBeGreaterThan(before);
    else expect(after).toBe(before);
  }
  for (const { updatedAt } of roundUpdatedAt) {
    expect(updatedAt.getTime()).toBeGreaterThanOrEqual(pgRun.written.from);
    expect(updatedAt.getTime()).toBeLessThanOrEqual(pgRun.written.to);
  }
});

test('the new household, its facts and its notice entries', async () => {
  const { village, roundId } = pgRun;
  const created = await pgDb.prisma.household.findFirstOrThrow({ where: { idNumber: '620522199001011234' } });
  expect(created.id).toMatch(UUID);
  const count = await pgDb.prisma.household.count({ where: { villageCode: village.code } });
  // The numbers from count + 1 on were taken by another village's households: the first free one was used.
  expect(created.registryNo).toBe(`${village.code}-${String(count + TAKEN_NUMBERS).padStart(4, '0')}`);
  expect(created).toMatchObject({ status: 'REGISTERED', category: 'TARGETED', registeredOn: new Date(at(20)) });
  expect(created.createdAt.getTime()).toBeGreaterThanOrEqual(pgRun.written.from);
  expect(created.updatedAt.getTime()).toBeGreaterThanOrEqual(created.createdAt.getTime());
  const facts = await readFacts(sqlOf(pgDb.prisma), created.id);
  expect(facts.incomes).toEqual(ENTRY_FACTS.incomes);
  expect(facts.indicators).toEqual(ENTRY_FACTS.indicators);
  expect(facts.members.map((m) => [m.name, m.idNumber])).toEqual([
    ['新户主', '620522199001011234'],
    ['小孩', undefined],
  ]);
  const [factsChange] = await pgDb.prisma.householdFactsChange.findMany({ where: { householdId: created.id } });
  expect(factsChange).toMatchObject({ source: 'ROUND', changedById: null, changedByName: roundId });
  expect(factsChange!.changedAt).toEqual(new Date(at(20)));
  const notices = await pgDb.prisma.notice.findMany({ where: { roundId }, orderBy: { version: 'asc' } });
  for (const n of notices) expect(n.id).toMatch(UUID);
  const items = (n: (typeof notices)[number]) =>
    (n.content as { items: { proposalId: string; idNumberMasked: string }[] }).items;
  expect(items(notices[0]!).map((i) => i.proposalId)).toEqual([ids.reclassify, ids.enterNew, ids.exit, ids.enterOld]);
  for (const i of items(notices[0]!)) expect(i.idNumberMasked).toMatch(/\*/);
  const candidate = await pgDb.prisma.entryCandidate.findFirstOrThrow({
    where: { householdId: village.notRegistered },
  });
  expect(candidate).toMatchObject({ roundId, proposalId: ids.enterOld });
});

test('a duplicated step writes nothing, on either path', async () => {
  for (const [prisma, run] of [
    [pgDb.prisma, pgRun],
    [fallback, fallbackRun],
  ] as const) {
    const before = await counts(prisma);
    const { applyTransition } = createRoundActivities({ prisma });
    for (const t of steps(run.village, run.roundId)) expect(await applyTransition(t)).toEqual({ applied: false });
    expect(await counts(prisma)).toEqual(before);
  }
});

test('a step of its decision and the round alone is one statement; on a round not recorded it writes nothing', async () => {
  const { applyTransition } = createRoundActivities({ prisma: pgDb.prisma });
  const reminder = (roundId: string): Transition => ({
    roundId,
    at: at(30),
    decision: { seq: 50, stage: 'COMPLETED', kind: 'DEADLINE_REMINDER', payload: { deadline: at(29) } },
    round: { overdueSince: at(30) },
  });
  const { result, sent } = await statementsSent(() => applyTransition(reminder(pgRun.roundId)));
  expect(result).toEqual({ applied: true });
  expect(sent).toHaveLength(1);
  expect(sent[0]).toMatch(/^\s*WITH "w0" AS \(\s*INSERT INTO "Decision"/);
  const round = await pgDb.prisma.round.findUniqueOrThrow({ where: { id: pgRun.roundId } });
  expect(round.overdueSince).toEqual(new Date(at(30)));
  const decision = await pgDb.prisma.decision.findFirstOrThrow({ where: { roundId: pgRun.roundId, seq: 50 } });
  expect(decision).toMatchObject({ kind: 'DEADLINE_REMINDER', at: new Date(at(30)), officialId: null });
  // Again: the decision is there, so the round's row is not touched.
  const before = await counts(pgDb.prisma);
  expect(await applyTransition({ ...reminder(pgRun.roundId), round: { overdueSince: at(31) } })).toEqual({
    applied: false,
  });
  expect(await counts(pgDb.prisma)).toEqual(before);
  // A round that is not recorded: the decision's foreign key refuses it, and nothing is written.
  await expect(applyTransition(reminder('round-000000000000-9'))).rejects.toThrow(/foreign key/i);
  expect(await counts(pgDb.prisma)).toEqual(before);
});

/** The first step of round `roundNo` of a village, started by its official. */
function opening(villageCode: string, townshipCode: string, roundNo: number): Transition {
  const roundId = `round-${villageCode}-${roundNo}`;
  const author = { ...villager, scopeCode: villageCode };
  return {
    roundId,
    at: at(0),
    create: {
      roundId,
      villageCode,
      townshipCode,
      roundNo,
      policy: { publicityPeriod: '7 days', stageDeadline: '14 days' },
      startedBy: author,
    },
    decision: { seq: 1, stage: 'VILLAGE_ASSESSMENT', kind: 'ROUND_OPENED', actor: author },
  };
}

test('a list naming a household twice changes it in order: the second change starts where the first left it', async () => {
  const prisma = pgDb.prisma;
  const h = await prisma.household.findFirstOrThrow({
    where: { status: 'NOT_REGISTERED', village: { rounds: { none: { status: 'OPEN' } } } },
    include: { village: true },
  });
  const roundId = `round-${h.villageCode}-7`;
  const author = { ...villager, scopeCode: h.villageCode };
  // Applied in the order of their ids: the entry first, then the reclassification.
  const [enter, reclassify] = ['00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000002'];
  const { applyTransition } = createRoundActivities({ prisma });
  const round: Transition[] = [
    opening(h.villageCode, h.village.townshipCode, 7),
    {
      roundId,
      at: at(1),
      decision: { seq: 2, stage: 'VILLAGE_ASSESSMENT', kind: 'ASSESSMENT_SUBMITTED', actor: author },
      newProposals: [
        {
          id: enter,
          assessmentNo: 1,
          action: 'ENTER',
          householdId: h.id,
          category: 'TARGETED',
          cause: 'ILLNESS',
          entryReason: 'MISSED',
          votesFor: 10,
          votesAgainst: 0,
        },
        {
          id: reclassify,
          assessmentNo: 1,
          action: 'RECLASSIFY',
          householdId: h.id,
          category: 'CONSOLIDATION',
          votesFor: 10,
          votesAgainst: 0,
        },
      ],
    },
    {
      roundId,
      at: at(20),
      decision: { seq: 3, stage: 'COUNTY_ANNOUNCEMENT', kind: 'COUNTY_ANNOUNCEMENT', actor: author },
      applyRegistry: { proposalIds: [reclassify, enter] },
      round: { stage: 'COMPLETED', status: 'COMPLETED', stageEnteredAt: at(20), stageDeadline: null },
    },
  ];
  for (const t of round) expect(await applyTransition(t)).toEqual({ applied: true });
  const changes = await prisma.registryChange.findMany({ where: { roundId }, orderBy: { proposalId: 'asc' } });
  expect(changes.map((c) => [c.action, c.fromStatus, c.toStatus, c.fromCategory, c.toCategory])).toEqual([
    ['ENTER', 'NOT_REGISTERED', 'REGISTERED', h.category, 'TARGETED'],
    ['RECLASSIFY', 'REGISTERED', 'REGISTERED', 'TARGETED', 'CONSOLIDATION'],
  ]);
  expect(await prisma.household.findUniqueOrThrow({ where: { id: h.id } })).toMatchObject({
    status: 'REGISTERED',
    category: 'CONSOLIDATION',
    cause: 'ILLNESS',
  });
});

test('a step takes as few statements as its reads allow: its reads first, then its writes as one statement', async () => {
  const prisma = pgDb.prisma;
  const h = await prisma.household.findFirstOrThrow({
    where: {
      status: 'REGISTERED',
      village: { rounds: { none: { status: 'OPEN' } }, households: { some: { status: 'NOT_REGISTERED' } } },
    },
    include: { village: true },
  });
  const missed = await prisma.household.findFirstOrThrow({
    where: { status: 'NOT_REGISTERED', villageCode: h.villageCode },
  });
  const roundId = `round-${h.villageCode}-8`;
  const author = { ...villager, scopeCode: h.villageCode };
  const [exit, enter, fresh] = [randomUUID(), randomUUID(), randomUUID()];
  const freshIdNumber = makeIdNumber('620599', { y: 1985, m: 3, d: 7 }, Math.floor(Math.random() * 1000));
  const round: Transition[] = [
    { ...opening(h.villageCode, h.village.townshipCode, 8), round: { stageDeadline: at(14) } },
    {
      roundId,
      at: at(1),
      decision: { seq: 2, stage: 'VILLAGE_ASSESSMENT', kind: 'ASSESSMENT_SUBMITTED', actor: author },
      newProposals: [
        {
          id: exit,
          assessmentNo: 1,
          action: 'EXIT',
          householdId: h.id,
          exitReason: 'REACHED_STANDARD',
          householdConsent: { signedOn: '2026-11-18' },
          votesFor: 10,
          votesAgainst: 0,
        },
        {
          id: enter,
          assessmentNo: 1,
          action: 'ENTER',
          householdId: missed.id,
          category: 'TARGETED',
          cause: 'DISABILITY',
          entryReason: 'MISSED',
          votesFor: 10,
          votesAgainst: 0,
        },
        {
          // A household new to the registry: the announcement inserts it and names it in the proposal.
          id: fresh,
          assessmentNo: 1,
          action: 'ENTER',
          household: { headName: '新户二', idNumber: freshIdNumber, size: 2 },
          category: 'TARGETED',
          cause: 'ILLNESS',
          entryReason: 'NEW_IDENTIFIED',
          votesFor: 10,
          votesAgainst: 0,
        },
      ],
      round: { stage: 'FIRST_PUBLICITY', stageEnteredAt: at(1), publicityEndsAt: at(8), stageDeadline: null },
      notice: { version: 1, kind: 'FIRST_PUBLICITY', startsAt: at(1), endsAt: at(8), proposalIds: [enter, exit] },
    },
    {
      roundId,
      at: at(2),
      // An objection upheld by amending the entry's cause: the new notice lists it amended.
      decision: { seq: 3, stage: 'FIRST_PUBLICITY', kind: 'OBJECTION_RESOLVED', actor: author, decision: 'UPHELD' },
      amendProposal: { proposalId: enter, cause: 'ILLNESS' },
      notice: { version: 2, kind: 'FIRST_PUBLICITY', startsAt: at(2), endsAt: at(9), proposalIds: [exit, enter] },
      round: { publicityEndsAt: at(9) },
    },
    {
      roundId,
      at: at(20),
      decision: { seq: 4, stage: 'COUNTY_ANNOUNCEMENT', kind: 'COUNTY_ANNOUNCEMENT', actor: author },
      applyRegistry: { proposalIds: [exit, enter, fresh] },
      proposalStatus: [{ ids: [exit, enter, fresh], status: 'APPLIED' }],
      notice: { version: 3, kind: 'ANNOUNCEMENT', startsAt: at(20), endsAt: null, proposalIds: [exit, enter] },
      round: { stage: 'COMPLETED', status: 'COMPLETED', stageEnteredAt: at(20), stageDeadline: null },
    },
  ];
  const { applyTransition } = createRoundActivities({ prisma });
  const statements: string[][] = [];
  for (const t of round) {
    const { result, sent } = await statementsSent(() => applyTransition(t));
    expect(result).toEqual({ applied: true });
    statements.push(sent.map((text) => text.trim().split(/\s+/).slice(0, 3).join(' ')));
  }
  expect(statements).toEqual([
    // The round's row, with the step's times, and the decision: one statement.
    ['WITH "w0" AS'],
    // The notice's read first (the proposals it lists are the step's own); then every write as one statement.
    ['SELECT r."villageCode", v."name"', 'WITH "w0" AS'],
    ['SELECT r."villageCode", v."name"', 'WITH "w0" AS'],
    // The registry's read and the notice's, at once; then every write as one statement, the new household's
    // proposal naming it in the update of its status.
    ['SELECT r."villageCode", c."count",', 'SELECT r."villageCode", v."name"', 'WITH "w0" AS'],
  ]);
  const created = await prisma.household.findUniqueOrThrow({ where: { idNumber: freshIdNumber } });
  expect(created).toMatchObject({ status: 'REGISTERED', villageCode: h.villageCode });
  expect(await prisma.proposal.findUniqueOrThrow({ where: { id: fresh } })).toMatchObject({
    householdId: created.id,
    status: 'APPLIED',
  });
  expect(await prisma.household.findUniqueOrThrow({ where: { id: h.id } })).toMatchObject({ status: 'EXITED' });
  expect(await prisma.household.findUniqueOrThrow({ where: { id: missed.id } })).toMatchObject({
    status: 'REGISTERED',
    cause: 'ILLNESS',
  });
  // Each notice lists the proposals as its step left them, read from the step where they were not yet recorded.
  const notices = await prisma.notice.findMany({ where: { roundId }, orderBy: { version: 'asc' } });
  type Item = { proposalId: string; headName: string; size: number; cause?: string; category?: string };
  const items = notices.map((n) =>
    (n.content as { items: Item[] }).items.map((i) => [i.proposalId, i.headName, i.size, i.category, i.cause]),
  );
  const exitItem = [exit, h.headName, h.size, h.category, undefined];
  expect(items).toEqual([
    [[enter, missed.headName, missed.size, 'TARGETED', 'DISABILITY'], exitItem],
    [exitItem, [enter, missed.headName, missed.size, 'TARGETED', 'ILLNESS']],
    [exitItem, [enter, missed.headName, missed.size, 'TARGETED', 'ILLNESS']],
  ]);
  const proposals = await prisma.proposal.findMany({ where: { roundId } });
  expect(proposals.map((p) => p.status)).toEqual(['APPLIED', 'APPLIED', 'APPLIED']);
});

/**
 * A round's first step that also lists a proposal and publishes its notice: the path of one transaction, where the
 * notice reads the proposal the step writes. The workflows' first steps take the path of one statement (steps()).
 */
function openingWithList(v: Village, roundId: string, roundNo: number): Transition {
  const [first, assessment] = steps(v, roundId);
  const proposal = { ...assessment!.newProposals![0]!, id: randomUUID() };
  return {
    ...first!,
    create: { ...first!.create!, roundNo },
    newProposals: [proposal],
    notice: { ...assessment!.notice!, proposalIds: [proposal.id] },
  };
}

test('a second open round of the village is refused, on the path of one statement and of a transaction, and nothing of it is written', async () => {
  for (const prisma of [pgDb.prisma, fallback]) {
    const { applyTransition } = createRoundActivities({ prisma });
    const village = await pickVillage(prisma);
    const open = openingWithList(village, `round-${village.code}-2`, 2);
    expect(await applyTransition(open)).toEqual({ applied: true });
    expect(await prisma.round.findUniqueOrThrow({ where: { id: open.roundId } })).toMatchObject({
      openVillageCode: village.code,
      stageDeadline: new Date(at(14)),
    });
    expect(await prisma.notice.count({ where: { roundId: open.roundId } })).toBe(1);
    const before = await counts(prisma);
    // Retried, the first step writes nothing and reports so.
    expect(await applyTransition(open)).toEqual({ applied: false });
    expect(await counts(prisma)).toEqual(before);
    const first = steps(village, `round-${village.code}-3`)[0]!;
    for (const second of [
      { ...first, create: { ...first.create!, roundNo: 3 } },
      openingWithList(village, `round-${village.code}-4`, 4),
    ]) {
      const refused = applyTransition(second);
      await expect(refused).rejects.toBeInstanceOf(ApplicationFailure);
      await expect(refused).rejects.toMatchObject({
        type: 'DuplicateOpenRound',
        nonRetryable: true,
        message: `Village ${village.code} already has an open round ${open.roundId}.`,
      });
      expect(await counts(prisma)).toEqual(before);
    }
  }
});

test('a transaction on the pool is bounded as Prisma bounded its own: 30 s per statement and per pause', async () => {
  const settings = await sqlTransaction(pgDb.prisma, (sql) =>
    sql.query<{ statement: string; idle: string }>(
      Prisma.sql`SELECT current_setting('statement_timeout') AS "statement",
                        current_setting('idle_in_transaction_session_timeout') AS "idle"`,
    ),
  );
  expect(settings).toEqual([{ statement: '30s', idle: '30s' }]);
  // SET LOCAL: the connection goes back to the pool with the server's own settings.
  const [after] = await rawQuery<{ statement: string }>(
    pgDb.prisma,
    Prisma.sql`SELECT current_setting('statement_timeout') AS "statement"`,
  );
  expect(after!.statement).not.toBe('30s');
});

describe.each([
  ['a pg client of the pool', () => pgDb.prisma],
  ['Prisma’s $transaction', () => fallback],
])('statements asked for together, on %s', (_, client) => {
  const table = `jz_order_${randomUUID().slice(0, 8)}`;
  const t = Prisma.raw(`"${table}"`);
  beforeAll(async () => {
    await rawQuery(pgDb.prisma, Prisma.sql`CREATE TABLE ${t} ("n" int PRIMARY KEY)`);
    if (client() === fallback) await fallback.$executeRawUnsafe(`CREATE TABLE "${table}" ("n" int PRIMARY KEY)`);
  });
  const count = async () =>
    (await sqlOf(client()).query<{ n: number }>(Prisma.sql`SELECT count(*)::int AS "n" FROM ${t}`))[0]!.n;

  test('run in the order they were asked for: a read asked for after a write sees it', async () => {
    const seen = await sqlTransaction(client(), async (sql) => {
      const [, , read] = await Promise.all([
        sql.query(Prisma.sql`INSERT INTO ${t} VALUES (1)`),
        sql.query(Prisma.sql`INSERT INTO ${t} VALUES (2)`),
        sql.query<{ ns: number[] }>(Prisma.sql`SELECT array_agg("n" ORDER BY "n") AS "ns" FROM ${t}`),
      ]);
      return read[0]!.ns;
    });
    expect(seen).toEqual([1, 2]);
    expect(await count()).toBe(2);
  });

  test('one failing rolls back all of them, and nothing asked for after the end runs', async () => {
    let late: Promise<unknown> | undefined;
    let lateAsked!: () => void;
    const asked = new Promise<void>((r) => (lateAsked = r));
    await expect(
      sqlTransaction(client(), async (sql) => {
        const slow = sql.query(Prisma.sql`SELECT 1`).then(async () => {
          // A statement asked for once the transaction may be ending: it must never run outside it.
          await new Promise((r) => setTimeout(r, 50));
          late = sql.query(Prisma.sql`INSERT INTO ${t} VALUES (100)`);
          lateAsked();
          await late.catch(() => undefined);
        });
        await Promise.all([
          sql.query(Prisma.sql`INSERT INTO ${t} VALUES (10)`),
          sql.query(Prisma.sql`INSERT INTO ${t} VALUES (1)`), // taken: fails
          sql.query(Prisma.sql`INSERT INTO ${t} VALUES (11)`),
          slow,
        ]);
      }),
    ).rejects.toThrow(/duplicate key|unique/i);
    await asked; // no sleep long enough for a loaded machine: wait for the late statement itself
    await expect(late).rejects.toThrow();
    const left = await sqlOf(client()).query<{ n: number }>(Prisma.sql`SELECT "n" FROM ${t} ORDER BY "n"`);
    expect(left.map((r) => r.n)).toEqual([1, 2]);
  });
});

test('statements asked for together are sent one at a time: never while another runs on the client', async () => {
  // pg deprecates sending a statement while another runs (its own queue, going in pg 9): count what is in flight.
  const query = pg.Client.prototype.query;
  let inFlight = 0;
  let most = 0;
  const spy = jest.spyOn(pg.Client.prototype, 'query').mockImplementation(function (this: pg.Client, ...args) {
    most = Math.max(most, ++inFlight);
    const done = () => inFlight--;
    const result = (query as (...a: unknown[]) => unknown).apply(this, args) as Promise<unknown>;
    result.then(done, done);
    return result as never;
  });
  try {
    const rows = await sqlTransaction(pgDb.prisma, (sql) =>
      Promise.all([1, 2, 3, 4].map((n) => sql.query<{ n: number }>(Prisma.sql`SELECT ${n}::int AS "n"`))),
    );
    expect(rows.map(([r]) => r!.n)).toEqual([1, 2, 3, 4]);
    expect(spy.mock.calls.length).toBeGreaterThanOrEqual(6); // BEGIN, the four, COMMIT
    expect(most).toBe(1);
  } finally {
    spy.mockRestore();
  }
});

test('an entering household’s candidates are marked when they wait or this round proposed them, not when another open round did', async () => {
  const prisma = pgDb.prisma;
  const households = await prisma.household.findMany({ where: { status: 'NOT_REGISTERED' }, take: 4 });
  expect(households).toHaveLength(4);
  const [waiting, ofCancelled, ofThisRound, ofOpenRound] = households.map((h) => h!);
  const village = waiting!.villageCode;
  const starter = (await prisma.official.findFirst())?.id ?? randomUUID();
  const round = (id: string, status: 'OPEN' | 'CANCELLED') =>
    prisma.round.create({
      data: {
        id,
        villageCode: village,
        townshipCode: village.slice(0, 9),
        roundNo: Number(id.split('-').pop()),
        stage: 'VILLAGE_ASSESSMENT',
        status,
        policy: {},
        stageEnteredAt: new Date(),
        startedById: starter,
        startedAt: new Date(),
      },
    });
  const thisRound = `round-${village}-91`;
  await round(`round-${village}-90`, 'CANCELLED');
  await round(`round-${village}-92`, 'OPEN');
  const candidate = (h: { id: string; villageCode: string }, roundId: string | null) =>
    prisma.entryCandidate.create({
      data: {
        householdId: h.id,
        villageCode: h.villageCode,
        source: 'VERIFICATION',
        sourceId: `marking-${h.id}`,
        createdAt: new Date(),
        roundId,
      },
    });
  const rows = [
    await candidate(waiting!, null),
    await candidate(ofCancelled!, `round-${village}-90`),
    await candidate(ofThisRound!, thisRound),
    await candidate(ofOpenRound!, `round-${village}-92`),
  ];
  const proposalIds = rows.map(() => randomUUID());
  const marking = markCandidatesProposed(
    thisRound,
    rows.map((c, i) => ({ id: proposalIds[i]!, action: 'ENTER', householdId: c.householdId })),
  );
  await sqlTransaction(prisma, (sql) => sql.query(marking!.statement));
  const after = await prisma.entryCandidate.findMany({ where: { id: { in: rows.map((c) => c.id) } } });
  const byId = new Map(after.map((c) => [c.id, c]));
  expect(rows.map((c) => byId.get(c.id))).toEqual([
    expect.objectContaining({ roundId: thisRound, proposalId: proposalIds[0] }),
    expect.objectContaining({ roundId: thisRound, proposalId: proposalIds[1] }),
    expect.objectContaining({ roundId: thisRound, proposalId: proposalIds[2] }),
    expect.objectContaining({ roundId: `round-${village}-92`, proposalId: null }),
  ]);
});
