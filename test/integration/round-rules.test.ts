// The rules of a round, through the real HTTP API on a real stack: objections, returns, wrong stages,
// wrong officials, invalid proposals, one open round per village, the task list and the registry reads.
// Every test works on its own village(s), so rounds never collide.
import {
  expectProblem,
  fast,
  freshIdNumber,
  meeting,
  official,
  officialsFor,
  villageClaimer,
  visitsFor,
  waitForStage,
  type Client,
} from '../../kit/rounds';
import { api, eventually, type Reply } from '../../kit/http';
import { startStack, type Stack } from '../../kit/stack';

let stack: Stack;
let claimVillage: ReturnType<typeof villageClaimer>;

beforeAll(async () => {
  stack = await startStack();
  claimVillage = villageClaimer(stack);
});
afterAll(async () => {
  await stack?.stop();
});

const MASKED = /^\d{4}\*{10}[\dX]{4}$/;

type Household = Awaited<ReturnType<typeof householdsOf>>[number];

const prisma = () => stack.db.prisma;

async function householdsOf(villageCode: string) {
  return prisma().household.findMany({ where: { villageCode }, orderBy: { registryNo: 'asc' } });
}

function registered(hh: Household[]): Household[] {
  return hh.filter((h) => h.status === 'REGISTERED');
}

/** Another category than the household's, for a RECLASSIFY. */
function otherCategory(h: Household): 'TARGETED' | 'CONSOLIDATION' {
  return h.category === 'TARGETED' ? 'CONSOLIDATION' : 'TARGETED';
}

async function startRound(client: Client, villageCode: string, policy: object = fast): Promise<string> {
  const r = await client.post('/rounds', { villageCode, policy });
  expect(r.status).toBe(201);
  return r.body.roundId as string;
}

async function assess(client: Client, roundId: string, proposals: object[]) {
  const r = await client.post(`/rounds/${roundId}/assessment`, { meeting, proposals });
  expect(r.status).toBe(200);
  expect(r.body.stage).toBe('FIRST_PUBLICITY');
  return r.body as { noticeVersion: number; proposals: { id: string; action: string; householdId: string | null }[] };
}

async function detail(client: Client, roundId: string) {
  const r = await client.get(`/rounds/${roundId}`);
  expect(r.status).toBe(200);
  return r.body;
}

const kinds = (d: { decisions: { kind: string }[] }) => d.decisions.map((x) => x.kind);

test('objection upheld with withdrawProposal: publicity restarts with notice 2 without it; only the rest are registered', async () => {
  const code = await claimVillage();
  const o = await officialsFor(stack, code);
  const exitH = registered(await householdsOf(code))[0]!;
  const withdrawnIdNumber = freshIdNumber(101);
  const keptIdNumber = freshIdNumber(102);

  const roundId = await startRound(o.township.client, code);
  const assessed = await assess(o.village.client, roundId, [
    {
      action: 'ENTER',
      entryReason: 'NEW_IDENTIFIED',
      household: { headName: '撤回测试户', idNumber: withdrawnIdNumber, size: 3 },
      category: 'TARGETED',
      cause: 'ILLNESS',
      votesFor: 20,
      votesAgainst: 3,
    },
    {
      action: 'ENTER',
      entryReason: 'NEW_IDENTIFIED',
      household: { headName: '保留新户', idNumber: keptIdNumber, size: 5 },
      category: 'POLICY_GUARANTEE',
      cause: 'DISABILITY',
      votesFor: 25,
      votesAgainst: 1,
    },
    {
      action: 'EXIT',
      householdId: exitH.id,
      exitReason: 'REACHED_STANDARD',
      householdConsent: { signedOn: '2026-11-18' },
      votesFor: 27,
      votesAgainst: 0,
    },
  ]);
  expect(assessed.noticeVersion).toBe(1);
  const [withdrawn, kept, exit] = assessed.proposals;

  const filed = await o.village.client.post(`/rounds/${roundId}/objections`, {
    proposalId: withdrawn!.id,
    objector: { name: '李村民', contact: '13800001111' },
    reason: '该户家庭有经营性收入，不符合纳入条件',
  });
  expect(filed.status).toBe(201);
  const objectionId: string = filed.body.objectionId;
  const firstEnd = Date.parse((await detail(o.township.client, roundId)).publicityEndsAt);

  const resolved = await o.township.client.post(`/rounds/${roundId}/objections/${objectionId}/resolution`, {
    decision: 'UPHELD',
    note: '入户核查：家庭年人均收入超过标准',
    withdrawProposal: true,
  });
  expect(resolved.status).toBe(200);
  expect(resolved.body).toMatchObject({ roundId, stage: 'FIRST_PUBLICITY', noticeVersion: 2 });

  const d = await detail(o.township.client, roundId);
  expect(d.stage).toBe('FIRST_PUBLICITY');
  expect(d.notices.map((n: any) => [n.version, n.kind])).toEqual([
    [1, 'FIRST_PUBLICITY'],
    [2, 'FIRST_PUBLICITY'],
  ]);
  // The period restarts from the resolution.
  expect(Date.parse(d.publicityEndsAt)).toBeGreaterThan(firstEnd);
  expect(Date.parse(d.notices[1].endsAt)).toBe(Date.parse(d.publicityEndsAt));
  const byId = new Map(d.proposals.map((p: any) => [p.id, p]));
  expect(byId.get(withdrawn!.id)).toMatchObject({
    status: 'WITHDRAWN',
    statusReason: '入户核查：家庭年人均收入超过标准',
  });
  expect(byId.get(kept!.id)).toMatchObject({ status: 'PROPOSED' });
  expect(byId.get(exit!.id)).toMatchObject({ status: 'PROPOSED' });
  expect(d.objections).toHaveLength(1);
  expect(d.objections[0]).toMatchObject({
    id: objectionId,
    noticeVersion: 1,
    proposalId: withdrawn!.id,
    status: 'UPHELD',
    withdrewProposal: true,
    resolvedById: o.township.id,
    resolutionNote: '入户核查：家庭年人均收入超过标准',
  });
  // The objector's phone is personal data: in full only for the village's own officials.
  expect(d.objections[0].objector).toEqual({ name: '李村民', contact: '13800001111' });
  expect((await detail(o.county.client, roundId)).objections[0].objector).toEqual({
    name: '李村民',
    contact: '138****1111',
  });
  const resolution = d.decisions.find((x: any) => x.kind === 'OBJECTION_RESOLVED');
  expect(resolution).toMatchObject({ decision: 'UPHELD', by: { id: o.township.id } });

  // Notices are kept as published: 1 still lists the withdrawn household, 2 does not.
  const n1 = await o.county.client.get(`/rounds/${roundId}/notices/1`);
  const n2 = await o.county.client.get(`/rounds/${roundId}/notices/2`);
  expect(n1.status).toBe(200);
  expect(n2.status).toBe(200);
  const masked = (id: string) => `${id.slice(0, 4)}**********${id.slice(-4)}`;
  expect(n1.text).toContain('撤回测试户');
  expect(n1.text).toContain(masked(withdrawnIdNumber));
  expect(n2.text).toContain('第一次公示');
  expect(n2.text).not.toContain('撤回测试户');
  expect(n2.text).not.toContain(masked(withdrawnIdNumber));
  expect(n2.text).toContain('保留新户');
  expect(n2.text).toContain(masked(keptIdNumber));

  const atReview = await waitForStage(o.township.client, roundId, 'TOWNSHIP_REVIEW');
  const ended = atReview.decisions.find((x: any) => x.kind === 'PUBLICITY_ENDED');
  expect(ended.details).toMatchObject({ noticeVersion: 2 });
  expect(Date.parse(ended.at)).toBeGreaterThanOrEqual(Date.parse(d.publicityEndsAt));

  const reviewed = await o.township.client.post(`/rounds/${roundId}/township-review`, {
    decision: 'APPROVE',
    note: '同意',
    verification: await visitsFor(o.township.client, roundId),
  });
  expect(reviewed.status).toBe(200);
  expect(reviewed.body).toMatchObject({ stage: 'SECOND_PUBLICITY', noticeVersion: 3 });
  await waitForStage(o.county.client, roundId, 'COUNTY_ANNOUNCEMENT');
  const announced = await o.county.client.post(`/rounds/${roundId}/county-announcement`, {
    decision: 'ANNOUNCE',
    note: '同意公告',
  });
  expect(announced.status).toBe(200);
  expect(announced.body).toMatchObject({ stage: 'COMPLETED', noticeVersion: 4 });

  const changes = await prisma().registryChange.findMany({ where: { roundId } });
  expect(changes.map((c) => c.proposalId).sort()).toEqual([kept!.id, exit!.id].sort());
  expect(await prisma().household.findUnique({ where: { idNumber: withdrawnIdNumber } })).toBeNull();
  expect(await prisma().household.findUnique({ where: { idNumber: keptIdNumber } })).toMatchObject({
    villageCode: code,
    status: 'REGISTERED',
    category: 'POLICY_GUARANTEE',
    cause: 'DISABILITY',
  });
  expect(await prisma().household.findUnique({ where: { id: exitH.id } })).toMatchObject({ status: 'EXITED' });
  const finalDetail = await detail(o.county.client, roundId);
  const statuses = Object.fromEntries(finalDetail.proposals.map((p: any) => [p.id, p.status]));
  expect(statuses).toEqual({ [withdrawn!.id]: 'WITHDRAWN', [kept!.id]: 'APPLIED', [exit!.id]: 'APPLIED' });
  const n4 = await o.county.client.get(`/rounds/${roundId}/notices/4`);
  expect(n4.text).not.toContain('撤回测试户');
  expect(n4.text).toContain('保留新户');
});

