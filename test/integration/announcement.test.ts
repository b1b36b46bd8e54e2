// The rules of version 2 at the county, through the real HTTP API on a real stack: the minimum publicity period
// captured with the round, the county's spot-check sample, the announcement (signed by the county) that opens the
// announcement period (公告期), objections to the county during it, and the registry changed only at its end.
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { RoundInput } from '../../domain/round';
import { countyAnnouncementUpdate } from '../../workflows/round-contract';
import { eventually } from '../../kit/http';
import { startInputOf } from '../../kit/temporal';
import { startStack, type Stack } from '../../kit/stack';
import {
  expectProblem,
  meeting,
  recordFacts,
  officialsFor,
  registeredHouseholds,
  rowCounts,
  villageClaimer,
  visitsFor,
  waitForStage,
  type Client,
} from '../../kit/rounds';

let stack: Stack;
let claim: ReturnType<typeof villageClaimer>;

// A 2-second minimum, so that a 1-second period is refused while the rounds of this file stay fast.
const RULES = { minPublicityPeriod: '2s', countySampleShare: 0.1 };

beforeAll(async () => {
  stack = await startStack({ rules: RULES });
  claim = villageClaimer(stack);
});
afterAll(async () => {
  await stack?.stop();
});

const fast = { publicityPeriod: '2s', stageDeadline: '1 hour' };
/** Publicities of two seconds, an announcement period that stays open for the test. */
const longAnnouncement = { ...fast, announcementPeriod: '1 hour' };
const prisma = () => stack.db.prisma;

type Officials = Awaited<ReturnType<typeof officialsFor>>;

/** Starts a round and takes it to COUNTY_ANNOUNCEMENT with `n` proposals: exits of registered households. */
async function toCounty(n: number, policy: object) {
  const villageCode = await claim();
  const o = await officialsFor(stack, villageCode);
  const started = await o.township.client.post('/rounds', { villageCode, policy });
  expect(started.status).toBe(201);
  const roundId = started.body.roundId as string;
  const households = (await registeredHouseholds(stack, villageCode)).slice(0, n);
  expect(households).toHaveLength(n);
  // Rules v3: the facts that show each household has reached the standard, recorded first.
  for (const h of households) await recordFacts(o.village.client, h.id);
  const assessed = await o.village.client.post(`/rounds/${roundId}/assessment`, {
    meeting,
    proposals: households.map((h) => ({
      action: 'EXIT',
      householdId: h.id,
      exitReason: 'REACHED_STANDARD',
      householdConsent: { signedOn: '2026-11-18' },
      votesFor: 25,
      votesAgainst: 1,
    })),
  });
  expect(assessed.status).toBe(200);
  const proposalIds = (assessed.body.proposals as { id: string }[]).map((p) => p.id);
  await waitForStage(o.township.client, roundId, 'TOWNSHIP_REVIEW');
  const approved = await o.township.client.post(`/rounds/${roundId}/township-review`, {
    decision: 'APPROVE',
    note: '入户核查属实',
    verification: await visitsFor(o.township.client, roundId),
  });
  expect(approved.status).toBe(200);
  const detail = await waitForStage(o.county.client, roundId, 'COUNTY_ANNOUNCEMENT');
  return { villageCode, o, roundId, households, proposalIds, detail };
}

const visit = (proposalId: string, finding: 'CONFIRMED' | 'NOT_CONFIRMED' = 'CONFIRMED') => ({
  proposalId,
  visitedOn: '2026-12-01',
  visitedBy: '县抽查组王某',
  finding,
});

async function announce(o: Officials, roundId: string, body: object) {
  return o.county.client.post(`/rounds/${roundId}/county-announcement`, {
    decision: 'ANNOUNCE',
    note: '审定同意',
    ...body,
  });
}

/** The input a round's workflow was started with. */
function inputOf(roundId: string) {
  return startInputOf<RoundInput>(stack.env.client, roundId);
}

