// The decision rules of issue 12 through the real HTTP API on a real stack: majority of those present, the
// "no change" round and campaign, the township's household visits, corrections by upheld objection, causes and
// entry/exit reasons. Each refusal is a 400 naming the field that writes nothing; each rule's accepted path runs.
// Rounds here run under rules v2: until the API captures them (POST /rounds, POST /campaigns), a local helper
// starts the round or campaign workflow with them the way the API does; every decision then goes through HTTP.
import { randomUUID } from 'node:crypto';
import { roundWorkflowId } from '../../domain/constants';
import { DEFAULT_POLICY, type Actor, type RoundInput, type RoundRules } from '../../domain/round';
import { createOfficial } from '../../infra/officials';
import { simulateOfficials, type SimOfficial } from '../../sim/officials';
import { campaignWorkflow } from '../../workflows/campaign';
import { campaignOpenedUpdate } from '../../workflows/campaign-contract';
import { roundWorkflow } from '../../workflows/round';
import { roundOpenedUpdate } from '../../workflows/round-contract';
import { CAMPAIGN_KEY, STAGE_KEY, TOWNSHIP_KEY, VILLAGE_KEY } from '../../workflows/search-attributes';
import { api, eventually } from '../../kit/http';
import {
  expectProblem,
  freshIdNumber,
  meeting,
  villageClaimer,
  visitsFor,
  waitForStage,
  announceWithSpotChecks,
  type Client,
} from '../../kit/rounds';
import { statementsSent } from '../../kit/database';
import { startStack, type Stack } from '../../kit/stack';

let stack: Stack;
let claim: ReturnType<typeof villageClaimer>;

beforeAll(async () => {
  stack = await startStack();
  claim = villageClaimer(stack);
});
afterAll(async () => {
  await stack?.stop();
});

const RULES: RoundRules = { version: 2, minPublicityPeriod: '1s', countySampleShare: 0.1 };
const CONSENT = { signedOn: '2026-11-18' };
const prisma = () => stack.db.prisma;

async function officialOf(role: Actor['role'], scopeCode: string, name: string) {
  const o = await createOfficial(prisma(), { role, scopeCode, name });
  const actor: Actor = { id: o.id, name, role, scopeCode };
  return { actor, client: api(stack.baseUrl, o.token) };
}

async function officials(villageCode: string) {
  const [village, township, county] = await Promise.all([
    officialOf('VILLAGE', villageCode, '村支书'),
    officialOf('TOWNSHIP', villageCode.slice(0, 9), '乡镇干部'),
    officialOf('COUNTY', '620522', '县扶贫办'),
  ]);
  return { village, township, county };
}

/** Starts a round under rules v2 as POST /rounds does (same id, search attributes, wait until recorded). */
async function startV2Round(villageCode: string, startedBy: Actor, publicityPeriod: string): Promise<string> {
  const roundId = roundWorkflowId(villageCode, 1);
  const input: RoundInput = {
    roundId,
    villageCode,
    townshipCode: villageCode.slice(0, 9),
    roundNo: 1,
    policy: { ...DEFAULT_POLICY, publicityPeriod, stageDeadline: '1 hour' },
    startedBy,
    rules: RULES,
  };
  const handle = await stack.env.client.workflow.start(roundWorkflow, {
    workflowId: roundId,
    taskQueue: stack.taskQueue,
    args: [input],
    typedSearchAttributes: [
      { key: VILLAGE_KEY, value: villageCode },
      { key: TOWNSHIP_KEY, value: input.townshipCode },
      { key: STAGE_KEY, value: 'VILLAGE_ASSESSMENT' },
    ],
  });
  await handle.executeUpdate(roundOpenedUpdate);
  return roundId;
}

async function householdsOf(villageCode: string, status: 'REGISTERED' | 'NOT_REGISTERED' | 'EXITED') {
  return prisma().household.findMany({ where: { villageCode, status }, orderBy: { registryNo: 'asc' } });
}