test('objection dismissed: no new notice, the round proceeds after the period', async () => {
  const code = await claimVillage();
  const o = await officialsFor(stack, code);
  const [a, b] = registered(await householdsOf(code));
  const roundId = await startRound(o.township.client, code);
  const assessed = await assess(o.village.client, roundId, [
    {
      action: 'EXIT',
      householdId: a!.id,
      exitReason: 'REACHED_STANDARD',
      householdConsent: { signedOn: '2026-11-18' },
      votesFor: 22,
      votesAgainst: 2,
    },
    { action: 'RECLASSIFY', householdId: b!.id, category: otherCategory(b!), votesFor: 18, votesAgainst: 4 },
  ]);
  const filed = await o.township.client.post(`/rounds/${roundId}/objections`, {
    proposalId: assessed.proposals[0]!.id,
    objector: { name: '王村民' },
    reason: '该户尚未稳定脱贫',
  });
  expect(filed.status).toBe(201);
  const objectionId: string = filed.body.objectionId;
  const before = await detail(o.township.client, roundId);

  // Only an upheld objection can withdraw a proposal.
  const inconsistent = await o.township.client.post(`/rounds/${roundId}/objections/${objectionId}/resolution`, {
    decision: 'DISMISSED',
    note: '不成立',
    withdrawProposal: true,
  });
  expectProblem(inconsistent, 400, /upheld/i);

  const resolved = await o.township.client.post(`/rounds/${roundId}/objections/${objectionId}/resolution`, {
    decision: 'DISMISSED',
    note: '经核实，该户已达到脱贫标准，异议不成立',
  });
  expect(resolved.status).toBe(200);
  expect(resolved.body.noticeVersion).toBeUndefined();
  expect(resolved.body.stage).toBe('FIRST_PUBLICITY');

  const again = await o.township.client.post(`/rounds/${roundId}/objections/${objectionId}/resolution`, {
    decision: 'UPHELD',
    note: '改判',
  });
  expectProblem(again, 409, /dismissed/i);

  const d = await waitForStage(o.township.client, roundId, 'TOWNSHIP_REVIEW');
  expect(d.notices.map((n: any) => n.version)).toEqual([1]);
  expect(d.proposals.map((p: any) => p.status)).toEqual(['PROPOSED', 'PROPOSED']);
  expect(d.objections[0]).toMatchObject({ id: objectionId, status: 'DISMISSED', withdrewProposal: false });
  expect(kinds(d)).toEqual([
    'ROUND_STARTED',
    'ASSESSMENT_SUBMITTED',
    'OBJECTION_FILED',
    'OBJECTION_RESOLVED',
    'PUBLICITY_ENDED',
  ]);
  const ended = d.decisions.find((x: any) => x.kind === 'PUBLICITY_ENDED');
  // The dismissal did not cut the period short, nor restart it.
  expect(Date.parse(ended.at)).toBeGreaterThanOrEqual(Date.parse(before.publicityEndsAt));
  expect(ended.details).toMatchObject({ noticeVersion: 1 });
});

