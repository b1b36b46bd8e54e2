// Rounds under the rules of version 2 (captured by the API from its settings), driven through the HTTP API the way
// officials act; recorded on a stack whose API has rules (record-histories.ts). Each passes the county's sample
// drawn by the workflow, so a replay that drew another sample would ask for another activity input.
import {
  meeting,
  officialsFor,
  recordFacts,
  registeredHouseholds as registered,
  visitsFor,
  waitForStage as stage,
  type Client,
} from './rounds';
import type { ScenarioContext } from './scenarios';

/** The settings the version-2 scenarios are recorded with. */
export const RECORDED_RULES = { minPublicityPeriod: '1s', countySampleShare: 0.1 };

function expectStatus(reply: { status: number; text: string }, status: number, what: string) {
  if (reply.status !== status) throw new Error(`${what}: expected ${status}, got ${reply.status}: ${reply.text}`);
}

/** The round's three officials' clients. */
async function officials(ctx: ScenarioContext, villageCode: string) {
  const o = await officialsFor(ctx, villageCode);
  return { village: o.village.client, township: o.township.client, county: o.county.client };
}

/** ANNOUNCE with a CONFIRMED spot check of every sampled proposal. */
async function announceWithSpotChecks(county: Client, id: string) {
  const sample: string[] = (await county.get(`/rounds/${id}`)).body.countySample;
  if (sample.length === 0) throw new Error(`${id}: no county sample drawn`);
  expectStatus(
    await county.post(`/rounds/${id}/county-announcement`, {
      decision: 'ANNOUNCE',
      note: '抽查属实，审定同意',
      spotChecks: sample.map((proposalId) => ({
        proposalId,
        visitedOn: '2026-12-01',
        visitedBy: '县抽查组',
        finding: 'CONFIRMED',
      })),
    }),
    200,
    'announce',
  );
}

async function assessTwo(
  ctx: ScenarioContext,
  o: Awaited<ReturnType<typeof officials>>,
  villageCode: string,
  id: string,
) {
  const hh = await registered(ctx, villageCode);
  // Under the rules of version 3 the exit as REACHED_STANDARD needs the facts that show it (harmless before).
  await recordFacts(o.village, hh[0]!.id);
  const reply = await o.village.post(`/rounds/${id}/assessment`, {
    meeting,
    proposals: [
      {
        action: 'EXIT',
        householdId: hh[0]!.id,
        exitReason: 'REACHED_STANDARD',
        householdConsent: { signedOn: '2026-11-18' },
        votesFor: 25,
        votesAgainst: 1,
      },
      { action: 'EXIT', householdId: hh[1]!.id, exitReason: 'WRONGLY_INCLUDED', votesFor: 21, votesAgainst: 2 },
    ],
  });
  expectStatus(reply, 200, 'assessment');
  return reply.body.proposals as { id: string }[];
}

/** Every stage straight through, the announcement period included: sample, spot checks, registry at its end. */
export async function v2HappyPath(ctx: ScenarioContext, villageCode: string): Promise<string> {
  const o = await officials(ctx, villageCode);
  const start = await o.township.post('/rounds', { villageCode, policy: { publicityPeriod: '1s' } });
  expectStatus(start, 201, 'start');
  const id: string = start.body.roundId;
  await assessTwo(ctx, o, villageCode, id);
  await stage(o.township, id, 'TOWNSHIP_REVIEW');
  expectStatus(
    await o.township.post(`/rounds/${id}/township-review`, {
      decision: 'APPROVE',
      note: '核查属实',
      verification: await visitsFor(o.township, id),
    }),
    200,
    'review',
  );
  await stage(o.county, id, 'COUNTY_ANNOUNCEMENT');
  await announceWithSpotChecks(o.county, id);
  await stage(o.county, id, 'COMPLETED');
  return id;
}

/**
 * An objection during the announcement period, upheld by the county, which returns the round to the township; the
 * township approves again, a new sample is drawn, and the second announcement period ends the round.
 */
export async function v2AnnouncementReturned(ctx: ScenarioContext, villageCode: string): Promise<string> {
  const o = await officials(ctx, villageCode);
  const start = await o.township.post('/rounds', {
    villageCode,
    policy: { publicityPeriod: '1s', announcementPeriod: '5s' },
  });
  expectStatus(start, 201, 'start');
  const id: string = start.body.roundId;
  const proposals = await assessTwo(ctx, o, villageCode, id);
  await stage(o.township, id, 'TOWNSHIP_REVIEW');
  expectStatus(
    await o.township.post(`/rounds/${id}/township-review`, {
      decision: 'APPROVE',
      note: '同意',
      verification: await visitsFor(o.township, id),
    }),
    200,
    'approve',
  );
  await stage(o.county, id, 'COUNTY_ANNOUNCEMENT');
  await announceWithSpotChecks(o.county, id);
  const objection = await o.county.post(`/rounds/${id}/objections`, {
    proposalId: proposals[1]!.id,
    objector: { name: '村民丁' },
    reason: '评议时未通知本户',
  });
  expectStatus(objection, 201, 'objection');
  expectStatus(
    await o.county.post(`/rounds/${id}/objections/${objection.body.objectionId}/resolution`, {
      decision: 'UPHELD',
      note: '评议程序有瑕疵，退回乡镇重新审核',
      returnTo: 'TOWNSHIP_REVIEW',
    }),
    200,
    'county return',
  );
  expectStatus(
    await o.township.post(`/rounds/${id}/township-review`, {
      decision: 'APPROVE',
      note: '已复核',
      verification: await visitsFor(o.township, id),
    }),
    200,
    'approve again',
  );
  await stage(o.county, id, 'COUNTY_ANNOUNCEMENT');
  await announceWithSpotChecks(o.county, id);
  await stage(o.county, id, 'COMPLETED');
  return id;
}

export const SCENARIOS_V2 = { v2HappyPath, v2AnnouncementReturned };
