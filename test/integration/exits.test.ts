// Exits (摘帽) through the real HTTP API on a real stack (Temporal dev server, PostgreSQL, worker): a village's exit
// through its whole procedure (request, the county's re-check of a drawn sample, a publicity with an objection
// dismissed, the announcement) changing /exit-plan; the refusals at the API and in the workflow; a township exit
// refused while a poor village is still poor and accepted after (with an objection upheld on the way); the county's
// exit rejected, and one cancelled; /tasks and the JzExitLevel search attribute.
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { countySampleSize } from '../../domain/procedure';
import { ExitError, verifyExitUpdate } from '../../workflows/exit-contract';
import { eventually } from '../../kit/http';
import { expectProblem, official, officialsFor, type Client, type Officials } from '../../kit/rounds';
import { startStack, type Stack } from '../../kit/stack';

let stack: Stack;
const RULES = { minPublicityPeriod: '2s', countySampleShare: 0.1 };
const policy = { publicityPeriod: '2s', stageDeadline: '1 hour' };
const YEAR = 2026;
const prisma = () => stack.db.prisma;

/** The village that exits, its township (out of poverty only once the village is), a village above the threshold. */
let V: string;
let T: string;
let W: string;
let o: Officials;

beforeAll(async () => {
  stack = await startStack({ rules: RULES });
  // The seed leaves five poor villages behind their plan (not exited). Take a township with exactly one of them.
  const behind = await prisma().village.findMany({
    where: { isPoor: true, exitedYear: null },
    orderBy: { code: 'asc' },
  });
  const perTownship = new Map<string, string[]>();
  for (const v of behind) perTownship.set(v.townshipCode, [...(perTownship.get(v.townshipCode) ?? []), v.code]);
  const alone = [...perTownship.entries()].find(([, codes]) => codes.length === 1)!;
  [T, [V]] = [alone[0], alone[1] as [string]];
  W = behind.find((v) => v.townshipCode !== T)!.code;
  // Arranged: earlier rounds took all but one of V's households out of poverty (poor share well below 3 %); W's
  // poor population is a tenth of its population (10 %); T has not exited yet (the seed had it out as planned).
  const keep = await prisma().household.findFirstOrThrow({
    where: { villageCode: V, status: 'REGISTERED' },
    orderBy: { registryNo: 'asc' },
  });
  await prisma().household.updateMany({
    where: { villageCode: V, status: 'REGISTERED', id: { not: keep.id } },
    data: { status: 'EXITED', exitReason: 'REACHED_STANDARD' },
  });
  const wPoor = await prisma().household.aggregate({
    where: { villageCode: W, status: 'REGISTERED' },
    _sum: { size: true },
  });
  await prisma().village.update({ where: { code: W }, data: { population: (wPoor._sum.size ?? 1) * 10 } });
  await prisma().township.update({ where: { code: T }, data: { exitedYear: null } });
  o = await officialsFor(stack, V);
});
afterAll(async () => {
  await stack?.stop();
});

const confirmAll = (sample: { householdId: string }[]) =>
  sample.map((s) => ({ householdId: s.householdId, finding: 'CONFIRMED' as const, note: '入户核查达标' }));

async function waitForExitStage(client: Client, exitId: string, stage: string) {
  return eventually(
    async () => {
      const r = await client.get(`/exits/${exitId}`);
      return r.body.stage === stage ? r.body : undefined;
    },
    30_000,
    `${exitId} to reach ${stage}`,
  );
}

async function villageInPlan(code: string) {
  const plan = await o.county.client.get(`/exit-plan?year=${YEAR}&township=${code.slice(0, 9)}`);
  expect(plan.status).toBe(200);
  return { plan: plan.body, village: plan.body.villages.find((v: { code: string }) => v.code === code) };
}