test('publicity over with an objection open: the round waits, late objections are refused, resolution moves it on', async () => {
  const code = await claimVillage();
  const o = await officialsFor(stack, code);
  const [a] = registered(await householdsOf(code));
  const roundId = await startRound(o.township.client, code);
  await assess(o.village.client, roundId, [
    {
      action: 'EXIT',
      householdId: a!.id,
      exitReason: 'REACHED_STANDARD',
      householdConsent: { signedOn: '2026-11-18' },
      votesFor: 22,
      votesAgainst: 2,
    },
  ]);
  const filed = await o.village.client.post(`/rounds/${roundId}/objections`, {
    objector: { name: '赵村民', contact: '13912345678' },
    reason: '评议会议未通知全体村民代表',
  });
  expect(filed.status).toBe(201);
  const objectionId: string = filed.body.objectionId;
  const endsAt = Date.parse((await detail(o.township.client, roundId)).publicityEndsAt);

  // Poll the round until well after the period ended; it must stay in FIRST_PUBLICITY all along.
  await eventually(
    async () => {
      const r = await detail(o.township.client, roundId);
      expect(r).toMatchObject({ stage: 'FIRST_PUBLICITY', status: 'OPEN' });
      return Date.now() > endsAt + 2000;
    },
    20_000,
    'the publicity period to be long over',
  );
  const waiting = await detail(o.township.client, roundId);
  expect(waiting.stage).toBe('FIRST_PUBLICITY');
  expect(kinds(waiting)).not.toContain('PUBLICITY_ENDED');
  const decisionsBefore = waiting.decisions.length;

  const late = await o.village.client.post(`/rounds/${roundId}/objections`, {
    objector: { name: '钱村民' },
    reason: '逾期提出的异议',
  });
  expectProblem(late, 409, /ended/);
  const afterLate = await detail(o.township.client, roundId);
  expect(afterLate.objections).toHaveLength(1);
  expect(afterLate.decisions).toHaveLength(decisionsBefore);

  const resolved = await o.township.client.post(`/rounds/${roundId}/objections/${objectionId}/resolution`, {
    decision: 'DISMISSED',
    note: '经核实，会议通知到位',
  });
  expect(resolved.status).toBe(200);
  const d = await waitForStage(o.township.client, roundId, 'TOWNSHIP_REVIEW');
  const resolvedAt = Date.parse(d.objections[0].resolvedAt);
  const ended = d.decisions.find((x: any) => x.kind === 'PUBLICITY_ENDED');
  expect(Date.parse(ended.at)).toBeGreaterThanOrEqual(resolvedAt);
  expect(kinds(d).slice(-3)).toEqual(['OBJECTION_FILED', 'OBJECTION_RESOLVED', 'PUBLICITY_ENDED']);

  // The page (one statement, its lists read as json) gives every instant exactly as stored, in UTC.
  const iso = (x: Date | null) => x?.toISOString() ?? null;
  const [objection] = await prisma().objection.findMany({ where: { roundId } });
  expect({ filedAt: d.objections[0].filedAt, resolvedAt: d.objections[0].resolvedAt }).toEqual({
    filedAt: iso(objection!.filedAt),
    resolvedAt: iso(objection!.resolvedAt),
  });
  const notices = await prisma().notice.findMany({ where: { roundId }, orderBy: { version: 'asc' } });
  expect(d.notices.map((n: any) => [n.startsAt, n.endsAt, n.publishedAt])).toEqual(
    notices.map((n) => [iso(n.startsAt), iso(n.endsAt), iso(n.publishedAt)]),
  );
  const trail = await prisma().decision.findMany({ where: { roundId }, orderBy: { seq: 'asc' } });
  expect(d.decisions.map((x: any) => [x.seq, x.at])).toEqual(trail.map((x) => [x.seq, iso(x.at)]));
});

test('township RETURN: back to the village with the reason kept; a new assessment gets notice 2', async () => {
  const code = await claimVillage();
  const o = await officialsFor(stack, code);
  const [a, b] = registered(await householdsOf(code));
  const roundId = await startRound(o.township.client, code);
  const first = await assess(o.village.client, roundId, [
    {
      action: 'EXIT',
      householdId: a!.id,
      exitReason: 'REACHED_STANDARD',
      householdConsent: { signedOn: '2026-11-18' },
      votesFor: 22,
      votesAgainst: 2,
    },
    { action: 'RECLASSIFY', householdId: b!.id, category: otherCategory(b!), votesFor: 18, votesAgainst: 4 },
  ]);
  await waitForStage(o.township.client, roundId, 'TOWNSHIP_REVIEW');

  // A return sends back the whole list: single rejections with it are refused.
  const mixed = await o.township.client.post(`/rounds/${roundId}/township-review`, {
    decision: 'RETURN',
    rejected: [{ proposalId: first.proposals[0]!.id, reason: 'x' }],
    note: '退回',
  });
  expectProblem(mixed, 422);

  const reason = '入户核查发现评议程序不规范，退回重新评议';
  const returned = await o.township.client.post(`/rounds/${roundId}/township-review`, {
    decision: 'RETURN',
    note: reason,
  });
  expect(returned.status).toBe(200);
  expect(returned.body).toMatchObject({ roundId, stage: 'VILLAGE_ASSESSMENT' });
  expect(returned.body.noticeVersion).toBeUndefined();

  const d = await detail(o.village.client, roundId);
  expect(d).toMatchObject({ stage: 'VILLAGE_ASSESSMENT', status: 'OPEN', publicityEndsAt: null });
  expect(d.proposals).toHaveLength(2);
  for (const p of d.proposals) expect(p).toMatchObject({ status: 'SUPERSEDED', statusReason: reason });
  const ret = d.decisions[d.decisions.length - 1];
  expect(ret).toMatchObject({
    kind: 'TOWNSHIP_REVIEW',
    stage: 'TOWNSHIP_REVIEW',
    decision: 'RETURN',
    note: reason,
    by: { id: o.township.id },
    details: { returnTo: 'VILLAGE_ASSESSMENT' },
  });

  // The village sees the round waiting for it again, and submits a new assessment.
  const tasks = await o.village.client.get('/tasks');
  expect(tasks.body.items).toEqual(
    expect.arrayContaining([expect.objectContaining({ kind: 'DECIDE', roundId, stage: 'VILLAGE_ASSESSMENT' })]),
  );
  const second = await assess(o.village.client, roundId, [
    {
      action: 'EXIT',
      householdId: a!.id,
      exitReason: 'REACHED_STANDARD',
      householdConsent: { signedOn: '2026-11-18' },
      votesFor: 26,
      votesAgainst: 1,
    },
  ]);
  expect(second.noticeVersion).toBe(2);

  const d2 = await detail(o.village.client, roundId);
  expect(d2.stage).toBe('FIRST_PUBLICITY');
  expect(d2.notices.map((n: any) => [n.version, n.kind])).toEqual([
    [1, 'FIRST_PUBLICITY'],
    [2, 'FIRST_PUBLICITY'],
  ]);
  expect(d2.proposals.map((p: any) => [p.assessmentNo, p.status])).toEqual([
    [1, 'SUPERSEDED'],
    [1, 'SUPERSEDED'],
    [2, 'PROPOSED'],
  ]);
  expect(d2.decisions.filter((x: any) => x.kind === 'TOWNSHIP_REVIEW')[0].note).toBe(reason);
  const n2 = await o.village.client.get(`/rounds/${roundId}/notices/2`);
  expect(n2.status).toBe(200);
  expect(n2.text).toContain(a!.headName);
  expect(n2.text).toContain('第一次公示');
});