async function detail(client: Client, roundId: string) {
  return (await client.get(`/rounds/${roundId}`)).body;
}

/** What a refused decision on `roundId` must not write (other rounds of this file may be moving meanwhile). */
async function roundRows(roundId: string) {
  const p = prisma();
  const where = { roundId };
  const villageCode = roundId.split('-')[1]!;
  return Promise.all([
    p.decision.count({ where }),
    p.proposal.count({ where }),
    p.notice.count({ where }),
    p.objection.count({ where }),
    p.household.count({ where: { villageCode } }),
    p.registryChange.count({ where: { household: { villageCode } } }),
  ]);
}

/** A 400 naming `path` in its errors, and not a row of the round or its village written. */
async function expectRefused(roundId: string, send: () => Promise<any>, path: string, detail?: RegExp) {
  const before = await roundRows(roundId);
  const r = await send();
  expectProblem(r, 400, detail, 'VALIDATION_FAILED');
  expect(r.body.errors.map((e: { path: string }) => e.path)).toContain(path);
  expect(await roundRows(roundId)).toEqual(before);
  return r;
}

describe('majority of those present', () => {
  test('a proposal with half of those present or fewer for it, or more votes than present, is refused', async () => {
    const code = await claim();
    const o = await officials(code);
    const roundId = await startV2Round(code, o.township.actor, '1 hour');
    const [h] = await householdsOf(code, 'REGISTERED');
    const exit = { action: 'EXIT', householdId: h!.id, exitReason: 'WRONGLY_INCLUDED', votesAgainst: 0 };
    const post =
      (votesFor: number, votesAgainst = 0) =>
      () =>
        o.village.client.post(`/rounds/${roundId}/assessment`, {
          meeting, // 30 of 40 present
          proposals: [{ ...exit, votesFor, votesAgainst }],
        });
    // 15 for, none against: more for than against, yet not more than half of the 30 present.
    await expectRefused(roundId, post(15), 'proposals.0.votesFor', /more than half of the 30 representatives present/);
    await expectRefused(
      roundId,
      post(20, 11),
      'proposals.0.votesFor',
      /more votes \(31\) than representatives present/,
    );
    const accepted = await post(16, 14)();
    expect(accepted.status).toBe(200);
    expect(accepted.body.stage).toBe('FIRST_PUBLICITY');
  });
});