describe('refusals', () => {
  test('a village above the threshold, a wrong role or jurisdiction, a bad body: refused, nothing written', async () => {
    const { village } = await villageInPlan(W);
    expect(village).toMatchObject({ exitedYear: null, poorShare: 0.1, mayExit: false });
    const wTownship = await official(stack, 'TOWNSHIP', W.slice(0, 9), '乡镇干部');
    const above = await wTownship.client.post('/exits', { level: 'VILLAGE', code: W, year: YEAR, policy });
    expectProblem(above, 400, /poor share .* is 10 %, not below the threshold 3 %/, 'VALIDATION_FAILED');
    expect(above.body.errors).toEqual([{ path: 'code', message: expect.stringMatching(/10 %/) }]);

    const body = { level: 'VILLAGE', code: V, year: YEAR, policy };
    expectProblem(await o.village.client.post('/exits', body), 403, /TOWNSHIP, COUNTY/, 'FORBIDDEN');
    expectProblem(await o.county.client.post('/exits', body), 403, /VILLAGE exit is for TOWNSHIP/, 'FORBIDDEN');
    expectProblem(await wTownship.client.post('/exits', body), 403, /outside your jurisdiction/, 'OUT_OF_JURISDICTION');
    const short = await o.township.client.post('/exits', { ...body, policy: { publicityPeriod: '1s' } });
    expectProblem(short, 400, /MIN_PUBLICITY_PERIOD/);
    expect(short.body.errors).toEqual([{ path: 'policy.publicityPeriod', message: expect.any(String) }]);
    const badCode = await o.township.client.post('/exits', { level: 'VILLAGE', code: T, year: YEAR });
    expectProblem(badCode, 400, undefined, 'VALIDATION_FAILED');
    expect(badCode.body.errors).toEqual([{ path: 'code', message: 'a VILLAGE code has 12 digits' }]);
    const badLevel = await o.township.client.post('/exits', { level: 'PLANET', code: V, year: 1900 });
    expectProblem(badLevel, 400, undefined, 'VALIDATION_FAILED');
    expect(badLevel.body.errors.map((e: { path: string }) => e.path)).toEqual(
      expect.arrayContaining(['level', 'year']),
    );
    expect(await prisma().exit.count()).toBe(0);
  });

  test('a township exit is refused while one of its poor villages has not exited', async () => {
    const refused = await o.township.client.post('/exits', { level: 'TOWNSHIP', code: T, year: YEAR, policy });
    expectProblem(refused, 400, new RegExp(`1 poor village\\(s\\) .* have not exited: ${V}`));
    // The county's exit likewise, while the township has not.
    const county = await o.county.client.post('/exits', { level: 'COUNTY', code: '620522', year: YEAR, policy });
    expectProblem(county, 400, new RegExp(`township\\(s\\) .* have not exited: ${T}`));
    expect(await prisma().exit.count()).toBe(0);
  });
});

