// The round every fault test drives through the HTTP API: start, a village assessment of four proposals,
// the first publicity, a township review that rejects one, the second publicity and the county announcement.
// A test injects its fault by wrapping a step's request (`during`) or by acting after a step (`after`).
import { makeIdNumber } from '../../../domain/idNumber';
import { sqlTransaction, type PrismaClient } from '../../../infra/db';
import type { Reply } from '../../../kit/http';
import { writeFacts } from '../../../infra/facts';
import {
  ENTRY_FACTS,
  EXIT_FACTS,
  meeting,
  officialsFor,
  waitForStage as waitForStageOf,
  type Client,
} from '../../../kit/rounds';
import { announceWithSpotChecks, visitsFor } from '../../../kit/rounds';

export type Step = 'start' | 'assessment' | 'townshipReview' | 'countyAnnouncement';

export interface Faults {
  /** Sends the step's request through `send`; inject the fault while it is in flight and return its reply. */
  during?: Partial<Record<Step, (send: () => Promise<Reply>) => Promise<Reply>>>;
  /** Runs once the step has answered, before the script goes on. */
  after?: Partial<Record<Step, (roundId: string) => Promise<void>>>;
}

export interface RoundContext {
  prisma: PrismaClient;
  villageCode: string;
  /** The API currently running (a test may replace it). */
  baseUrl: () => string;
  publicityPeriod: string;
}

/** Generous: a step may wait for an activity's start-to-close timeout (1 minute) and a retry. */
export const STAGE_TIMEOUT_MS = 180_000;

/** The assessment: a new household enters, one exits, one is reclassified, one exit the township will reject. */
export async function assessmentFor(prisma: PrismaClient, villageCode: string) {
  const registered = await prisma.household.findMany({
    where: { villageCode, status: 'REGISTERED' },
    orderBy: { registryNo: 'asc' },
  });
  const [exit, rejectedExit] = registered;
  const reclass = registered.find(
    (h) => h.category !== 'CONSOLIDATION' && h.id !== exit?.id && h.id !== rejectedExit?.id,
  );
  if (!exit || !rejectedExit || !reclass) throw new Error(`village ${villageCode} has too few registered households`);
  // Rules v3: the exits as REACHED_STANDARD need facts that show it, recorded as the village would (again: no change).
  for (const h of [exit, rejectedExit]) {
    await sqlTransaction(prisma, (sql) =>
      writeFacts(sql, h.id, EXIT_FACTS, { name: 'fault-test fixture', source: 'API', at: new Date() }),
    );
  }
  const n = Number(villageCode.slice(-4));
  return {
    meeting,
    proposals: [
      {
        action: 'ENTER',
        entryReason: 'NEW_IDENTIFIED',
        // From a division outside the demo county, so never in the seeded registry.
        household: { headName: '张新户', idNumber: makeIdNumber('620523', { y: 1980, m: 1, d: 1 }, n), size: 4 },
        facts: ENTRY_FACTS,
        category: 'TARGETED',
        cause: 'ILLNESS',
        votesFor: 25,
        votesAgainst: 2,
      },
      {
        action: 'EXIT',
        householdId: exit.id,
        exitReason: 'REACHED_STANDARD',
        householdConsent: { signedOn: '2026-11-18' },
        votesFor: 28,
        votesAgainst: 0,
      },
      { action: 'RECLASSIFY', householdId: reclass.id, category: 'CONSOLIDATION', votesFor: 20, votesAgainst: 5 },
      {
        action: 'EXIT',
        householdId: rejectedExit.id,
        exitReason: 'REACHED_STANDARD',
        householdConsent: { signedOn: '2026-11-18' },
        votesFor: 21,
        votesAgainst: 3,
      },
    ],
    rejectedHouseholdId: rejectedExit.id,
  };
}

/** Waits on the API running now (a test may restart it), generously (STAGE_TIMEOUT_MS). */
export function waitForStage(client: () => Client, roundId: string, stage: string, timeoutMs = STAGE_TIMEOUT_MS) {
  return waitForStageOf(client, roundId, stage, timeoutMs);
}

function expectStatus(reply: Reply, status: number, what: string) {
  if (reply.status !== status) {
    throw new Error(`${what}: expected HTTP ${status}, got ${reply.status}: ${reply.text}`);
  }
}

/** Drives one round from start to COMPLETED; returns the round id. */
export async function runRound(ctx: RoundContext, faults: Faults = {}): Promise<string> {
  const o = await officialsFor(ctx, ctx.villageCode);
  const during = async (step: Step, send: () => Promise<Reply>) => (faults.during?.[step] ?? ((s) => s()))(send);

  const started = await during('start', () =>
    o.township.client.post('/rounds', {
      villageCode: ctx.villageCode,
      policy: { publicityPeriod: ctx.publicityPeriod, stageDeadline: '1 hour' },
    }),
  );
  expectStatus(started, 201, 'start');
  const roundId: string = started.body.roundId;
  await faults.after?.start?.(roundId);

  const { rejectedHouseholdId, ...assessment } = await assessmentFor(ctx.prisma, ctx.villageCode);
  const assessed = await during('assessment', () => o.village.client.post(`/rounds/${roundId}/assessment`, assessment));
  expectStatus(assessed, 200, 'assessment');
  await faults.after?.assessment?.(roundId);

  const review = await waitForStage(() => o.township.client, roundId, 'TOWNSHIP_REVIEW');
  const rejected = review.proposals.find((p: { householdId: string }) => p.householdId === rejectedHouseholdId);
  const visits = await visitsFor(o.township.client, roundId, [rejected.id]);
  const reviewed = await during('townshipReview', () =>
    o.township.client.post(`/rounds/${roundId}/township-review`, {
      decision: 'APPROVE',
      note: '入户核查属实',
      rejected: [{ proposalId: rejected.id, reason: '收入未达标' }],
      verification: visits,
    }),
  );
  expectStatus(reviewed, 200, 'township review');
  await faults.after?.townshipReview?.(roundId);

  const atCounty = await waitForStage(() => o.county.client, roundId, 'COUNTY_ANNOUNCEMENT');
  const announced = await during('countyAnnouncement', () =>
    o.county.client.post(`/rounds/${roundId}/county-announcement`, announceWithSpotChecks(atCounty)),
  );
  expectStatus(announced, 200, 'county announcement');
  await faults.after?.countyAnnouncement?.(roundId);

  await waitForStage(() => o.county.client, roundId, 'COMPLETED');
  return roundId;
}