describe('no change', () => {
  test('a "no change" list is publicised, reviewed and announced, and the registry does not change', async () => {
    const code = await claim();
    const o = await officials(code);
    const roundId = await startV2Round(code, o.township.actor, '1s');
    const [h] = await householdsOf(code, 'REGISTERED');
    const assess = (body: object) => () => o.village.client.post(`/rounds/${roundId}/assessment`, body);
    await expectRefused(roundId, assess({ meeting, proposals: [] }), 'proposals', /noChange/);
    await expectRefused(
      roundId,
      assess({
        meeting,
        noChange: true,
        proposals: [
          { action: 'EXIT', householdId: h!.id, exitReason: 'WRONGLY_INCLUDED', votesFor: 20, votesAgainst: 0 },
        ],
      }),
      'proposals',
      /proposes nothing/,
    );

    const registry = await prisma().household.findMany({ where: { villageCode: code }, orderBy: { id: 'asc' } });
    const changes = await prisma().registryChange.count();
    const assessed = await assess({ meeting, noChange: true, proposals: [] })();
    expect(assessed.status).toBe(200);
    expect(assessed.body).toMatchObject({ stage: 'FIRST_PUBLICITY', noticeVersion: 1, proposals: [] });
    const notice = await o.county.client.get(`/rounds/${roundId}/notices/1`);
    expect(notice.text).toContain('（无）');

    await waitForStage(o.township.client, roundId, 'TOWNSHIP_REVIEW');
    const approved = await o.township.client.post(`/rounds/${roundId}/township-review`, {
      decision: 'APPROVE',
      note: '本村本轮无调整，核实无漏评',
    });
    expect(approved.status).toBe(200);
    const atCounty = await waitForStage(o.county.client, roundId, 'COUNTY_ANNOUNCEMENT');
    const announced = await o.county.client.post(
      `/rounds/${roundId}/county-announcement`,
      announceWithSpotChecks(atCounty, '同意'),
    );
    expect(announced.status).toBe(200);
    const done = await waitForStage(o.county.client, roundId, 'COMPLETED');
    expect(done.status).toBe('COMPLETED');
    expect(done.decisions.find((d: { kind: string }) => d.kind === 'ASSESSMENT_SUBMITTED').details).toMatchObject({
      noChange: true,
      count: 0,
    });
    expect(done.notices.map((n: { kind: string }) => n.kind)).toEqual(
      expect.arrayContaining(['FIRST_PUBLICITY', 'SECOND_PUBLICITY', 'ANNOUNCEMENT']),
    );
    expect(await prisma().household.findMany({ where: { villageCode: code }, orderBy: { id: 'asc' } })).toEqual(
      registry,
    );
    expect(await prisma().registryChange.count()).toBe(changes);
  });

  test('a round started before the rules (no rules in its input) keeps its old rule: no empty list', async () => {
    const code = await claim();
    const o = await officials(code);
    const started = await o.township.client.post('/rounds', {
      villageCode: code,
      policy: { publicityPeriod: '1 hour', stageDeadline: '1 hour' },
    });
    expect(started.status).toBe(201);
    const r = await o.village.client.post(`/rounds/${started.body.roundId}/assessment`, {
      meeting,
      noChange: true,
      proposals: [],
    });
    // This file's API captures no rules (startStack without `rules`): POST /rounds starts a round as the previous
    // release did, and its workflow keeps the old rule.
    expectProblem(r, 422, /at least one proposal/, 'INVALID_DECISION');
  });

  test('a township campaign whose villages all conclude that nothing changes completes', async () => {
    // The last township: other tests claim villages in code order from the first; claim all of its villages.
    const { code: township } = await prisma().township.findFirstOrThrow({ orderBy: { code: 'desc' } });
    const count = await prisma().village.count({ where: { townshipCode: township } });
    const villages = await Promise.all(
      Array.from({ length: count }, async () => ({ code: await claim({ township }) })),
    );
    const make = async (role: SimOfficial['role'], scopeCode: string): Promise<SimOfficial> => ({
      role,
      scopeCode,
      token: (await createOfficial(prisma(), { role, scopeCode, name: `${role} ${scopeCode}` })).token,
    });
    const simOfficials = await Promise.all([
      ...villages.map((v) => make('VILLAGE', v.code)),
      make('TOWNSHIP', township),
      make('COUNTY', '620522'),
    ]);
    const county = await officialOf('COUNTY', '620522', '县扶贫办');
    const campaignId = `campaign-2026-${randomUUID().slice(0, 8)}`;
    const handle = await stack.env.client.workflow.start(campaignWorkflow, {
      workflowId: campaignId,
      taskQueue: stack.taskQueue,
      args: [
        {
          campaignId,
          name: '无变动村动态调整',
          year: 2026,
          scope: { scopeCode: '620522', villages: villages.map((v) => v.code) },
          policy: { publicityPeriod: '1s', stageDeadline: '1 hour' },
          createdBy: county.actor,
          rules: RULES,
          townshipConcurrency: 20,
          roundConcurrency: 10,
        },
      ],
      typedSearchAttributes: [{ key: CAMPAIGN_KEY, value: campaignId }],
    });
    await handle.executeUpdate(campaignOpenedUpdate);
    const registry = await prisma().household.count({ where: { villageCode: { startsWith: township } } });
    const changes = await prisma().registryChange.count();

    const stats = await simulateOfficials({
      baseUrl: stack.baseUrl,
      officials: simOfficials,
      noChange: true,
      until: async () => (await county.client.get(`/campaigns/${campaignId}`)).body.status === 'COMPLETED',
      timeoutMs: 4 * 60_000,
    });
    expect(stats.failures).toEqual([]);
    const progress = await county.client.get(`/campaigns/${campaignId}`);
    expect(progress.body).toMatchObject({
      status: 'COMPLETED',
      progress: { villagesTargeted: villages.length, byStatus: { COMPLETED: villages.length } },
    });
    expect(await prisma().proposal.count({ where: { round: { campaignId } } })).toBe(0);
    expect(await prisma().household.count({ where: { villageCode: { startsWith: township } } })).toBe(registry);
    expect(await prisma().registryChange.count()).toBe(changes);
  }, 300_000);
});