test('county RETURN to TOWNSHIP_REVIEW, then county RETURN to VILLAGE_ASSESSMENT; the registry never changes', async () => {
  const code = await claimVillage();
  const o = await officialsFor(stack, code);
  const hh = await householdsOf(code);
  const [a, b] = registered(hh);
  const roundId = await startRound(o.township.client, code);
  await assess(o.village.client, roundId, [
    {
      action: 'EXIT',
      householdId: a!.id,
      exitReason: 'REACHED_STANDARD',
      householdConsent: { signedOn: '2026-11-18' },
      votesFor: 22,
      votesAgainst: 2,
    },
    { action: 'RECLASSIFY', householdId: b!.id, category: otherCategory(b!), votesFor: 18, votesAgainst: 4 },
  ]);
  await waitForStage(o.township.client, roundId, 'TOWNSHIP_REVIEW');
  const approved = await o.township.client.post(`/rounds/${roundId}/township-review`, {
    decision: 'APPROVE',
    note: '同意',
    verification: await visitsFor(o.township.client, roundId),
  });
  expect(approved.body).toMatchObject({ stage: 'SECOND_PUBLICITY', noticeVersion: 2 });
  await waitForStage(o.county.client, roundId, 'COUNTY_ANNOUNCEMENT');

  const toTownship = '请补充入户核查记录';
  const r1 = await o.county.client.post(`/rounds/${roundId}/county-announcement`, {
    decision: 'RETURN',
    returnTo: 'TOWNSHIP_REVIEW',
    note: toTownship,
  });
  expect(r1.status).toBe(200);
  expect(r1.body).toMatchObject({ stage: 'TOWNSHIP_REVIEW' });
  const d1 = await detail(o.county.client, roundId);
  expect(d1.stage).toBe('TOWNSHIP_REVIEW');
  expect(d1.proposals.map((p: any) => p.status)).toEqual(['PROPOSED', 'PROPOSED']);
  expect(d1.decisions[d1.decisions.length - 1]).toMatchObject({
    kind: 'COUNTY_ANNOUNCEMENT',
    decision: 'RETURN',
    note: toTownship,
    by: { id: o.county.id },
    details: { returnTo: 'TOWNSHIP_REVIEW' },
  });
  const townshipTasks = await o.township.client.get('/tasks');
  expect(townshipTasks.body.items).toEqual(
    expect.arrayContaining([expect.objectContaining({ kind: 'DECIDE', roundId, stage: 'TOWNSHIP_REVIEW' })]),
  );

  const again = await o.township.client.post(`/rounds/${roundId}/township-review`, {
    decision: 'APPROVE',
    verification: d1.proposals
      .filter((p: any) => p.status === 'PROPOSED')
      .map((p: any) => ({ proposalId: p.id, visitedOn: '2026-11-25', visitedBy: '王干事', finding: 'CONFIRMED' })),
    note: '已补充入户核查记录',
  });
  expect(again.status).toBe(200);
  expect(again.body).toMatchObject({ stage: 'SECOND_PUBLICITY', noticeVersion: 3 });
  await waitForStage(o.county.client, roundId, 'COUNTY_ANNOUNCEMENT');

  const toVillage = '评议结果与实际不符，退回村重新评议';
  const r2 = await o.county.client.post(`/rounds/${roundId}/county-announcement`, {
    decision: 'RETURN',
    returnTo: 'VILLAGE_ASSESSMENT',
    note: toVillage,
  });
  expect(r2.status).toBe(200);
  expect(r2.body).toMatchObject({ stage: 'VILLAGE_ASSESSMENT' });
  const d2 = await detail(o.county.client, roundId);
  expect(d2).toMatchObject({ stage: 'VILLAGE_ASSESSMENT', status: 'OPEN' });
  for (const p of d2.proposals) expect(p).toMatchObject({ status: 'SUPERSEDED', statusReason: toVillage });
  const returns = d2.decisions.filter((x: any) => x.decision === 'RETURN');
  expect(returns.map((x: any) => [x.details.returnTo, x.note])).toEqual([
    ['TOWNSHIP_REVIEW', toTownship],
    ['VILLAGE_ASSESSMENT', toVillage],
  ]);

  const reassessed = await assess(o.village.client, roundId, [
    {
      action: 'EXIT',
      householdId: a!.id,
      exitReason: 'REACHED_STANDARD',
      householdConsent: { signedOn: '2026-11-18' },
      votesFor: 26,
      votesAgainst: 1,
    },
  ]);
  expect(reassessed.noticeVersion).toBe(4);

  expect(await prisma().registryChange.count({ where: { roundId } })).toBe(0);
  const after = await householdsOf(code);
  expect(after.map((h) => [h.id, h.status, h.category])).toEqual(hh.map((h) => [h.id, h.status, h.category]));
});