describe('a village exit through its whole procedure', () => {
  let exitId: string;

  test('requested by the township: figures recorded and a sample drawn from the village’s households', async () => {
    const before = await villageInPlan(V);
    expect(before.village).toMatchObject({ exitedYear: null, mayExit: true, exit: null });
    const started = await o.township.client.post('/exits', { level: 'VILLAGE', code: V, year: YEAR, policy });
    expect(started.status).toBe(201);
    exitId = started.body.exitId;
    expect(started.body).toEqual({
      exitId: `exit-VILLAGE-${V}-${YEAR}`,
      workflowId: exitId,
      stage: 'COUNTY_VERIFICATION',
      status: 'OPEN',
    });
    expect(started.headers.get('location')).toBe(`/api/v1/exits/${exitId}`);
    const again = await o.township.client.post('/exits', { level: 'VILLAGE', code: V, year: YEAR, policy });
    expectProblem(again, 409, /already has an exit/, 'ALREADY_EXISTS');

    const detail = (await o.county.client.get(`/exits/${exitId}`)).body;
    const pool = await prisma().household.count({
      where: { villageCode: V, status: { in: ['REGISTERED', 'EXITED'] } },
    });
    expect(detail.figures).toMatchObject({ level: 'VILLAGE', households: pool, threshold: 0.03, exitedYear: null });
    expect(detail.figures.poorShare).toBeLessThan(0.03);
    expect(detail.sample).toHaveLength(countySampleSize(pool, RULES.countySampleShare));
    for (const s of detail.sample) expect(s).toMatchObject({ villageCode: V, finding: null });
    expect(detail.decisions[0]).toMatchObject({ seq: 1, kind: 'EXIT_REQUESTED', by: { id: o.township.id } });

    const tasks = (await o.county.client.get('/tasks')).body.items;
    expect(tasks).toContainEqual(
      expect.objectContaining({
        kind: 'DECIDE_EXIT',
        exit: expect.objectContaining({ exitId, stage: 'COUNTY_VERIFICATION' }),
      }),
    );
    // Visible to the Temporal UI by its level.
    await eventually(
      async () => {
        for await (const w of stack.env.client.workflow.list({ query: `JzExitLevel = 'VILLAGE'` })) {
          if (w.workflowId === exitId) return true;
        }
        return false;
      },
      20_000,
      'the exit to be listed by JzExitLevel',
    );
  });

  test('an approval with a NOT_MET finding is refused by the API and by the workflow’s validator', async () => {
    const { sample } = (await o.county.client.get(`/exits/${exitId}`)).body;
    const findings = confirmAll(sample);
    findings[0] = { ...findings[0]!, finding: 'NOT_MET' as never, note: '住房不安全' };
    const refused = await o.county.client.post(`/exits/${exitId}/verification`, {
      decision: 'APPROVE',
      note: '核查通过',
      findings,
    });
    expectProblem(refused, 400, /NOT_MET/, 'VALIDATION_FAILED');
    const county = await prisma().official.findUniqueOrThrow({ where: { id: o.county.id } });
    const actor = { id: county.id, name: county.name, role: county.role, scopeCode: county.scopeCode };
    const handle = stack.env.client.workflow.getHandle(exitId);
    const err = await handle
      .executeUpdate(verifyExitUpdate, { args: [{ actor, decision: 'APPROVE', note: '核查通过', findings }] })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
    expect((err as WorkflowUpdateFailedError).cause).toBeInstanceOf(ApplicationFailure);
    expect((err as WorkflowUpdateFailedError).cause).toMatchObject({
      type: ExitError.INVALID,
      message: expect.stringMatching(/NOT_MET/),
    });
    // Not the county: refused too.
    const byTownship = await o.township.client.post(`/exits/${exitId}/verification`, {
      decision: 'APPROVE',
      note: '核查',
      findings: confirmAll(sample),
    });
    expectProblem(byTownship, 403);
    const detail = (await o.county.client.get(`/exits/${exitId}`)).body;
    expect(detail.stage).toBe('COUNTY_VERIFICATION');
    expect(detail.decisions).toHaveLength(1);
  });

  test('verified, publicised, an objection dismissed, announced: the village’s exit year is recorded', async () => {
    const { sample } = (await o.county.client.get(`/exits/${exitId}`)).body;
    const approved = await o.county.client.post(`/exits/${exitId}/verification`, {
      decision: 'APPROVE',
      note: '抽查户均达标',
      findings: confirmAll(sample),
    });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ exitId, stage: 'PUBLICITY', status: 'OPEN' });

    const objection = await o.village.client.post(`/exits/${exitId}/objections`, {
      objector: { name: '村民张某', contact: '13800000000' },
      reason: '本村仍有住房不安全户',
    });
    expect(objection.status).toBe(201);
    const objectionId = objection.body.objectionId;
    const tasks = (await o.county.client.get('/tasks')).body.items;
    expect(tasks).toContainEqual(expect.objectContaining({ kind: 'RESOLVE_EXIT_OBJECTION', objectionId }));
    // The announcement is not yet due.
    expectProblem(
      await o.county.client.post(`/exits/${exitId}/announcement`, { note: '同意退出' }),
      409,
      /PUBLICITY/,
      'WRONG_STAGE',
    );
    const dismissed = await o.county.client.post(`/exits/${exitId}/objections/${objectionId}/resolution`, {
      decision: 'DISMISSED',
      note: '经核实该户已完成危房改造',
    });
    expect(dismissed.status).toBe(200);
    expect(dismissed.body.stage).toBe('PUBLICITY');

    await waitForExitStage(o.county.client, exitId, 'ANNOUNCEMENT');
    const announced = await o.county.client.post(`/exits/${exitId}/announcement`, { note: '同意退出，予以公告' });
    expect(announced.body).toMatchObject({ exitId, stage: 'COMPLETED', status: 'COMPLETED' });

    expect((await prisma().village.findUniqueOrThrow({ where: { code: V } })).exitedYear).toBe(YEAR);
    const detail = (await o.county.client.get(`/exits/${exitId}`)).body;
    expect(detail.decisions.map((d: { kind: string }) => d.kind)).toEqual([
      'EXIT_REQUESTED',
      'COUNTY_VERIFICATION',
      'OBJECTION_FILED',
      'OBJECTION_RESOLVED',
      'PUBLICITY_ENDED',
      'EXIT_ANNOUNCED',
    ]);
    for (const d of detail.decisions.filter((x: { kind: string }) => x.kind !== 'PUBLICITY_ENDED')) {
      expect(d.by).toEqual({ id: expect.any(String), name: expect.any(String) });
      expect(Date.parse(d.at)).toBeGreaterThan(0);
    }
    expect(detail.sample.every((s: { finding: string }) => s.finding === 'CONFIRMED')).toBe(true);
    expect(detail.notices.map((n: { kind: string }) => n.kind)).toEqual(['PUBLICITY', 'ANNOUNCEMENT']);
    expect(detail.objections).toEqual([
      expect.objectContaining({
        id: objectionId,
        status: 'DISMISSED',
        objector: { name: '村民张某', contact: '13800000000' },
      }),
    ]);
    // The village official sees the exit, not the objector's phone.
    const seenByVillage = (await o.village.client.get(`/exits/${exitId}`)).body;
    expect(seenByVillage.objections[0].objector.contact).toBeNull();
    expect(detail.finishedAt).not.toBeNull();
  });

  test('/exit-plan shows the exit: the village’s exit year and one more village exited', async () => {
    const { plan, village } = await villageInPlan(V);
    expect(village).toMatchObject({
      exitedYear: YEAR,
      exit: { exitId, year: YEAR, stage: 'COMPLETED', status: 'COMPLETED' },
    });
    const township = plan.townships.find((t: { code: string }) => t.code === T);
    const poor = await prisma().village.count({ where: { townshipCode: T, isPoor: true } });
    // Every poor village of T has now exited by YEAR.
    expect(township.villages.exited).toBe(poor);
    const list = await o.township.client.get(`/exits?level=VILLAGE&status=COMPLETED`);
    expect(list.body.items.map((x: { exitId: string }) => x.exitId)).toEqual([exitId]);
  });
});