describe('township verification (入户核查)', () => {
  test('an assessment and an approval read what their checks need with their round: one statement', async () => {
    const code = await claim();
    const o = await officials(code);
    const roundId = await startV2Round(code, o.township.actor, '1s');
    const [a] = await householdsOf(code, 'REGISTERED');
    const exit = (householdId: string) => ({
      action: 'EXIT',
      householdId,
      exitReason: 'WRONGLY_INCLUDED',
      votesFor: 20,
      votesAgainst: 1,
    });
    // The statements that read a round (findRound) and those that read households or a list on their own. Rounds of
    // the other tests may still be moving in the worker meanwhile: their steps read neither.
    const reads = (sent: string[]) => ({
      round: sent.filter((t) => /FROM "Round" r WHERE "id"/.test(t)),
      apart: sent.filter((t) => !/FROM "Round" r/.test(t) && /FROM "(Household|Proposal)" WHERE/.test(t)),
    });

    const unknown = await statementsSent(() =>
      expectRefused(
        roundId,
        () => o.village.client.post(`/rounds/${roundId}/assessment`, { meeting, proposals: [exit(randomUUID())] }),
        'proposals.0.householdId',
        /no such household/,
      ),
    );
    const assessment = reads(unknown.sent);
    expect(assessment.round).toHaveLength(1);
    expect(assessment.round[0]).toContain('AS "households"');
    expect(assessment.apart).toEqual([]);

    expect(
      (await o.village.client.post(`/rounds/${roundId}/assessment`, { meeting, proposals: [exit(a!.id)] })).status,
    ).toBe(200);
    await waitForStage(o.township.client, roundId, 'TOWNSHIP_REVIEW');
    const unvisited = await statementsSent(() =>
      expectRefused(
        roundId,
        () => o.township.client.post(`/rounds/${roundId}/township-review`, { decision: 'APPROVE', note: '同意' }),
        'verification',
      ),
    );
    const approval = reads(unvisited.sent);
    expect(approval.round).toHaveLength(1);
    expect(approval.round[0]).toContain('AS "currentList"');
    expect(approval.apart).toEqual([]);
  });

  test('APPROVE needs a visit for every proposal not rejected; a NOT_CONFIRMED one must be rejected', async () => {
    const code = await claim();
    const o = await officials(code);
    const roundId = await startV2Round(code, o.township.actor, '1s');
    const [a, b] = await householdsOf(code, 'REGISTERED');
    const assessed = await o.village.client.post(`/rounds/${roundId}/assessment`, {
      meeting,
      proposals: [
        {
          action: 'EXIT',
          householdId: a!.id,
          exitReason: 'REACHED_STANDARD',
          householdConsent: CONSENT,
          votesFor: 20,
          votesAgainst: 1,
        },
        { action: 'EXIT', householdId: b!.id, exitReason: 'WRONGLY_INCLUDED', votesFor: 20, votesAgainst: 1 },
      ],
    });
    expect(assessed.status).toBe(200);
    const [pa, pb] = assessed.body.proposals.map((p: { id: string }) => p.id);
    await waitForStage(o.township.client, roundId, 'TOWNSHIP_REVIEW');
    const visit = (proposalId: string, finding = 'CONFIRMED') => ({
      proposalId,
      visitedOn: '2026-11-25',
      visitedBy: '王干事',
      finding,
    });
    const review = (body: object) => () =>
      o.township.client.post(`/rounds/${roundId}/township-review`, { decision: 'APPROVE', note: '同意', ...body });

    const missing = await expectRefused(roundId, review({}), 'verification');
    expect(missing.body.detail).toContain(pa);
    expect(missing.body.detail).toContain(pb);
    const one = await expectRefused(roundId, review({ verification: [visit(pa)] }), 'verification');
    expect(one.body.detail).toContain(pb);
    expect(one.body.detail).not.toContain(pa);
    await expectRefused(
      roundId,
      review({ verification: [visit(pa), visit(pb, 'NOT_CONFIRMED')] }),
      'verification.1.finding',
      /reject this proposal/,
    );
    await expectRefused(
      roundId,
      review({ verification: [visit(pa), { ...visit(pb), visitedBy: '' }] }),
      'verification.1.visitedBy',
    );
    expect((await detail(o.township.client, roundId)).stage).toBe('TOWNSHIP_REVIEW');

    const approved = await review({
      verification: [visit(pa), visit(pb, 'NOT_CONFIRMED')],
      rejected: [{ proposalId: pb, reason: '入户核查不属实' }],
    })();
    expect(approved.status).toBe(200);
    expect(approved.body.stage).toBe('SECOND_PUBLICITY');
    const d = await detail(o.county.client, roundId);
    const decision = d.decisions.find((x: { kind: string }) => x.kind === 'TOWNSHIP_REVIEW');
    expect(decision.by.id).toBe(o.township.actor.id);
    expect(decision.details.verification).toEqual([
      expect.objectContaining({ proposalId: pa, visitedBy: '王干事', finding: 'CONFIRMED' }),
      expect.objectContaining({ proposalId: pb, finding: 'NOT_CONFIRMED' }),
    ]);
    expect(d.proposals.find((p: { id: string }) => p.id === pb).status).toBe('REJECTED');
    expect(d.proposals.find((p: { id: string }) => p.id === pa).householdConsent).toEqual(CONSENT);
  });
});