test('a decision at the wrong stage is refused with 409 problem+json', async () => {
  const code = await claimVillage();
  const o = await officialsFor(stack, code);
  const [a] = registered(await householdsOf(code));
  const roundId = await startRound(o.township.client, code);

  const review = await o.township.client.post(`/rounds/${roundId}/township-review`, {
    decision: 'APPROVE',
    note: '同意',
    verification: await visitsFor(o.township.client, roundId),
  });
  expectProblem(review, 409, /VILLAGE_ASSESSMENT/, 'WRONG_STAGE');
  expect(review.body.detail).toMatch(/TOWNSHIP_REVIEW/);

  const objection = await o.village.client.post(`/rounds/${roundId}/objections`, {
    objector: { name: '孙村民' },
    reason: '太早的异议',
  });
  expectProblem(objection, 409, /publicity/);

  const announce = await o.county.client.post(`/rounds/${roundId}/county-announcement`, {
    decision: 'ANNOUNCE',
    note: '同意公告',
  });
  expectProblem(announce, 409, /VILLAGE_ASSESSMENT/);

  await assess(o.village.client, roundId, [
    {
      action: 'EXIT',
      householdId: a!.id,
      exitReason: 'REACHED_STANDARD',
      householdConsent: { signedOn: '2026-11-18' },
      votesFor: 22,
      votesAgainst: 2,
    },
  ]);
  // During the publicity nobody decides: neither a second assessment nor the township.
  const reassess = await o.village.client.post(`/rounds/${roundId}/assessment`, {
    meeting,
    proposals: [
      {
        action: 'EXIT',
        householdId: a!.id,
        exitReason: 'REACHED_STANDARD',
        householdConsent: { signedOn: '2026-11-18' },
        votesFor: 22,
        votesAgainst: 2,
      },
    ],
  });
  expectProblem(reassess, 409, /FIRST_PUBLICITY/);

  await waitForStage(o.township.client, roundId, 'TOWNSHIP_REVIEW');
  const early = await o.county.client.post(`/rounds/${roundId}/county-announcement`, {
    decision: 'ANNOUNCE',
    note: '同意公告',
  });
  expectProblem(early, 409, /TOWNSHIP_REVIEW/, 'WRONG_STAGE');
  expect(early.body.detail).toMatch(/COUNTY_ANNOUNCEMENT/);

  const d = await detail(o.county.client, roundId);
  expect(d.stage).toBe('TOWNSHIP_REVIEW');
  expect(kinds(d)).toEqual(['ROUND_STARTED', 'ASSESSMENT_SUBMITTED', 'PUBLICITY_ENDED']);
  expect(d.objections).toHaveLength(0);
  expect(await prisma().registryChange.count({ where: { roundId } })).toBe(0);
});

test('officials outside the round’s village or township, or of the wrong level, get 403', async () => {
  const code = await claimVillage();
  const township = code.slice(0, 9);
  const neighbour = await claimVillage({ township });
  const elsewhere = await claimVillage({ notTownship: township });
  const o = await officialsFor(stack, code);
  const [neighbourVillage, farVillage, otherTownship] = await Promise.all([
    official(stack, 'VILLAGE', neighbour, '邻村支书'),
    official(stack, 'VILLAGE', elsewhere, '外乡村支书'),
    official(stack, 'TOWNSHIP', elsewhere.slice(0, 9), '外乡干部'),
  ]);
  const roundsOf = () => prisma().round.count({ where: { villageCode: code } });

  expectProblem(
    await o.village.client.post('/rounds', { villageCode: code, policy: fast }),
    403,
    /VILLAGE/,
    'FORBIDDEN',
  );
  expectProblem(
    await otherTownship.client.post('/rounds', { villageCode: code, policy: fast }),
    403,
    /jurisdiction/,
    'OUT_OF_JURISDICTION',
  );
  expect(await roundsOf()).toBe(0);

  const roundId = await startRound(o.township.client, code);
  const [a] = registered(await householdsOf(code));
  const body = {
    meeting,
    proposals: [
      {
        action: 'EXIT',
        householdId: a!.id,
        exitReason: 'REACHED_STANDARD',
        householdConsent: { signedOn: '2026-11-18' },
        votesFor: 22,
        votesAgainst: 2,
      },
    ],
  };
  expectProblem(await neighbourVillage.client.post(`/rounds/${roundId}/assessment`, body), 403, /jurisdiction/);
  expectProblem(await farVillage.client.post(`/rounds/${roundId}/assessment`, body), 403, /jurisdiction/);
  expectProblem(await o.township.client.post(`/rounds/${roundId}/assessment`, body), 403);
  expect(await prisma().proposal.count({ where: { roundId } })).toBe(0);

  const assessed = await o.village.client.post(`/rounds/${roundId}/assessment`, body);
  expect(assessed.status).toBe(200);
  await waitForStage(o.township.client, roundId, 'TOWNSHIP_REVIEW');

  const review = { decision: 'APPROVE', note: '同意', verification: await visitsFor(o.township.client, roundId) };
  expectProblem(await otherTownship.client.post(`/rounds/${roundId}/township-review`, review), 403, /jurisdiction/);
  expectProblem(await o.county.client.post(`/rounds/${roundId}/township-review`, review), 403, /TOWNSHIP/);
  expectProblem(await o.village.client.post(`/rounds/${roundId}/township-review`, review), 403);
  // Nor may they read it.
  expectProblem(await neighbourVillage.client.get(`/rounds/${roundId}`), 403);
  expectProblem(await otherTownship.client.get(`/rounds/${roundId}`), 403);

  const d = await detail(o.township.client, roundId);
  expect(d.stage).toBe('TOWNSHIP_REVIEW');
  expect(kinds(d)).toEqual(['ROUND_STARTED', 'ASSESSMENT_SUBMITTED', 'PUBLICITY_ENDED']);
  expect(await roundsOf()).toBe(1);
});