describe('a township exit, then the county’s', () => {
  test('accepted once its villages have exited; an upheld objection sends it back to the verification', async () => {
    const started = await o.township.client.post('/exits', { level: 'TOWNSHIP', code: T, year: YEAR, policy });
    expect(started.status).toBe(201);
    const exitId = started.body.exitId;
    let detail = (await o.county.client.get(`/exits/${exitId}`)).body;
    expect(detail.figures).toMatchObject({
      level: 'TOWNSHIP',
      villagesNotExited: [],
      exitedVillages: detail.figures.poorVillages,
    });
    expect(detail.sample.length).toBeGreaterThan(1);
    for (const s of detail.sample) expect(s.villageCode.startsWith(T)).toBe(true);
    const verify = () =>
      o.county.client.post(`/exits/${exitId}/verification`, {
        decision: 'APPROVE',
        note: '抽查达标',
        findings: confirmAll(detail.sample),
      });
    expect((await verify()).body.stage).toBe('PUBLICITY');
    const objection = await o.township.client.post(`/exits/${exitId}/objections`, {
      objector: { name: '群众来信' },
      reason: '有户未达标',
    });
    const upheld = await o.county.client.post(`/exits/${exitId}/objections/${objection.body.objectionId}/resolution`, {
      decision: 'UPHELD',
      note: '重新核查',
    });
    expect(upheld.body.stage).toBe('COUNTY_VERIFICATION');
    expect((await verify()).body.stage).toBe('PUBLICITY');
    await waitForExitStage(o.county.client, exitId, 'ANNOUNCEMENT');
    expect((await o.county.client.post(`/exits/${exitId}/announcement`, { note: '予以公告' })).body.status).toBe(
      'COMPLETED',
    );
    expect((await prisma().township.findUniqueOrThrow({ where: { code: T } })).exitedYear).toBe(YEAR);
    detail = (await o.county.client.get(`/exits/${exitId}`)).body;
    expect(detail.notices.map((n: { kind: string }) => n.kind)).toEqual(['PUBLICITY', 'PUBLICITY', 'ANNOUNCEMENT']);
  });

  test('the county’s exit records its figures; rejected, nothing changes; another year’s is cancelled', async () => {
    // A survey of the year, so the county's approval figure (群众认可度) has data: 18 of 20 satisfied.
    const survey = { villageCode: V, year: YEAR, respondents: 20, satisfied: 18 };
    expect((await o.county.client.post('/surveys', survey)).status).toBe(201);
    const started = await o.county.client.post('/exits', { level: 'COUNTY', code: '620522', year: YEAR, policy });
    expect(started.status).toBe(201);
    const exitId = started.body.exitId;
    const detail = (await o.county.client.get(`/exits/${exitId}`)).body;
    expect(detail.figures).toMatchObject({
      level: 'COUNTY',
      townships: 17,
      exitedTownships: 17,
      townshipsNotExited: [],
      // The county's accuracy figures of the year, as GET /assessment/county gives them.
      accuracy: {
        approval: expect.objectContaining({ numerator: 18, denominator: 20, rate: 0.9, pass: true }),
        wronglyExited: expect.objectContaining({ denominator: 0, rate: null, pass: null }),
        missed: expect.objectContaining({ denominator: 0, rate: null, pass: null }),
      },
    });
    const assessed = await o.county.client.get(`/assessment/county?year=${YEAR}`);
    expect(detail.figures.accuracy).toEqual(assessed.body.accuracy);
    expect(detail.figures.exitedVillages).toBe(detail.figures.poorVillages - 4);
    // A village official of the county may read it (the county contains the village) but not decide.
    expect((await o.village.client.get(`/exits/${exitId}`)).status).toBe(200);
    const rejected = await o.county.client.post(`/exits/${exitId}/verification`, {
      decision: 'REJECT',
      note: '尚有4个贫困村未退出，暂缓',
    });
    expect(rejected.body).toMatchObject({ stage: 'REJECTED', status: 'REJECTED' });
    expect((await prisma().county.findUniqueOrThrow({ where: { code: '620522' } })).exitedYear).toBeNull();
    expectProblem(
      await o.county.client.post(`/exits/${exitId}/announcement`, { note: '公告' }),
      409,
      undefined,
      'ROUND_CLOSED',
    );

    const nextBody = { level: 'COUNTY', code: '620522', year: YEAR + 1, policy };
    const next = await o.county.client.post('/exits', nextBody, { 'Idempotency-Key': 'county-exit-2027' });
    expect(next.status).toBe(201);
    // The API died before storing its answer: the retry with the same key finds the exit it started and answers the
    // same; another key is a second request for the same exit.
    await prisma().idempotencyRecord.deleteMany({ where: { key: 'county-exit-2027' } });
    const retried = await o.county.client.post('/exits', nextBody, { 'Idempotency-Key': 'county-exit-2027' });
    expect({ status: retried.status, body: retried.body }).toEqual({ status: 201, body: next.body });
    const other = await o.county.client.post('/exits', nextBody, { 'Idempotency-Key': 'another-key' });
    expectProblem(other, 409, /already has an exit/, 'ALREADY_EXISTS');
    const cancelled = await o.county.client.post(`/exits/${next.body.exitId}/cancel`, { reason: '上级通知暂缓' });
    expect(cancelled.body).toMatchObject({ status: 'CANCELLED', stage: 'COUNTY_VERIFICATION' });
    const row = await prisma().exit.findUniqueOrThrow({ where: { id: next.body.exitId } });
    expect(row.status).toBe('CANCELLED');
    expect(await prisma().exitDecision.count({ where: { exitId: row.id, kind: 'EXIT_CANCELLED' } })).toBe(1);
  });
});