async function noticeHtml(client: Client, roundId: string, version: number): Promise<string> {
  const r = await client.get(`/rounds/${roundId}/notices/${version}`);
  expect(r.status).toBe(200);
  return r.text as string;
}

describe('the minimum publicity period (MIN_PUBLICITY_PERIOD)', () => {
  it('refuses a round whose publicity or announcement period is shorter, naming the field and the setting; writes nothing', async () => {
    const villageCode = await claim();
    const o = await officialsFor(stack, villageCode);
    const before = await rowCounts(stack);
    const short = await o.township.client.post('/rounds', { villageCode, policy: { publicityPeriod: '1s' } });
    expectProblem(short, 400, /MIN_PUBLICITY_PERIOD \(2s\)/, 'VALIDATION_FAILED');
    expect(short.body.errors).toEqual([
      { path: 'policy.publicityPeriod', message: 'shorter than MIN_PUBLICITY_PERIOD (2s)' },
    ]);
    const shortAnnouncement = await o.township.client.post('/rounds', {
      villageCode,
      policy: { publicityPeriod: '2s', announcementPeriod: '1s' },
    });
    expectProblem(shortAnnouncement, 400, /policy\.announcementPeriod.*MIN_PUBLICITY_PERIOD \(2s\)/);
    expect(shortAnnouncement.body.errors.map((e: { path: string }) => e.path)).toEqual(['policy.announcementPeriod']);
    const campaign = await o.county.client.post('/campaigns', {
      name: '过短公示',
      year: 2026,
      villages: [villageCode],
      policy: { publicityPeriod: '1s' },
    });
    expectProblem(campaign, 400, /MIN_PUBLICITY_PERIOD/);
    expect(campaign.body.errors.map((e: { path: string }) => e.path)).toEqual(['policy.publicityPeriod']);
    expect(await rowCounts(stack)).toEqual(before);
  });

  it('captures the rules in the round it starts, and the workflow refuses an input whose policy breaks them', async () => {
    const villageCode = await claim();
    const o = await officialsFor(stack, villageCode);
    const started = await o.township.client.post('/rounds', { villageCode, policy: fast });
    expect(started.status).toBe(201);
    const input = await inputOf(started.body.roundId);
    expect(input.rules).toEqual({ version: 3, ...RULES });
    await o.county.client.post(`/rounds/${started.body.roundId}/cancel`, { reason: '测试结束' });

    // Started behind the API's back with a period below its own rules' minimum: the workflow fails at once.
    const bad = stack.env.client.workflow.start('roundWorkflow', {
      workflowId: `bad-rules-${villageCode}`,
      taskQueue: stack.taskQueue,
      args: [{ ...input, roundId: `bad-rules-${villageCode}`, policy: { ...input.policy, publicityPeriod: '1s' } }],
    });
    await expect((await bad).result()).rejects.toMatchObject({
      cause: { type: 'InvalidDecision', message: expect.stringMatching(/MIN_PUBLICITY_PERIOD/) },
    });
  });

  it("captures the rules in a campaign, whose rounds inherit them with the campaign's policy", async () => {
    const villageCode = await claim();
    const o = await officialsFor(stack, villageCode);
    const policy = { publicityPeriod: '2s', announcementPeriod: '3s', stageDeadline: '1 hour' };
    const started = await o.county.client.post('/campaigns', {
      name: '规则继承',
      year: 2026,
      villages: [villageCode],
      policy,
    });
    expect(started.status).toBe(201);
    const campaignId = started.body.campaignId as string;
    const round = await eventually(
      async () => (await prisma().round.findFirst({ where: { campaignId } })) ?? undefined,
      30_000,
      'the campaign round',
    );
    const input = await inputOf(round.id);
    expect(input).toMatchObject({ campaignId, policy, rules: { version: 3, ...RULES } });
    expect((await o.county.client.post(`/campaigns/${campaignId}/cancel`, { reason: '测试结束' })).status).toBe(200);
  });
});