test('each invalid proposal is refused with 400 naming the field, and nothing is written', async () => {
  // A village that has registered, exited and never-registered households.
  const code = await claimVillage({
    where: async (c) => {
      const groups = await prisma().household.groupBy({ by: ['status'], where: { villageCode: c }, _count: true });
      return groups.length === 3 && groups.every((g) => g._count >= 2);
    },
  });
  const o = await officialsFor(stack, code);
  const hh = await householdsOf(code);
  const [a, b] = registered(hh);
  const notRegistered = hh.find((h) => h.status === 'NOT_REGISTERED')!;
  const exited = hh.find((h) => h.status === 'EXITED')!;
  const foreign = await prisma().household.findFirstOrThrow({
    where: { villageCode: { not: code }, status: 'REGISTERED' },
  });
  const known = await prisma().household.findFirstOrThrow({ where: { villageCode: { not: code } } });
  // Sent with a lower-case check character: it is still the same person.
  const knownX = await prisma().household.findFirstOrThrow({ where: { idNumber: { endsWith: 'X' } } });
  const roundId = await startRound(o.township.client, code);

  const exitA = {
    action: 'EXIT',
    householdId: a!.id,
    exitReason: 'REACHED_STANDARD',
    householdConsent: { signedOn: '2026-11-18' },
    votesFor: 20,
    votesAgainst: 2,
  };
  const newHousehold = (idNumber: string) => ({ headName: '新户', idNumber, size: 3 });
  const goodId = freshIdNumber(301);
  const badChecksum = goodId.slice(0, 17) + (goodId[17] === '0' ? '1' : '0');
  const cases: { name: string; meeting?: object; proposals: object[]; path: string }[] = [
    {
      name: 'quorum below two thirds',
      meeting: { heldOn: '2026-11-20', representativesPresent: 26, representativesTotal: 40 },
      proposals: [exitA],
      path: 'meeting.representativesPresent',
    },
    {
      name: 'bad ID checksum',
      proposals: [
        {
          action: 'ENTER',
          entryReason: 'NEW_IDENTIFIED',
          household: newHousehold(badChecksum),
          category: 'TARGETED',
          cause: 'ILLNESS',
          votesFor: 20,
          votesAgainst: 1,
        },
      ],
      path: 'proposals.0.household.idNumber',
    },
    {
      name: 'ENTER without category',
      proposals: [
        exitA,
        {
          action: 'ENTER',
          entryReason: 'NEW_IDENTIFIED',
          household: newHousehold(goodId),
          cause: 'ILLNESS',
          votesFor: 20,
          votesAgainst: 1,
        },
      ],
      path: 'proposals.1.category',
    },
    {
      name: 'ENTER without cause',
      proposals: [
        {
          action: 'ENTER',
          entryReason: 'NEW_IDENTIFIED',
          household: newHousehold(goodId),
          category: 'TARGETED',
          votesFor: 20,
          votesAgainst: 1,
        },
      ],
      path: 'proposals.0.cause',
    },
    {
      name: 'a household of another village',
      proposals: [
        exitA,
        {
          action: 'EXIT',
          householdId: foreign.id,
          exitReason: 'REACHED_STANDARD',
          householdConsent: { signedOn: '2026-11-18' },
          votesFor: 20,
          votesAgainst: 1,
        },
      ],
      path: 'proposals.1.householdId',
    },
    {
      name: 'EXIT of a never-registered household',
      proposals: [
        {
          action: 'EXIT',
          householdId: notRegistered.id,
          exitReason: 'REACHED_STANDARD',
          householdConsent: { signedOn: '2026-11-18' },
          votesFor: 20,
          votesAgainst: 1,
        },
      ],
      path: 'proposals.0.action',
    },
    {
      name: 'EXIT of an exited household',
      proposals: [
        {
          action: 'EXIT',
          householdId: exited.id,
          exitReason: 'REACHED_STANDARD',
          householdConsent: { signedOn: '2026-11-18' },
          votesFor: 20,
          votesAgainst: 1,
        },
      ],
      path: 'proposals.0.action',
    },
    {
      name: 'the same household twice',
      proposals: [
        exitA,
        { action: 'RECLASSIFY', householdId: b!.id, category: otherCategory(b!), votesFor: 20, votesAgainst: 1 },
        { action: 'RECLASSIFY', householdId: a!.id, category: otherCategory(a!), votesFor: 20, votesAgainst: 1 },
      ],
      path: 'proposals.2.householdId',
    },
    {
      name: 'a new household whose ID number is already in the registry',
      proposals: [
        {
          action: 'ENTER',
          entryReason: 'NEW_IDENTIFIED',
          household: newHousehold(known.idNumber),
          category: 'TARGETED',
          cause: 'ILLNESS',
          votesFor: 20,
          votesAgainst: 1,
        },
      ],
      path: 'proposals.0.household.idNumber',
    },
    {
      name: 'an ID number already in the registry, written with a lower-case x',
      proposals: [
        {
          action: 'ENTER',
          entryReason: 'NEW_IDENTIFIED',
          household: newHousehold(knownX.idNumber.toLowerCase()),
          category: 'TARGETED',
          cause: 'ILLNESS',
          votesFor: 20,
          votesAgainst: 1,
        },
      ],
      path: 'proposals.0.household.idNumber',
    },
    {
      name: 'the same new household twice',
      proposals: [
        {
          action: 'ENTER',
          entryReason: 'NEW_IDENTIFIED',
          household: newHousehold(goodId),
          category: 'TARGETED',
          cause: 'ILLNESS',
          votesFor: 20,
          votesAgainst: 1,
        },
        {
          action: 'ENTER',
          entryReason: 'NEW_IDENTIFIED',
          household: { ...newHousehold(goodId), headName: '同一户' },
          category: 'TARGETED',
          cause: 'SCHOOLING',
          votesFor: 20,
          votesAgainst: 1,
        },
      ],
      path: 'proposals.1.household.idNumber',
    },
  ];

  const snapshot = async () => ({
    proposals: await prisma().proposal.count(),
    roundProposals: await prisma().proposal.count({ where: { roundId } }),
    decisions: await prisma().decision.count({ where: { roundId } }),
    notices: await prisma().notice.count({ where: { roundId } }),
    stage: (await prisma().round.findUniqueOrThrow({ where: { id: roundId } })).stage,
  });
  const before = await snapshot();
  expect(before).toMatchObject({ roundProposals: 0, stage: 'VILLAGE_ASSESSMENT' });

  for (const c of cases) {
    const r = await o.village.client.post(`/rounds/${roundId}/assessment`, {
      meeting: c.meeting ?? meeting,
      proposals: c.proposals,
    });
    expect({ case: c.name, status: r.status }).toEqual({ case: c.name, status: 400 });
    expectProblem(r, 400);
    expect({ case: c.name, paths: r.body.errors.map((e: any) => e.path) }).toEqual({
      case: c.name,
      paths: expect.arrayContaining([c.path]),
    });
    expect({ case: c.name, ...(await snapshot()) }).toEqual({ case: c.name, ...before });
  }
  // The round remains usable: a valid assessment is accepted.
  const ok = await assess(o.village.client, roundId, [exitA]);
  expect(ok.noticeVersion).toBe(1);
  expect((await snapshot()).roundProposals).toBe(1);
});