describe('causes and reasons', () => {
  test('ENTER needs an entry reason, a REACHED_STANDARD exit the household consent, a NATURAL_DECREASE a note', async () => {
    const code = await claim();
    const o = await officials(code);
    const roundId = await startV2Round(code, o.township.actor, '1 hour');
    const [h] = await householdsOf(code, 'REGISTERED');
    const enter = {
      action: 'ENTER',
      household: { headName: '新户', idNumber: freshIdNumber(7101), size: 3 },
      category: 'TARGETED',
      cause: 'LACK_OF_MOTIVATION',
      entryReason: 'RETURNED_TO_POVERTY',
      votesFor: 20,
      votesAgainst: 1,
    };
    const exit = { action: 'EXIT', householdId: h!.id, exitReason: 'REACHED_STANDARD', votesFor: 20, votesAgainst: 1 };
    const post = (proposals: object[]) => () =>
      o.village.client.post(`/rounds/${roundId}/assessment`, { meeting, proposals });
    await expectRefused(roundId, post([{ ...enter, entryReason: undefined }]), 'proposals.0.entryReason');
    await expectRefused(
      roundId,
      post([{ ...enter, cause: 'MISSED_BEFORE', entryReason: 'MISSED' }]),
      'proposals.0.cause',
    );
    await expectRefused(roundId, post([exit]), 'proposals.0.householdConsent', /signed agreement/);
    await expectRefused(roundId, post([{ ...exit, exitReason: 'NATURAL_DECREASE' }]), 'proposals.0.note');

    const accepted = await post([enter, { ...exit, householdConsent: CONSENT }])();
    expect(accepted.status).toBe(200);
    const d = await detail(o.village.client, roundId);
    expect(d.proposals).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ action: 'ENTER', cause: 'LACK_OF_MOTIVATION', entryReason: 'RETURNED_TO_POVERTY' }),
        expect.objectContaining({ action: 'EXIT', exitReason: 'REACHED_STANDARD', householdConsent: CONSENT }),
      ]),
    );
    const notice = await o.village.client.get(`/rounds/${roundId}/notices/1`);
    expect(notice.text).toContain('自身发展动力不足（返贫）');
  });
});