describe('the county announcement and its period', () => {
  it('draws a sample, refuses an announcement without its spot checks, announces, and changes the registry at the end', async () => {
    const { o, roundId, households, proposalIds, detail } = await toCounty(3, fast);
    // 3 proposals at 10 %: one drawn, from the list, recorded in the trail.
    expect(detail.countySample).toHaveLength(1);
    expect(proposalIds).toContain(detail.countySample[0]);
    const drawn = detail.decisions.filter((d: { kind: string }) => d.kind === 'COUNTY_SAMPLE_DRAWN');
    expect(drawn).toHaveLength(1);
    expect(drawn[0].details.countySample).toEqual(detail.countySample);

    const [sampled] = detail.countySample as string[];
    const missing = await announce(o, roundId, {});
    expectProblem(missing, 400, new RegExp(`missing: ${sampled}`), 'VALIDATION_FAILED');
    const unconfirmed = await announce(o, roundId, { spotChecks: [visit(sampled!, 'NOT_CONFIRMED')] });
    expectProblem(unconfirmed, 400, new RegExp(`must be rejected.*${sampled}`));
    // The round's own validator refuses the same, should a request reach it without the API.
    await expect(
      stack.env.client.workflow.getHandle(roundId).executeUpdate(countyAnnouncementUpdate, {
        args: [
          {
            actor: { id: o.county.id, name: '县扶贫办', role: 'COUNTY', scopeCode: '620522' },
            decision: 'ANNOUNCE',
            note: '绕过接口',
          },
        ],
      }),
    ).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
    expect((await prisma().round.findUniqueOrThrow({ where: { id: roundId } })).stage).toBe('COUNTY_ANNOUNCEMENT');

    const ok = await announce(o, roundId, { spotChecks: [visit(sampled!)] });
    expect(ok.status).toBe(200);
    expect(ok.body.stage).toBe('ANNOUNCEMENT_PERIOD');
    const during = await o.county.client.get(`/rounds/${roundId}`);
    expect(during.body.stage).toBe('ANNOUNCEMENT_PERIOD');
    expect(during.body.publicityEndsAt).not.toBeNull();
    // Nothing changes in the registry before the period ends.
    const ids = households.map((h) => h.id);
    expect(await prisma().household.count({ where: { id: { in: ids }, status: 'REGISTERED' } })).toBe(3);

    const done = await waitForStage(o.county.client, roundId, 'COMPLETED');
    expect(done.status).toBe('COMPLETED');
    expect(done.decisions.map((d: { kind: string }) => d.kind)).toContain('ANNOUNCEMENT_PERIOD_ENDED');
    expect(await prisma().household.count({ where: { id: { in: ids }, status: 'EXITED' } })).toBe(3);
    expect(await prisma().registryChange.count({ where: { roundId } })).toBe(3);

    // Each notice is signed by who publishes it and states its period.
    const kinds = done.notices.map((n: { kind: string }) => n.kind);
    expect(kinds).toEqual(['FIRST_PUBLICITY', 'SECOND_PUBLICITY', 'ANNOUNCEMENT']);
    const [first, second, announcement] = await Promise.all(
      [1, 2, 3].map((v) => noticeHtml(o.county.client, roundId, v)),
    );
    expect(first).toMatch(/<p style="text-align:right">[^<]+村村民委员会<br>/);
    expect(second).toMatch(/<p style="text-align:right">[^<]+人民政府<br>/);
    expect(announcement).toContain('<p style="text-align:right">秦安县扶贫开发领导小组办公室<br>');
    expect(announcement).toMatch(/公告期：\d{4}年.+ 至 \d{4}年/);
    expect(announcement).toContain('向秦安县扶贫开发领导小组办公室实名反映');
  });

  it('rejects a proposal not confirmed on its spot check; the rest is announced and applied', async () => {
    const { o, roundId, households, detail } = await toCounty(2, fast);
    const [sampled] = detail.countySample as string[];
    const r = await announce(o, roundId, {
      spotChecks: [visit(sampled!, 'NOT_CONFIRMED')],
      rejected: [{ proposalId: sampled, reason: '抽查：收入未达标' }],
    });
    expect(r.status).toBe(200);
    const done = await waitForStage(o.county.client, roundId, 'COMPLETED');
    const byId = new Map(done.proposals.map((p: { id: string; status: string }) => [p.id, p.status]));
    expect(byId.get(sampled)).toBe('REJECTED');
    expect([...byId.values()].sort()).toEqual(['APPLIED', 'REJECTED']);
    const rejectedHousehold = done.proposals.find((p: { id: string }) => p.id === sampled).householdId;
    expect((await prisma().household.findUniqueOrThrow({ where: { id: rejectedHousehold } })).status).toBe(
      'REGISTERED',
    );
    expect(await prisma().registryChange.count({ where: { roundId } })).toBe(1);
    expect(households).toHaveLength(2);
  });

  it('takes objections only from the county, resolved only by the county, and lists them in its tasks', async () => {
    const { o, roundId, detail, proposalIds } = await toCounty(2, longAnnouncement);
    const [sampled] = detail.countySample as string[];
    expect((await announce(o, roundId, { spotChecks: [visit(sampled!)] })).status).toBe(200);
    const objection = { proposalId: proposalIds[0], objector: { name: '村民甲' }, reason: '家中仍有重病患者' };
    for (const who of [o.village, o.township]) {
      expectProblem(await who.client.post(`/rounds/${roundId}/objections`, objection), 403, /COUNTY/);
    }
    const filed = await o.county.client.post(`/rounds/${roundId}/objections`, objection);
    expect(filed.status).toBe(201);
    const objectionId = filed.body.objectionId as string;

    const countyTasks = await o.county.client.get('/tasks');
    expect(countyTasks.body.items).toContainEqual(
      expect.objectContaining({ kind: 'RESOLVE_OBJECTION', roundId, objectionId, stage: 'ANNOUNCEMENT_PERIOD' }),
    );
    const townshipTasks = await o.township.client.get('/tasks');
    expect(townshipTasks.body.items.filter((t: { roundId: string }) => t.roundId === roundId)).toEqual([]);

    const byTownship = await o.township.client.post(`/rounds/${roundId}/objections/${objectionId}/resolution`, {
      decision: 'DISMISSED',
      note: '乡镇无权处理',
    });
    expectProblem(byTownship, 403, /COUNTY/, 'FORBIDDEN');
    const returnOnDismiss = await o.county.client.post(`/rounds/${roundId}/objections/${objectionId}/resolution`, {
      decision: 'DISMISSED',
      note: '不成立',
      returnTo: 'TOWNSHIP_REVIEW',
    });
    // Refused at the API already (the workflow's validator refuses it too: test/unit/announcement-validators.test.ts).
    expectProblem(returnOnDismiss, 400, /upheld/);
    const dismissed = await o.county.client.post(`/rounds/${roundId}/objections/${objectionId}/resolution`, {
      decision: 'DISMISSED',
      note: '经核实，异议不成立',
    });
    expect(dismissed.status).toBe(200);
    expect(
      (await o.county.client.get('/tasks')).body.items.some(
        (t: { objectionId?: string }) => t.objectionId === objectionId,
      ),
    ).toBe(false);
    await o.county.client.post(`/rounds/${roundId}/cancel`, { reason: '测试结束' });
  });

  it('withdraws a proposal on an upheld objection: a new announcement version, and the period restarts', async () => {
    const { o, roundId, detail, proposalIds } = await toCounty(2, longAnnouncement);
    const [sampled] = detail.countySample as string[];
    const announced = await announce(o, roundId, { spotChecks: [visit(sampled!)] });
    expect(announced.body.noticeVersion).toBe(3);
    const before = await o.county.client.get(`/rounds/${roundId}`);
    const filed = await o.county.client.post(`/rounds/${roundId}/objections`, {
      proposalId: proposalIds[1],
      objector: { name: '村民乙' },
      reason: '该户尚未稳定脱贫',
    });
    const upheld = await o.county.client.post(`/rounds/${roundId}/objections/${filed.body.objectionId}/resolution`, {
      decision: 'UPHELD',
      note: '核实属实，撤回该户',
      withdrawProposal: true,
    });
    expect(upheld.status).toBe(200);
    expect(upheld.body.noticeVersion).toBe(4);
    const after = await o.county.client.get(`/rounds/${roundId}`);
    expect(after.body.stage).toBe('ANNOUNCEMENT_PERIOD');
    expect(Date.parse(after.body.publicityEndsAt)).toBeGreaterThan(Date.parse(before.body.publicityEndsAt));
    const notice = after.body.notices.find((n: { version: number }) => n.version === 4);
    expect(notice.kind).toBe('ANNOUNCEMENT');
    const html = await noticeHtml(o.county.client, roundId, 4);
    expect(html).toContain('秦安县扶贫开发领导小组办公室<br>');
    expect(after.body.proposals.find((p: { id: string }) => p.id === proposalIds[1]).status).toBe('WITHDRAWN');
    await o.county.client.post(`/rounds/${roundId}/cancel`, { reason: '测试结束' });
  });

  it('returns the round to the township review on an upheld objection, with the county’s reason; the registry is untouched', async () => {
    const { o, roundId, households, detail, proposalIds } = await toCounty(2, longAnnouncement);
    const [sampled] = detail.countySample as string[];
    expect((await announce(o, roundId, { spotChecks: [visit(sampled!)] })).status).toBe(200);
    const filed = await o.county.client.post(`/rounds/${roundId}/objections`, {
      proposalId: proposalIds[0],
      objector: { name: '村民丙' },
      reason: '评议程序不规范',
    });
    const returned = await o.county.client.post(`/rounds/${roundId}/objections/${filed.body.objectionId}/resolution`, {
      decision: 'UPHELD',
      note: '程序不规范，退回乡镇重新审核',
      returnTo: 'TOWNSHIP_REVIEW',
    });
    expect(returned.status).toBe(200);
    expect(returned.body.stage).toBe('TOWNSHIP_REVIEW');
    const r = await o.township.client.get(`/rounds/${roundId}`);
    expect(r.body.stage).toBe('TOWNSHIP_REVIEW');
    expect(r.body.countySample).toEqual([]);
    const resolved = r.body.decisions.find((d: { kind: string }) => d.kind === 'OBJECTION_RESOLVED');
    expect(resolved).toMatchObject({ note: '程序不规范，退回乡镇重新审核', details: { returnTo: 'TOWNSHIP_REVIEW' } });
    expect(r.body.proposals.map((p: { status: string }) => p.status)).toEqual(['PROPOSED', 'PROPOSED']);
    const ids = households.map((h) => h.id);
    expect(await prisma().household.count({ where: { id: { in: ids }, status: 'REGISTERED' } })).toBe(2);
    expect(await prisma().registryChange.count({ where: { roundId } })).toBe(0);
    // The township approves again: a new second publicity, and a new sample when the list reaches the county.
    expect(
      (
        await o.township.client.post(`/rounds/${roundId}/township-review`, {
          decision: 'APPROVE',
          note: '重新审核',
          verification: await visitsFor(o.township.client, roundId),
        })
      ).status,
    ).toBe(200);
    const again = await waitForStage(o.county.client, roundId, 'COUNTY_ANNOUNCEMENT');
    expect(again.countySample).toHaveLength(1);
    expect(again.decisions.filter((d: { kind: string }) => d.kind === 'COUNTY_SAMPLE_DRAWN')).toHaveLength(2);
    await o.county.client.post(`/rounds/${roundId}/cancel`, { reason: '测试结束' });
  });
});