test('one open round per village: a second start is 409 naming it; after completion the next is round 2', async () => {
  const code = await claimVillage();
  const o = await officialsFor(stack, code);
  const [a] = registered(await householdsOf(code));
  const roundId = await startRound(o.township.client, code);

  const second = await o.county.client.post('/rounds', { villageCode: code, policy: fast });
  expectProblem(second, 409);
  expect(second.body.detail).toContain(roundId);
  expect(second.body.roundId).toBe(roundId);
  expect(await prisma().round.count({ where: { villageCode: code } })).toBe(1);
  const village = await o.village.client.get(`/villages/${code}`);
  expect(village.body.openRound).toMatchObject({ id: roundId, stage: 'VILLAGE_ASSESSMENT' });

  await assess(o.village.client, roundId, [
    {
      action: 'EXIT',
      householdId: a!.id,
      exitReason: 'REACHED_STANDARD',
      householdConsent: { signedOn: '2026-11-18' },
      votesFor: 22,
      votesAgainst: 2,
    },
  ]);
  await waitForStage(o.township.client, roundId, 'TOWNSHIP_REVIEW');
  expect(
    (
      await o.township.client.post(`/rounds/${roundId}/township-review`, {
        decision: 'APPROVE',
        note: '同意',
        verification: await visitsFor(o.township.client, roundId),
      })
    ).status,
  ).toBe(200);
  // Still open during the second publicity.
  expectProblem(await o.township.client.post('/rounds', { villageCode: code, policy: fast }), 409);
  await waitForStage(o.county.client, roundId, 'COUNTY_ANNOUNCEMENT');
  expect(
    (await o.county.client.post(`/rounds/${roundId}/county-announcement`, { decision: 'ANNOUNCE', note: '同意公告' }))
      .status,
  ).toBe(200);

  const next = await o.township.client.post('/rounds', { villageCode: code, policy: fast });
  expect(next.status).toBe(201);
  expect(next.body.roundId).not.toBe(roundId);
  const d = await detail(o.township.client, next.body.roundId);
  expect(d).toMatchObject({ roundNo: 2, villageCode: code, stage: 'VILLAGE_ASSESSMENT', status: 'OPEN' });
  expect((await detail(o.township.client, roundId)).roundNo).toBe(1);
  const listed = await o.township.client.get(`/rounds?village=${code}`);
  expect(listed.body.items.map((x: any) => [x.roundNo, x.status])).toEqual([
    [1, 'COMPLETED'],
    [2, 'OPEN'],
  ]);
});

test('GET /tasks: the village sees its assessment, the township its objection and its review, by deadline', async () => {
  // Three villages of one township with no round yet.
  const allVillages = await claimVillage.villages();
  const township = allVillages.find(
    (v) =>
      allVillages.filter((x) => x.townshipCode === v.townshipCode && !claimVillage.claimed.has(x.code)).length >= 3,
  )!.townshipCode;
  const [vAssess, vObjection, vReview] = [
    await claimVillage({ township }),
    await claimVillage({ township }),
    await claimVillage({ township }),
  ];
  const o = await officialsFor(stack, vObjection);
  const villageOfAssess = (await official(stack, 'VILLAGE', vAssess, '村支书甲')).client;
  const villageOfReview = (await official(stack, 'VILLAGE', vReview, '村支书丙')).client;

  // Round with an objection: its deadline runs from the end of the publicity, one hour later.
  const objectionRound = await startRound(o.township.client, vObjection);
  const [h1] = registered(await householdsOf(vObjection));
  await assess(o.village.client, objectionRound, [
    {
      action: 'EXIT',
      householdId: h1!.id,
      exitReason: 'REACHED_STANDARD',
      householdConsent: { signedOn: '2026-11-18' },
      votesFor: 22,
      votesAgainst: 2,
    },
  ]);
  const filed = await o.village.client.post(`/rounds/${objectionRound}/objections`, {
    objector: { name: '周村民' },
    reason: '名单有误',
  });
  expect(filed.status).toBe(201);

  // Round at the township review with a shorter deadline (started later, due earlier).
  const reviewRound = await startRound(o.township.client, vReview, {
    publicityPeriod: '2s',
    stageDeadline: '10 minutes',
  });
  const [h2] = registered(await householdsOf(vReview));
  await assess(villageOfReview, reviewRound, [
    {
      action: 'EXIT',
      householdId: h2!.id,
      exitReason: 'REACHED_STANDARD',
      householdConsent: { signedOn: '2026-11-18' },
      votesFor: 22,
      votesAgainst: 2,
    },
  ]);
  await waitForStage(o.township.client, reviewRound, 'TOWNSHIP_REVIEW');

  // Round waiting for its village assessment.
  const assessRound = await startRound(o.township.client, vAssess, {
    publicityPeriod: '2s',
    stageDeadline: '30 minutes',
  });

  const mine = await villageOfAssess.get('/tasks');
  expect(mine.status).toBe(200);
  expect(mine.body.items).toEqual([
    expect.objectContaining({
      kind: 'DECIDE',
      roundId: assessRound,
      villageCode: vAssess,
      stage: 'VILLAGE_ASSESSMENT',
    }),
  ]);
  // The objection village's official has nothing to decide (its round is in publicity).
  expect((await o.village.client.get('/tasks')).body.items).toEqual([]);

  const theirs = await o.township.client.get('/tasks');
  expect(theirs.status).toBe(200);
  const items: any[] = theirs.body.items;
  const ours = items.filter((t) => [objectionRound, reviewRound, assessRound].includes(t.roundId));
  expect(ours).toEqual([
    expect.objectContaining({ kind: 'DECIDE', roundId: reviewRound, stage: 'TOWNSHIP_REVIEW', villageCode: vReview }),
    expect.objectContaining({
      kind: 'RESOLVE_OBJECTION',
      roundId: objectionRound,
      objectionId: filed.body.objectionId,
      stage: 'FIRST_PUBLICITY',
      villageCode: vObjection,
    }),
  ]);
  const deadlines = items.map((t) => Date.parse(t.deadline));
  expect(deadlines).toEqual([...deadlines].sort((x, y) => x - y));
  for (const t of items) expect(t.villageCode.startsWith(township)).toBe(true);

  // The county has no objection to resolve; once resolved, the township no longer sees it.
  expect((await o.county.client.get('/tasks')).body.items.some((t: any) => t.kind === 'RESOLVE_OBJECTION')).toBe(false);
  const resolved = await o.township.client.post(
    `/rounds/${objectionRound}/objections/${filed.body.objectionId}/resolution`,
    {
      decision: 'DISMISSED',
      note: '名单无误',
    },
  );
  expect(resolved.status).toBe(200);
  const later = await o.township.client.get('/tasks');
  expect(later.body.items.some((t: any) => t.objectionId === filed.body.objectionId)).toBe(false);
});

