// A township campaign driven through the HTTP API, the same in every run so that two runs can be compared row for
// row: the county starts a campaign over one township's villages; each village then gets the fault suite's
// assessment (round-script.ts), its township approves with one rejection, the county announces. Steps go
// village by village, a few at a time; a hook runs (concurrently) once half the villages have passed a step,
// which is where a test injects its fault. Requests are retried on 5xx or a dropped connection with the same
// Idempotency-Key, as a client of a cluster under maintenance would.
import { randomUUID } from 'node:crypto';
import type { PrismaClient } from '../../../infra/db';
import { createOfficial } from '../../../infra/officials';
import { officialsFor, type Officials } from '../../../kit/rounds';
import { assessmentFor, waitForStage } from '../../faults/support/round-script';
import { api, eventually, mapLimit, type Reply } from '../../../kit/http';
import { announceWithSpotChecks, visitsFor } from '../../../kit/rounds';

export type CampaignStep = 'assessment' | 'townshipReview' | 'countyAnnouncement';

export interface CampaignContext {
  prisma: PrismaClient;
  townshipCode: string;
  /** Called for every request: the test alternates between APIs. */
  baseUrl: () => string;
  publicityPeriod: string;
}

/** Generous: a step may wait out an activity's start-to-close timeout after a worker was killed. */
const STEP_TIMEOUT_MS = 300_000;

/** POSTs until an answer that is not 5xx, with one Idempotency-Key for every attempt. */
async function postReliably(client: () => ReturnType<typeof api>, path: string, body: unknown): Promise<Reply> {
  const key = randomUUID();
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  for (;;) {
    const reply = await client()
      .post(path, body, { 'Idempotency-Key': key })
      .catch((err: Error) => ({ status: 0, text: err.message }) as Reply);
    if (reply.status !== 0 && reply.status < 500) return reply;
    if (Date.now() > deadline) throw new Error(`POST ${path}: still ${reply.status} after retries: ${reply.text}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

function expectStatus(reply: Reply, status: number, what: string) {
  if (reply.status !== status) throw new Error(`${what}: expected HTTP ${status}, got ${reply.status}: ${reply.text}`);
}

export async function townshipVillages(prisma: PrismaClient, townshipCode: string): Promise<string[]> {
  const rows = await prisma.village.findMany({
    where: { townshipCode },
    orderBy: { code: 'asc' },
    select: { code: true },
  });
  return rows.map((r) => r.code);
}

/** Runs the campaign to COMPLETED; returns its id and the villages' round ids. */
export async function runTownshipCampaign(
  ctx: CampaignContext,
  halfway: Partial<Record<CampaignStep, () => Promise<void>>> = {},
): Promise<{ campaignId: string; roundIds: Map<string, string> }> {
  const villages = await townshipVillages(ctx.prisma, ctx.townshipCode);
  const countyOfficial = await createOfficial(ctx.prisma, {
    role: 'COUNTY',
    scopeCode: ctx.townshipCode.slice(0, 6),
    name: '县扶贫办',
  });
  const county = () => api(ctx.baseUrl(), countyOfficial.token);
  const officials = new Map<string, Officials>();
  for (const v of villages) officials.set(v, await officialsFor(ctx, v));

  const started = await postReliably(county, '/campaigns', {
    name: `乡镇动态调整 ${ctx.townshipCode}`,
    year: 2026,
    villages,
    policy: { publicityPeriod: ctx.publicityPeriod, stageDeadline: '1 hour' },
  });
  expectStatus(started, 201, 'campaign');
  const campaignId: string = started.body.campaignId;

  const roundIds = new Map<string, string>();
  const faults: Promise<void>[] = [];
  /** Runs `act` for every village, firing the step's hook once half of them are done. */
  const step = async (name: CampaignStep, act: (village: string, o: Officials, roundId: string) => Promise<void>) => {
    let done = 0;
    await mapLimit(villages, 4, async (v) => {
      await act(v, officials.get(v)!, roundIds.get(v)!);
      if (++done === Math.ceil(villages.length / 2) && halfway[name]) faults.push(halfway[name]());
    });
  };

  // The campaign starts each village's round; wait for it, then assess.
  await step('assessment', async (v, o) => {
    const round = await eventually(
      async () => {
        const r = await o.township.client.get(`/rounds?village=${v}`).catch(() => undefined);
        return r?.status === 200 ? r.body.items?.[0] : undefined;
      },
      STEP_TIMEOUT_MS,
      `the campaign to start the round of ${v}`,
    );
    roundIds.set(v, round.roundId ?? round.id);
    await waitForStage(() => o.village.client, roundIds.get(v)!, 'VILLAGE_ASSESSMENT', STEP_TIMEOUT_MS);
    const { rejectedHouseholdId: _, ...assessment } = await assessmentFor(ctx.prisma, v);
    expectStatus(
      await postReliably(() => o.village.client, `/rounds/${roundIds.get(v)}/assessment`, assessment),
      200,
      `assessment ${v}`,
    );
  });

  await step('townshipReview', async (v, o, roundId) => {
    const { rejectedHouseholdId } = await assessmentFor(ctx.prisma, v);
    const review = await waitForStage(() => o.township.client, roundId, 'TOWNSHIP_REVIEW', STEP_TIMEOUT_MS);
    const rejected = review.proposals.find((p: { householdId: string }) => p.householdId === rejectedHouseholdId);
    const reply = await postReliably(() => o.township.client, `/rounds/${roundId}/township-review`, {
      decision: 'APPROVE',
      note: '入户核查属实',
      rejected: [{ proposalId: rejected.id, reason: '收入未达标' }],
      verification: await visitsFor(o.township.client, roundId, [rejected.id]),
    });
    expectStatus(reply, 200, `township review ${v}`);
  });

  await step('countyAnnouncement', async (v, o, roundId) => {
    const atCounty = await waitForStage(() => o.county.client, roundId, 'COUNTY_ANNOUNCEMENT', STEP_TIMEOUT_MS);
    const reply = await postReliably(
      () => o.county.client,
      `/rounds/${roundId}/county-announcement`,
      announceWithSpotChecks(atCounty),
    );
    expectStatus(reply, 200, `county announcement ${v}`);
  });

  await Promise.all(faults);
  for (const [v, roundId] of roundIds)
    await waitForStage(() => officials.get(v)!.county.client, roundId, 'COMPLETED', STEP_TIMEOUT_MS);
  await eventually(
    async () => (await county().get(`/campaigns/${campaignId}`)).body?.status === 'COMPLETED',
    STEP_TIMEOUT_MS,
    'the campaign to complete',
  );
  return { campaignId, roundIds };
}