describe('corrections by upheld objection', () => {
  test('amend and add during the first publicity, add with a visit during the second; the registry follows', async () => {
    const code = await claim();
    const o = await officials(code);
    const roundId = await startV2Round(code, o.township.actor, '3s');
    const [x, y] = await householdsOf(code, 'REGISTERED');
    // Two households the village missed, not yet in the registry.
    const missedA = { headName: '漏评甲', idNumber: freshIdNumber(8101), size: 3 };
    const missedB = { headName: '漏评乙', idNumber: freshIdNumber(8102), size: 2 };
    const assessed = await o.village.client.post(`/rounds/${roundId}/assessment`, {
      meeting,
      proposals: [
        {
          action: 'RECLASSIFY',
          householdId: x!.id,
          category: x!.category === 'TARGETED' ? 'CONSOLIDATION' : 'TARGETED',
          votesFor: 20,
          votesAgainst: 1,
        },
        {
          action: 'EXIT',
          householdId: y!.id,
          exitReason: 'REACHED_STANDARD',
          householdConsent: CONSENT,
          votesFor: 20,
          votesAgainst: 1,
        },
      ],
    });
    expect(assessed.status).toBe(200);
    const [px, py] = assessed.body.proposals.map((p: { id: string }) => p.id);
    const object = async (proposalId?: string) => {
      const r = await o.village.client.post(`/rounds/${roundId}/objections`, {
        ...(proposalId ? { proposalId } : {}),
        objector: { name: '村民甲' },
        reason: proposalId ? '类别有误' : '某户漏评',
      });
      expect(r.status).toBe(201);
      return r.body.objectionId as string;
    };
    const resolve = (objectionId: string, body: object) => () =>
      o.township.client.post(`/rounds/${roundId}/objections/${objectionId}/resolution`, {
        decision: 'UPHELD',
        note: '核实属实',
        ...body,
      });

    // First publicity: amend the reclassification's category…
    const o1 = await object(px);
    await expectRefused(
      roundId,
      resolve(o1, { amend: { proposalId: py, cause: 'ILLNESS' } }),
      'amend.proposalId',
      /EXIT/,
    );
    const amended = await resolve(o1, { amend: { proposalId: px, category: 'POLICY_GUARANTEE' } })();
    expect(amended.status).toBe(200);
    expect(amended.body).toMatchObject({ stage: 'FIRST_PUBLICITY', noticeVersion: 2 });
    // …and add a missed household.
    const o2 = await object();
    const refusedAdd = await statementsSent(() =>
      expectRefused(
        roundId,
        resolve(o2, { add: { householdId: y!.id, category: 'TARGETED', cause: 'ILLNESS' } }),
        'add.householdId',
        /already registered|already on the list/,
      ),
    );
    // The correction's list and the household it adds were read with the round, in one statement.
    const withRound = refusedAdd.sent.filter((t) => /FROM "Round" r WHERE "id"/.test(t));
    expect(withRound).toHaveLength(1);
    expect(withRound[0]).toContain('AS "currentList"');
    expect(withRound[0]).toContain('AS "households"');
    expect(
      refusedAdd.sent.filter((t) => !/FROM "Round" r/.test(t) && /FROM "(Household|Proposal)" WHERE/.test(t)),
    ).toEqual([]);
    const added = await resolve(o2, { add: { household: missedA, category: 'TARGETED', cause: 'ILLNESS' } })();
    expect(added.status).toBe(200);
    expect(added.body).toMatchObject({ stage: 'FIRST_PUBLICITY', noticeVersion: 3 });

    let d = await detail(o.township.client, roundId);
    const addedA = d.proposals.find((p: { addedByObjectionId: string }) => p.addedByObjectionId === o2);
    expect(addedA).toMatchObject({
      action: 'ENTER',
      entryReason: 'MISSED',
      addedByObjectionId: o2,
      votesFor: null,
      status: 'PROPOSED',
    });
    expect(d.proposals.find((p: { id: string }) => p.id === px).category).toBe('POLICY_GUARANTEE');
    expect(d.objections.find((b: { id: string }) => b.id === o1).amendedProposalId).toBe(px);
    expect(d.objections.find((b: { id: string }) => b.id === o2).addedProposalId).toBe(addedA.id);
    const v3 = await prisma().notice.findUniqueOrThrow({ where: { roundId_version: { roundId, version: 3 } } });
    expect((v3.content as { items: { proposalId: string }[] }).items.map((i) => i.proposalId)).toEqual([
      px,
      py,
      addedA.id,
    ]);

    await waitForStage(o.township.client, roundId, 'TOWNSHIP_REVIEW');
    const approved = await o.township.client.post(`/rounds/${roundId}/township-review`, {
      decision: 'APPROVE',
      note: '同意',
      verification: await visitsFor(o.township.client, roundId),
    });
    expect(approved.status).toBe(200);

    // Second publicity: an addition needs the township's visit first.
    const o3 = await object();
    const addB = { household: missedB, category: 'CONSOLIDATION', cause: 'LACK_OF_SKILLS' };
    await expectRefused(roundId, resolve(o3, { add: addB }), 'verification', /visits the household first/);
    const visit = { visitedOn: '2026-11-29', visitedBy: '李干事', finding: 'NOT_CONFIRMED' };
    await expectRefused(roundId, resolve(o3, { add: addB, verification: visit }), 'verification.finding');
    const addedB = await resolve(o3, { add: addB, verification: { ...visit, finding: 'CONFIRMED' } })();
    expect(addedB.status).toBe(200);
    expect(addedB.body).toMatchObject({ stage: 'SECOND_PUBLICITY', noticeVersion: 5 });
    d = await detail(o.township.client, roundId);
    const addedBId = d.proposals.find((p: { addedByObjectionId: string }) => p.addedByObjectionId === o3).id;
    expect(d.decisions.at(-1)).toMatchObject({
      kind: 'OBJECTION_RESOLVED',
      details: { added: addedBId, verification: { proposalId: addedBId, visitedBy: '李干事', finding: 'CONFIRMED' } },
    });

    const atCounty = await waitForStage(o.county.client, roundId, 'COUNTY_ANNOUNCEMENT');
    const announced = await o.county.client.post(
      `/rounds/${roundId}/county-announcement`,
      announceWithSpotChecks(atCounty, '同意'),
    );
    expect(announced.status).toBe(200);
    await waitForStage(o.county.client, roundId, 'COMPLETED');
    await eventually(
      async () =>
        (await prisma().household.findUnique({ where: { idNumber: missedB.idNumber } }))?.status === 'REGISTERED',
      10_000,
      'the registry to change',
    );
    const after = new Map((await prisma().household.findMany({ where: { villageCode: code } })).map((h) => [h.id, h]));
    const byIdNumber = (idNumber: string) => [...after.values()].find((h) => h.idNumber === idNumber);
    expect(after.get(x!.id)).toMatchObject({ status: 'REGISTERED', category: 'POLICY_GUARANTEE' });
    expect(after.get(y!.id)).toMatchObject({ status: 'EXITED', exitReason: 'REACHED_STANDARD' });
    expect(byIdNumber(missedA.idNumber)).toMatchObject({
      status: 'REGISTERED',
      entryReason: 'MISSED',
      cause: 'ILLNESS',
    });
    expect(byIdNumber(missedB.idNumber)).toMatchObject({
      status: 'REGISTERED',
      entryReason: 'MISSED',
      category: 'CONSOLIDATION',
      cause: 'LACK_OF_SKILLS',
    });
  }, 120_000);
});
