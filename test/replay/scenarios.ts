// Rounds driven through the HTTP API the way officials act; used to record the histories that CI replays.
import type { PrismaClient } from '../../infra/db';
import { townshipWorkflowId } from '../../domain/campaign';
import { createOfficial } from '../../infra/officials';
import { api, eventually } from '../support/http';
import { visitsFor } from '../support/rounds';

export interface ScenarioContext {
  baseUrl: string;
  prisma: PrismaClient;
}

const meeting = { heldOn: '2026-11-20', representativesPresent: 30, representativesTotal: 40 };

async function officials(ctx: ScenarioContext, villageCode: string) {
  const [v, t, c] = await Promise.all([
    createOfficial(ctx.prisma, { role: 'VILLAGE', scopeCode: villageCode, name: '村委会' }),
    createOfficial(ctx.prisma, { role: 'TOWNSHIP', scopeCode: villageCode.slice(0, 9), name: '乡镇' }),
    createOfficial(ctx.prisma, { role: 'COUNTY', scopeCode: villageCode.slice(0, 6), name: '县扶贫办' }),
  ]);
  return { village: api(ctx.baseUrl, v.token), township: api(ctx.baseUrl, t.token), county: api(ctx.baseUrl, c.token) };
}

function expectStatus(reply: { status: number; text: string }, status: number, what: string) {
  if (reply.status !== status) throw new Error(`${what}: expected ${status}, got ${reply.status}: ${reply.text}`);
}

async function stage(client: ReturnType<typeof api>, roundId: string, wanted: string) {
  await eventually(
    async () => (await client.get(`/rounds/${roundId}`)).body.stage === wanted,
    30_000,
    `${roundId} at ${wanted}`,
  );
}

async function registered(ctx: ScenarioContext, villageCode: string) {
  return ctx.prisma.household.findMany({
    where: { villageCode, status: 'REGISTERED' },
    orderBy: { registryNo: 'asc' },
  });
}

/** The five stages straight through. */
export async function happyPath(ctx: ScenarioContext, villageCode: string): Promise<string> {
  const o = await officials(ctx, villageCode);
  const hh = await registered(ctx, villageCode);
  const start = await o.township.post('/rounds', { villageCode, policy: { publicityPeriod: '1s' } });
  expectStatus(start, 201, 'start');
  const id: string = start.body.roundId;
  expectStatus(
    await o.village.post(`/rounds/${id}/assessment`, {
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
    }),
    200,
    'assessment',
  );
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
  expectStatus(
    await o.county.post(`/rounds/${id}/county-announcement`, { decision: 'ANNOUNCE', note: '同意' }),
    200,
    'announce',
  );
  return id;
}

/** An upheld objection (re-publicity), a township return, a county return, then the announcement. */
export async function objectionsAndReturns(ctx: ScenarioContext, villageCode: string): Promise<string> {
  const o = await officials(ctx, villageCode);
  const hh = await registered(ctx, villageCode);
  const start = await o.township.post('/rounds', { villageCode, policy: { publicityPeriod: '3s' } });
  expectStatus(start, 201, 'start');
  const id: string = start.body.roundId;
  const assess = () =>
    o.village.post(`/rounds/${id}/assessment`, {
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
  const objection = await o.village.post(`/rounds/${id}/objections`, {
    proposalId: first.body.proposals[1].id,
    objector: { name: '村民甲' },
    reason: '该户仍有困难',
  });
  expectStatus(objection, 201, 'objection');
  expectStatus(
    await o.township.post(`/rounds/${id}/objections/${objection.body.objectionId}/resolution`, {
      decision: 'UPHELD',
      note: '核实异议成立',
      withdrawProposal: true,
    }),
    200,
    'resolution',
  );
  await stage(o.township, id, 'TOWNSHIP_REVIEW');
  expectStatus(
    await o.township.post(`/rounds/${id}/township-review`, { decision: 'RETURN', note: '材料不全' }),
    200,
    'return',
  );
  expectStatus(await assess(), 200, 'second assessment');
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
  expectStatus(
    await o.county.post(`/rounds/${id}/county-announcement`, {
      decision: 'RETURN',
      returnTo: 'TOWNSHIP_REVIEW',
      note: '请复核',
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
  expectStatus(
    await o.county.post(`/rounds/${id}/county-announcement`, { decision: 'ANNOUNCE', note: '同意' }),
    200,
    'announce',
  );
  return id;
}

/** A stage left past its deadline (a reminder is recorded), then the county cancels the round. */
export async function overdueThenCancelled(ctx: ScenarioContext, villageCode: string): Promise<string> {
  const o = await officials(ctx, villageCode);
  const start = await o.township.post('/rounds', {
    villageCode,
    policy: { publicityPeriod: '1s', stageDeadline: '1s' },
  });
  expectStatus(start, 201, 'start');
  const id: string = start.body.roundId;
  await eventually(async () => (await o.county.get(`/rounds/${id}`)).body.overdueSince, 30_000, 'reminder');
  expectStatus(await o.county.post(`/rounds/${id}/cancel`, { reason: '村两委换届，暂停本轮' }), 200, 'cancel');
  return id;
}

export const SCENARIOS = { happyPath, objectionsAndReturns, overdueThenCancelled };

/**
 * A campaign over two villages of one township, cancelled by the county once both rounds are open: records the
 * campaign, its township workflow and a round the campaign cancelled (file name → workflow ID).
 */
export async function campaignCancelled(ctx: ScenarioContext, townshipCode: string): Promise<Record<string, string>> {
  const county = await createOfficial(ctx.prisma, { role: 'COUNTY', scopeCode: townshipCode.slice(0, 6), name: '县' });
  const c = api(ctx.baseUrl, county.token);
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
  const county = await createOfficial(ctx.prisma, { role: 'COUNTY', scopeCode: countyCode, name: '县督查' });
  const reply = await api(ctx.baseUrl, county.token).post('/supervision/sweeps', {});
  expectStatus(reply, 201, 'sweep');
  return { 'sweep-manual': reply.body.sweepId };
}