test('registry reads: townships paginated, villages, households with ID numbers masked outside the village and township; 401/403', async () => {
  const code = await claimVillage();
  const township = code.slice(0, 9);
  const other = await claimVillage({ township });
  const o = await officialsFor(stack, code);
  const otherVillage = (await official(stack, 'VILLAGE', other, '邻村支书')).client;

  // Townships: the county official sees all 17, page by page, each once.
  const seen: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const r: Reply = await o.county.client.get(
      `/townships?limit=5${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    expect(r.status).toBe(200);
    expect(r.body.items.length).toBeLessThanOrEqual(5);
    seen.push(...r.body.items.map((t: any) => t.code));
    cursor = r.body.nextCursor;
    pages++;
  } while (cursor && pages < 10);
  expect(pages).toBe(4);
  expect(seen).toHaveLength(17);
  expect(new Set(seen).size).toBe(17);
  expect(seen).toEqual([...seen].sort());
  expect((await o.county.client.get('/townships')).body.items).toHaveLength(17);
  const ownTownships = await o.village.client.get('/townships');
  expect(ownTownships.body.items.map((t: any) => t.code)).toEqual([township]);

  // Villages of a township.
  const expected = await prisma().village.findMany({ where: { townshipCode: township }, orderBy: { code: 'asc' } });
  const villages = await o.township.client.get(`/villages?township=${township}&limit=500`);
  expect(villages.status).toBe(200);
  expect(villages.body.items.map((v: any) => v.code)).toEqual(expected.map((v) => v.code));
  expect(villages.body.items.every((v: any) => v.townshipCode === township)).toBe(true);
  const byCounty = await o.county.client.get(`/villages?township=${township}&limit=500`);
  expect(byCounty.body.items).toHaveLength(expected.length);
  const farTownship = (await claimVillage.villages()).find((v) => v.townshipCode !== township)!.townshipCode;
  expectProblem(await o.township.client.get(`/villages?township=${farTownship}`), 403);

  // One village.
  const one = await o.village.client.get(`/villages/${code}`);
  expect(one.status).toBe(200);
  const hh = await householdsOf(code);
  expect(one.body).toMatchObject({ code, townshipCode: township, openRound: null });
  const total = Object.values(one.body.households as Record<string, { households: number }>).reduce(
    (s, g) => s + g.households,
    0,
  );
  expect(total).toBe(hh.length);
  expectProblem(await otherVillage.get(`/villages/${code}`), 403);

  // Households, filtered by status and category.
  const want = hh.filter((h) => h.status === 'REGISTERED' && h.category === 'TARGETED');
  expect(want.length).toBeGreaterThan(0);
  const path = `/households?village=${code}&status=REGISTERED&category=TARGETED&limit=500`;
  for (const client of [o.village.client, o.township.client]) {
    const r = await client.get(path);
    expect(r.status).toBe(200);
    expect(r.body.items.map((h: any) => [h.id, h.idNumber, h.idNumberMasked])).toEqual(
      want.map((h) => [h.id, h.idNumber, false]),
    );
  }
  const masked = await o.county.client.get(path);
  expect(masked.status).toBe(200);
  expect(masked.body.items.map((h: any) => h.id)).toEqual(want.map((h) => h.id));
  for (const h of masked.body.items) {
    expect(h.idNumber).toMatch(MASKED);
    expect(h.idNumberMasked).toBe(true);
    expect(h).toMatchObject({ status: 'REGISTERED', category: 'TARGETED', villageCode: code });
  }
  expect(masked.text).not.toContain(want[0]!.idNumber);
  const exited = await o.village.client.get(`/households?village=${code}&status=EXITED&limit=500`);
  expect(exited.body.items.map((h: any) => h.id)).toEqual(hh.filter((h) => h.status === 'EXITED').map((h) => h.id));

  expectProblem(await otherVillage.get(`/households?village=${code}`), 403, /jurisdiction/);

  // Authentication.
  const anonymous = await api(stack.baseUrl).get(`/households?village=${code}`);
  expectProblem(anonymous, 401, undefined, 'UNAUTHENTICATED');
  expect(anonymous.headers.get('www-authenticate')).toMatch(/Bearer/);
  expectProblem(await api(stack.baseUrl, 'not-a-real-token-0123456789').get('/townships'), 401);
  expect(anonymous.text).not.toContain(want[0]!.idNumber);
});
