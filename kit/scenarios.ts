// Rounds driven through the HTTP API the way officials act; used to record the histories that CI replays.
import type { PrismaClient } from '../infra/db';
import { townshipWorkflowId } from '../domain/campaign';
import { eventually } from './wait';
import { meeting, official, officialsFor, registeredHouseholds, visitsFor, waitForStage, type Client } from './rounds';

export interface ScenarioContext {
  baseUrl: string;
  prisma: PrismaClient;
}

/** A decision POSTed as an official; the scenario fails unless it is accepted (200). */
async function act(client: Client, what: string, path: string, body?: unknown) {
  const reply = await client.post(path, body);
  expectStatus(reply, 200, what);
  return reply;
}

function expectStatus(reply: { status: number; text: string }, status: number, what: string) {
  if (reply.status !== status) throw new Error(`${what}: expected ${status}, got ${reply.status}: ${reply.text}`);
}

/** The five stages straight through. */
export async function happyPath(ctx: ScenarioContext, villageCode: string): Promise<string> {
  const o = await officialsFor(ctx, villageCode);
  const hh = await registeredHouseholds(ctx, villageCode);
  const start = await o.township.client.post('/rounds', { villageCode, policy: { publicityPeriod: '1s' } });
  expectStatus(start, 201, 'start');
  const id: string = start.body.roundId;
  await act(o.village.client, 'assessment', `/rounds/${id}/assessment`, {
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
      {
        action: 'RECLASSIFY',
        householdId: hh[1]!.id,
        category: hh[1]!.category === 'CONSOLIDATION' ? 'TARGETED' : 'CONSOLIDATION',
        votesFor: 20,
        votesAgainst: 3,
      },
    ],
  });
  await waitForStage(o.township.client, id, 'TOWNSHIP_REVIEW');
  await act(o.township.client, 'review', `/rounds/${id}/township-review`, {
    decision: 'APPROVE',
    note: '核查属实',
    verification: await visitsFor(o.township.client, id),
  });
  await waitForStage(o.county.client, id, 'COUNTY_ANNOUNCEMENT');
  await act(o.county.client, 'announce', `/rounds/${id}/county-announcement`, {
    decision: 'ANNOUNCE',
    note: '同意',
  });
  return id;
}

/** An upheld objection (re-publicity), a township return, a county return, then the announcement. */
export async function objectionsAndReturns(ctx: ScenarioContext, villageCode: string): Promise<string> {
  const o = await officialsFor(ctx, villageCode);
  const hh = await registeredHouseholds(ctx, villageCode);
  const start = await o.township.client.post('/rounds', { villageCode, policy: { publicityPeriod: '3s' } });
  expectStatus(start, 201, 'start');
  const id: string = start.body.roundId;
  const assess = () =>
    o.village.client.post(`/rounds/${id}/assessment`, {
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
  const first = await assess();
  expectStatus(first, 200, 'assessment');
  const objection = await o.village.client.post(`/rounds/${id}/objections`, {
    proposalId: first.body.proposals[1].id,
    objector: { name: '村民甲' },
    reason: '该户仍有困难',
  });
  expectStatus(objection, 201, 'objection');
  await act(o.township.client, 'resolution', `/rounds/${id}/objections/${objection.body.objectionId}/resolution`, {
    decision: 'UPHELD',
    note: '核实异议成立',
    withdrawProposal: true,
  });
  await waitForStage(o.township.client, id, 'TOWNSHIP_REVIEW');
  await act(o.township.client, 'return', `/rounds/${id}/township-review`, {
    decision: 'RETURN',
    note: '材料不全',
  });
  expectStatus(await assess(), 200, 'second assessment');
  await waitForStage(o.township.client, id, 'TOWNSHIP_REVIEW');
  await act(o.township.client, 'approve', `/rounds/${id}/township-review`, {
    decision: 'APPROVE',
    note: '同意',
    verification: await visitsFor(o.township.client, id),
  });
  await waitForStage(o.county.client, id, 'COUNTY_ANNOUNCEMENT');
  await act(o.county.client, 'county return', `/rounds/${id}/county-announcement`, {
    decision: 'RETURN',
    returnTo: 'TOWNSHIP_REVIEW',
    note: '请复核',
  });
  await act(o.township.client, 'approve again', `/rounds/${id}/township-review`, {
    decision: 'APPROVE',
    note: '已复核',
    verification: await visitsFor(o.township.client, id),
  });
  await waitForStage(o.county.client, id, 'COUNTY_ANNOUNCEMENT');
  await act(o.county.client, 'announce', `/rounds/${id}/county-announcement`, {
    decision: 'ANNOUNCE',
    note: '同意',
  });
  return id;
}

/** A stage left past its deadline (a reminder is recorded), then the county cancels the round. */
export async function overdueThenCancelled(ctx: ScenarioContext, villageCode: string): Promise<string> {
  const o = await officialsFor(ctx, villageCode);
  const start = await o.township.client.post('/rounds', {
    villageCode,
    policy: { publicityPeriod: '1s', stageDeadline: '1s' },
  });
  expectStatus(start, 201, 'start');
  const id: string = start.body.roundId;
  await eventually(async () => (await o.county.client.get(`/rounds/${id}`)).body.overdueSince, 30_000, 'reminder');
  expectStatus(await o.county.client.post(`/rounds/${id}/cancel`, { reason: '村两委换届，暂停本轮' }), 200, 'cancel');
  return id;
}

export const SCENARIOS = { happyPath, objectionsAndReturns, overdueThenCancelled };

/**
 * A campaign over two villages of one township, cancelled by the county once both rounds are open: records the
 * campaign, its township workflow and a round the campaign cancelled (file name → workflow ID).
 */
export async function campaignCancelled(ctx: ScenarioContext, townshipCode: string): Promise<Record<string, string>> {
  const c = (await official(ctx, 'COUNTY', townshipCode.slice(0, 6), '县')).client;
  const villages = await ctx.prisma.village.findMany({ where: { townshipCode }, orderBy: { code: 'asc' }, take: 2 });
  const start = await c.post('/campaigns', {
    name: '试点调整',
    year: 2026,
    villages: villages.map((v) => v.code),
    policy: { publicityPeriod: '1 hour' },
  });
  expectStatus(start, 201, 'campaign');
  const id: string = start.body.campaignId;
  await eventually(
    async () => (await c.get(`/campaigns/${id}`)).body.progress.roundsStarted === villages.length,
    30_000,
    'rounds started',
  );
  expectStatus(await c.post(`/campaigns/${id}/cancel`, { reason: '上级通知暂停' }), 200, 'cancel');
  await eventually(async () => (await c.get(`/campaigns/${id}`)).body.status === 'CANCELLED', 30_000, 'cancelled');
  const round = await ctx.prisma.round.findFirstOrThrow({ where: { campaignId: id }, orderBy: { villageCode: 'asc' } });
  return {
    'campaign-cancelled': id,
    'township-cancelled': townshipWorkflowId(id, townshipCode),
    'round-cancelledByCampaign': round.id,
  };
}

/** A supervision sweep run on demand by the county over the seeded county (its findings, escalations, purge). */
export async function sweep(ctx: ScenarioContext, countyCode: string): Promise<Record<string, string>> {
  const county = await official(ctx, 'COUNTY', countyCode, '县督查');
  const reply = await county.client.post('/supervision/sweeps', {});
  expectStatus(reply, 201, 'sweep');
  return { 'sweep-manual': reply.body.sweepId };
}
