// Supervision on the real stack: the daily schedule, each kind of finding detected, escalated (to the right
// official's /tasks, and to the round's trail), never recorded twice and closed once its condition clears; the
// responsibility, exit-plan and scorecard endpoints with the demo county's numbers.
import { randomUUID } from 'node:crypto';
import { chinaYear, type SweepSummary } from '../../domain/supervision';
import { seedDemoCounty } from '../../infra/seed';
import { buildDemoCounty } from '../../infra/seed-data';
import { ensureSupervisionSchedule, SUPERVISION_SCHEDULE_ID } from '../../infra/schedule';
import { supervisionSweepWorkflow } from '../../workflows/sweep';
import { eventually } from '../../kit/http';
import {
  COUNTY,
  expectProblem,
  fast,
  freshIdNumber,
  longPublicity,
  meeting,
  official,
  officialsFor,
  registeredHouseholds,
  villageClaimer,
  waitForStage,
  type Client,
  visitsFor,
} from '../../kit/rounds';
import { startStack, type Stack } from '../../kit/stack';

let stack: Stack;
let county: Client;
let claim: ReturnType<typeof villageClaimer>;
const data = buildDemoCounty();

beforeAll(async () => {
  stack = await startStack();
  county = (await official(stack, 'COUNTY', COUNTY, '县督查室')).client;
  claim = villageClaimer(stack);
});
afterAll(async () => {
  await stack?.stop();
});

const prisma = () => stack.db.prisma;

/** The seeded subjects supervision must find: registered households without a cadre, villages behind plan. */
const UNASSIGNED = (() => {
  const assigned = new Set(data.responsibilities.map((r) => r.householdId));
  return data.households.filter((h) => h.status === 'REGISTERED' && !assigned.has(h.id));
})();
const BEHIND = data.villages.filter((v) => v.exitedYear === null);

/** Runs a sweep as the county does: POST answers 202 at once, then GET the sweep until it has closed. */
async function sweep(policy?: Record<string, string>): Promise<SweepSummary> {
  const r = await county.post('/supervision/sweeps', policy ? { policy } : undefined);
  expect(r.status).toBe(202);
  return (await sweepOutcome(county, r.body.sweepId, 'COMPLETED')).results;
}

/** Polls GET /supervision/sweeps/:id until the sweep is no longer RUNNING, and checks how it ended. */
async function sweepOutcome(client: Client, sweepId: string, state: 'COMPLETED' | 'FAILED') {
  const closed = await eventually(
    async () => {
      const r = await client.get(`/supervision/sweeps/${sweepId}`);
      expect(r.status).toBe(200);
      return r.body.state === 'RUNNING' ? undefined : r.body;
    },
    60_000,
    `sweep ${sweepId} to close`,
  );
  expect(closed.state).toBe(state);
  return closed;
}

async function findings(kind: string, subjectKey: string) {
  return prisma().supervisionFinding.findMany({ where: { kind, subjectKey }, orderBy: { openedAt: 'asc' } });
}

async function openFinding(kind: string, subjectKey: string) {
  const rows = await findings(kind, subjectKey);
  expect(rows.filter((f) => f.status === 'OPEN')).toHaveLength(1);
  return rows.find((f) => f.status === 'OPEN')!;
}

async function findingTasks(client: Client) {
  const r = await client.get('/tasks');
  expect(r.status).toBe(200);
  return (r.body.items as any[]).filter((t) => t.kind === 'FINDING');
}

async function trailFindings(client: Client, roundId: string) {
  const r = await client.get(`/rounds/${roundId}`);
  return (r.body.decisions as any[]).filter((d) => d.kind === 'SUPERVISION_FINDING');
}

/** Detected once, seen again (not duplicated) by a second sweep, then closed by the sweep after the fix. */
async function expectStillOneOpen(kind: string, subjectKey: string, id: string) {
  const again = await sweep();
  expect(again.byKind[kind as keyof SweepSummary['byKind']].stillOpen).toBeGreaterThanOrEqual(1);
  const rows = await findings(kind, subjectKey);
  expect(rows).toHaveLength(1);
  expect(rows[0]).toMatchObject({ id, status: 'OPEN', sweepId: again.sweepId });
}

async function expectClosed(kind: string, subjectKey: string, id: string) {
  const s = await sweep();
  expect(s.byKind[kind as keyof SweepSummary['byKind']].closed).toBeGreaterThanOrEqual(1);
  const row = await prisma().supervisionFinding.findUniqueOrThrow({ where: { id } });
  expect(row).toMatchObject({ status: 'CLOSED', openKey: null });
  expect(row.closedAt?.toISOString()).toBe(s.at);
  expect((await findings(kind, subjectKey)).filter((f) => f.status === 'OPEN')).toHaveLength(0);
}

async function startRound(township: Client, villageCode: string, policy: Record<string, string>) {
  const r = await township.post('/rounds', { villageCode, policy });
  expect(r.status).toBe(201);
  return r.body.roundId as string;
}

async function assess(village: Client, roundId: string, proposals: unknown[]) {
  const r = await village.post(`/rounds/${roundId}/assessment`, { meeting, proposals });
  expect(r.status).toBe(200);
  return r.body;
}

describe('the schedule', () => {
  test('exists after start-up, daily at 08:00 Asia/Shanghai, and ensuring it again updates the same one', async () => {
    const client = stack.env.client;
    const options = { cron: '0 8 * * *', timezone: 'Asia/Shanghai', taskQueue: stack.taskQueue };
    expect(await ensureSupervisionSchedule(client, options)).toBe('created');
    const handle = client.schedule.getHandle(SUPERVISION_SCHEDULE_ID);
    const first = await handle.describe();
    expect(first.spec.timezone).toBe('Asia/Shanghai');
    expect(first.spec.calendars).toHaveLength(1);
    expect(first.spec.calendars![0]).toMatchObject({
      hour: [{ start: 8, end: 8, step: 1 }],
      minute: [{ start: 0, end: 0, step: 1 }],
    });
    expect(first.action).toMatchObject({
      type: 'startWorkflow',
      workflowType: 'supervisionSweepWorkflow',
      taskQueue: stack.taskQueue,
    });

    // Twice more (as every process does at start-up), the second with a new time: no failure, one schedule.
    expect(await ensureSupervisionSchedule(client, options)).toBe('updated');
    expect(await ensureSupervisionSchedule(client, { ...options, cron: '30 7 * * *' })).toBe('updated');
    const updated = await handle.describe();
    expect(updated.spec.timezone).toBe('Asia/Shanghai');
    expect(updated.spec.calendars![0]).toMatchObject({
      hour: [{ start: 7, end: 7, step: 1 }],
      minute: [{ start: 30, end: 30, step: 1 }],
    });
    await eventually(
      async () => {
        const ids: string[] = [];
        for await (const s of client.schedule.list()) ids.push(s.scheduleId);
        return ids.filter((id) => id === SUPERVISION_SCHEDULE_ID).length === 1;
      },
      30_000,
      'the schedule to be listed once',
    );
    // The next action is at 07:30 China time (23:30 UTC).
    const next = (await handle.describe()).info.nextActionTimes[0]!;
    expect(next.getUTCHours() * 60 + next.getUTCMinutes()).toBe(23 * 60 + 30);
    // The rest of this file counts findings exactly: no scheduled sweep may run in between.
    await handle.delete();
  });
});

describe('a sweep over the demo county', () => {
  test('finds the seeded gaps once, and a second sweep records nothing twice', async () => {
    const first = await sweep();
    expect(first.sweepId).toMatch(/^sweep-manual-/);
    expect(first.year).toBe(chinaYear(Date.parse(first.at)));
    expect(first.byKind).toEqual({
      STAGE_OVERDUE: { opened: 0, stillOpen: 0, closed: 0 },
      OBJECTION_STALE: { opened: 0, stillOpen: 0, closed: 0 },
      VILLAGE_NO_RESPONSIBLE: { opened: 0, stillOpen: 0, closed: 0 },
      HOUSEHOLD_NO_RESPONSIBLE: { opened: 3, stillOpen: 0, closed: 0 },
      VILLAGE_BEHIND_EXIT_PLAN: { opened: 5, stillOpen: 0, closed: 0 },
      ROUND_STUCK: { opened: 0, stillOpen: 0, closed: 0 },
      // The seed enters nobody by override (facts-rules.test.ts covers this kind).
      ENTRY_WITHOUT_EVIDENCE: { opened: 0, stillOpen: 0, closed: 0 },
    });
    const second = await sweep();
    expect(second.byKind.HOUSEHOLD_NO_RESPONSIBLE).toEqual({ opened: 0, stillOpen: 3, closed: 0 });
    expect(second.byKind.VILLAGE_BEHIND_EXIT_PLAN).toEqual({ opened: 0, stillOpen: 5, closed: 0 });
    expect(await prisma().supervisionFinding.count()).toBe(8);

    const behind = await prisma().supervisionFinding.findMany({ where: { kind: 'VILLAGE_BEHIND_EXIT_PLAN' } });
    expect(behind.map((f) => f.subjectKey).sort()).toEqual(BEHIND.map((v) => v.code).sort());
    for (const f of behind) expect(f).toMatchObject({ escalatedToRole: 'COUNTY', escalatedToScope: COUNTY });
    const households = await prisma().supervisionFinding.findMany({ where: { kind: 'HOUSEHOLD_NO_RESPONSIBLE' } });
    expect(households.map((f) => f.householdId).sort()).toEqual(UNASSIGNED.map((h) => h.id).sort());
    for (const f of households) {
      expect(f).toMatchObject({ escalatedToRole: 'TOWNSHIP', escalatedToScope: f.villageCode!.slice(0, 9) });
    }
  });

  test('can be run by the county or an administrator only, with a valid policy', async () => {
    const township = await official(stack, 'TOWNSHIP', '620522100', '乡镇干部');
    expectProblem(await township.client.post('/supervision/sweeps'), 403, undefined, 'FORBIDDEN');
    expectProblem(
      await county.post('/supervision/sweeps', { policy: { roundStuckAfter: 'soon' } }),
      400,
      undefined,
      'VALIDATION_FAILED',
    );
    expectProblem(await county.post('/supervision/sweeps', { everything: true }), 400);
    const admin = await official(stack, 'ADMIN', COUNTY, '系统管理员');
    const byAdmin = await admin.client.post('/supervision/sweeps', {});
    expect(byAdmin.status).toBe(202);
    await sweepOutcome(admin.client, byAdmin.body.sweepId, 'COMPLETED');
    // Under an Idempotency-Key a repeated request answers the same sweep rather than running another.
    const key = { 'idempotency-key': randomUUID() };
    const once = await county.post('/supervision/sweeps', {}, key);
    const twice = await county.post('/supervision/sweeps', {}, key);
    expect(once.status).toBe(202);
    expect(twice.status).toBe(202);
    expect(twice.headers.get('idempotent-replayed')).toBe('true');
    expect(twice.body).toEqual(once.body);
    await sweepOutcome(county, once.body.sweepId, 'COMPLETED');
    // After the sweep has closed, the same key still names it (and starts nothing new).
    const later = await county.post('/supervision/sweeps', {}, key);
    expect(later.body).toEqual(once.body);
    const runs: string[] = [];
    for await (const w of stack.env.client.workflow.list({ query: `WorkflowId = '${once.body.sweepId}'` })) {
      runs.push(w.runId);
    }
    expect(runs).toHaveLength(1);
  });
});

describe('POST and GET /supervision/sweeps', () => {
  test('POST answers 202 with the sweep id and its Location at once; GET follows it to COMPLETED with results', async () => {
    const r = await county.post('/supervision/sweeps', { policy: { objectionStaleAfter: '3 days' } });
    expect(r.status).toBe(202);
    expect(Object.keys(r.body)).toEqual(['sweepId']);
    expect(r.body.sweepId).toMatch(/^sweep-manual-[0-9a-f-]{36}$/);
    expect(r.headers.get('location')).toBe(`/api/v1/supervision/sweeps/${r.body.sweepId}`);
    const done = await sweepOutcome(county, r.body.sweepId, 'COMPLETED');
    expect(done).toMatchObject({ sweepId: r.body.sweepId, state: 'COMPLETED' });
    expect(Date.parse(done.startedAt)).toBeLessThanOrEqual(Date.parse(done.closedAt));
    expect(done.results).toMatchObject({
      sweepId: r.body.sweepId,
      policy: { objectionStaleAfter: '3 days' },
      byKind: { VILLAGE_BEHIND_EXIT_PLAN: { opened: expect.any(Number), stillOpen: expect.any(Number) } },
    });
    // The results are what the sweep recorded: every finding it saw carries its id.
    const seen = await prisma().supervisionFinding.count({ where: { sweepId: r.body.sweepId } });
    const counted = Object.values(done.results.byKind as SweepSummary['byKind']).reduce(
      (n, k) => n + k.opened + k.stillOpen,
      0,
    );
    expect(seen).toBe(counted);
    expect(seen).toBeGreaterThan(0);
  });

  test('RUNNING while it runs; a sweep that did not complete reads FAILED, with no detail beyond what happened', async () => {
    // A sweep on a task queue no worker polls stays RUNNING until it is terminated: no race with a fast sweep.
    const sweepId = `sweep-manual-${randomUUID()}`;
    const handle = await stack.env.client.workflow.start(supervisionSweepWorkflow, {
      taskQueue: `no-worker-${randomUUID()}`,
      workflowId: sweepId,
      args: [{}],
    });
    const running = await county.get(`/supervision/sweeps/${sweepId}`);
    expect(running.status).toBe(200);
    expect(running.body).toEqual({ sweepId, state: 'RUNNING', startedAt: expect.any(String), closedAt: null });
    await handle.terminate('ended by the test 620522100201');
    const failed = await sweepOutcome(county, sweepId, 'FAILED');
    expect(failed).toMatchObject({ state: 'FAILED', failure: { status: 'TERMINATED' } });
    expect(failed.closedAt).not.toBeNull();
    expect(failed.results).toBeUndefined();
    expect(JSON.stringify(failed)).not.toContain('620522100201');
  });

  test('404 for an unknown sweep, a malformed id or a workflow that is not a sweep', async () => {
    expectProblem(await county.get(`/supervision/sweeps/sweep-manual-${randomUUID()}`), 404);
    expectProblem(await county.get('/supervision/sweeps/supervision-sweep-2020-01-01T00:00:00Z'), 404);
    expectProblem(await county.get('/supervision/sweeps/nonsense'), 404);
    expectProblem(await county.get(`/supervision/sweeps/${'x'.repeat(500)}`), 404);
    // A round is a workflow too, but not a sweep.
    const code = await claim({ township: '620522108' });
    const o = await officialsFor(stack, code);
    const roundId = await startRound(o.township.client, code, longPublicity);
    expectProblem(await county.get(`/supervision/sweeps/${roundId}`), 404);
  });

  test('only county officials and administrators may read a sweep (village and township get 403)', async () => {
    const r = await county.post('/supervision/sweeps', {});
    expect(r.status).toBe(202);
    const village = await official(stack, 'VILLAGE', '620522100201', '村干部');
    const township = await official(stack, 'TOWNSHIP', '620522100', '乡镇干部');
    const admin = await official(stack, 'ADMIN', COUNTY, '系统管理员');
    expectProblem(await village.client.get(`/supervision/sweeps/${r.body.sweepId}`), 403);
    expectProblem(await township.client.get(`/supervision/sweeps/${r.body.sweepId}`), 403);
    // Refused before anything is looked up: an unknown id gets 403 too, so they cannot probe ids.
    expectProblem(await township.client.get(`/supervision/sweeps/sweep-manual-${randomUUID()}`), 403);
    expectProblem(await village.client.post('/supervision/sweeps', {}), 403);
    expect((await sweepOutcome(admin.client, r.body.sweepId, 'COMPLETED')).results.sweepId).toBe(r.body.sweepId);
  });
});

describe('housekeeping', () => {
  test('a sweep deletes Idempotency-Key records past their retention (7 days by default) and keeps the rest', async () => {
    const officialId = randomUUID();
    const day = 86_400_000;
    const record = (key: string, ageMs: number, answered: boolean) => ({
      officialId,
      key,
      method: 'POST',
      path: '/api/v1/rounds',
      requestHash: 'h',
      createdAt: new Date(Date.now() - ageMs),
      ...(answered ? { responseStatus: 201, responseBody: {}, completedAt: new Date(Date.now() - ageMs) } : {}),
    });
    await prisma().idempotencyRecord.createMany({
      data: [
        record('old-answered', 8 * day, true),
        record('old-abandoned', 30 * day, false),
        record('recent', 6 * day, true),
      ],
    });
    const s = await sweep();
    expect(s.idempotencyRecordsPurged).toBe(2);
    const left = await prisma().idempotencyRecord.findMany({ where: { officialId }, select: { key: true } });
    expect(left).toEqual([{ key: 'recent' }]);
  });
});

describe('exit plan', () => {
  test('planned against actual per township and for the county', async () => {
    const y2016 = await county.get('/exit-plan?year=2016');
    expect(y2016.status).toBe(200);
    expect(y2016.body).toMatchObject({
      year: 2016,
      threshold: 0.03,
      totals: {
        scopeCode: COUNTY,
        townships: { planned: 9, exited: 9 },
        villages: { planned: 104, exited: 104, behind: 0 },
      },
    });
    expect(y2016.body.townships).toHaveLength(17);
    expect(y2016.body.villages).toBeUndefined();

    const y2018 = await county.get('/exit-plan?year=2018');
    expect(y2018.body.totals).toEqual({
      scopeCode: COUNTY,
      townships: { planned: 17, exited: 17 },
      villages: { planned: 193, exited: 188, behind: 5 },
    });
    // Township 620522103 (陇城镇): 10 villages, one planned for 2017 and one for 2018 still poor.
    expect(y2018.body.townships.find((t: any) => t.code === '620522103')).toEqual({
      code: '620522103',
      name: '陇城镇',
      plannedExitYear: 2017,
      exitedYear: 2017,
      villages: { planned: 10, exited: 8, behind: 2 },
    });
    const y2017 = await county.get('/exit-plan?year=2017');
    expect(y2017.body.totals.villages).toEqual({ planned: 164, exited: 162, behind: 2 });
  });

  test('per village: poor population, population and whether it may exit as a whole', async () => {
    const r = await county.get('/exit-plan?year=2018&township=620522100');
    expect(r.status).toBe(200);
    expect(r.body.totals.villages).toEqual({ planned: 10, exited: 10, behind: 0 });
    expect(r.body.villages).toHaveLength(10);
    const v = r.body.villages.find((x: any) => x.code === '620522100201');
    // 2,770 registered residents, 65 of them in registered poor households: 2.35% < 3%.
    expect(v).toEqual({
      code: '620522100201',
      name: expect.any(String),
      plannedExitYear: 2015,
      exitedYear: 2015,
      behind: false,
      population: 2770,
      poorPopulation: 65,
      poorShare: 0.0235,
      mayExit: true,
      // No exit procedure (POST /exits) has run for it: the seed recorded its exit year.
      exit: null,
    });
    // 1,126 residents, 56 poor: 4.97%, above the threshold.
    expect(r.body.villages.find((x: any) => x.code === '620522100209')).toMatchObject({
      population: 1126,
      poorPopulation: 56,
      poorShare: 0.0497,
      mayExit: false,
    });
    for (const x of r.body.villages) {
      const poor = data.households
        .filter((h) => h.villageCode === x.code && h.status === 'REGISTERED')
        .reduce((s, h) => s + h.size, 0);
      expect(x.poorPopulation).toBe(poor);
      expect(x.mayExit).toBe(poor / x.population < 0.03);
    }
    expect(r.body.villages.filter((x: any) => x.mayExit).length).toBe(7);
  });

  test('is scoped: a township sees its own, a village official only its village', async () => {
    const township = await official(stack, 'TOWNSHIP', '620522100', '乡镇干部');
    const own = await township.client.get('/exit-plan?year=2018');
    expect(own.body.townships.map((t: any) => t.code)).toEqual(['620522100']);
    expect(own.body.totals.villages.planned).toBe(10);
    expectProblem(await township.client.get('/exit-plan?township=620522101'), 403, undefined, 'OUT_OF_JURISDICTION');
    const village = await official(stack, 'VILLAGE', '620522100201', '村干部');
    const mine = await village.client.get('/exit-plan?township=620522100&year=2018');
    expect(mine.status).toBe(200);
    expect(mine.body.villages.map((x: any) => x.code)).toEqual(['620522100201']);
    expectProblem(await county.get('/exit-plan?year=20'), 400);
  });
});

describe('responsibility', () => {
  const villageCode = '620522100202';
  const unit = '县财政局';

  test('a village official may not assign; nor a township official elsewhere', async () => {
    const village = await official(stack, 'VILLAGE', villageCode, '村干部');
    const elsewhere = await official(stack, 'TOWNSHIP', '620522101', '乡镇干部');
    const body = { unit, personName: '赵建国', personPhone: '13800138000' };
    expectProblem(await village.client.put(`/villages/${villageCode}/responsibility`, body), 403);
    expectProblem(await elsewhere.client.put(`/villages/${villageCode}/responsibility`, body), 403);
    const household = (await registeredHouseholds(stack, villageCode))[0]!;
    expectProblem(await elsewhere.client.put(`/households/${household.id}/responsibility`, body), 403);
    expectProblem(await county.put(`/households/${randomUUID()}/responsibility`, body), 404);
    expectProblem(await county.put(`/villages/620522100299/responsibility`, body), 404);
  });

  test('assigns and hands over a village, keeping the history; the same person again is a no-op', async () => {
    const township = await official(stack, 'TOWNSHIP', '620522100', '乡镇干部');
    const before = await county.get(`/villages/${villageCode}/responsibility`);
    expect(before.status).toBe(200);
    expect(before.body.history).toHaveLength(1);
    const seeded = before.body.current;
    expect(seeded).toMatchObject({ to: null });

    expectProblem(await township.client.put(`/villages/${villageCode}/responsibility`, { unit }), 400);
    expectProblem(
      await township.client.put(`/villages/${villageCode}/responsibility`, { unit, personName: '赵', extra: 1 }),
      400,
    );

    const body = { unit, personName: '赵建国', personPhone: '13800138000', note: '双联干部调整' };
    const assigned = await township.client.put(`/villages/${villageCode}/responsibility`, body);
    expect(assigned.status).toBe(200);
    expect(assigned.body.changed).toBe(true);
    expect(assigned.body.current).toMatchObject({ unit, personName: '赵建国', personPhone: '13800138000', to: null });
    expect(assigned.body.history).toHaveLength(2);
    expect(assigned.body.history[1]).toMatchObject({ id: seeded.id, to: expect.any(String) });
    expect(assigned.body.history[1].to).toBe(assigned.body.current.from);

    const again = await township.client.put(`/villages/${villageCode}/responsibility`, body);
    expect(again.body.changed).toBe(false);
    expect(again.body.history).toHaveLength(2);
    expect(again.body.current.id).toBe(assigned.body.current.id);

    const handover = await county.put(`/villages/${villageCode}/responsibility`, { unit, personName: '钱文华' });
    expect(handover.body.history.map((a: any) => a.personName)).toEqual(['钱文华', '赵建国', seeded.personName]);
    expect(handover.body.history.filter((a: any) => a.to === null)).toHaveLength(1);
    expect(
      await prisma().responsibilityAssignment.count({ where: { villageCode, subject: 'VILLAGE', toDate: null } }),
    ).toBe(1);

    // The phone in full only for the village's own officials and its township; masked for the county.
    const forCounty = await county.get(`/villages/${villageCode}/responsibility`);
    expect(forCounty.body.history[1].personPhone).toBe('138****8000');
    const forTownship = await township.client.get(`/villages/${villageCode}/responsibility`);
    expect(forTownship.body.history[1].personPhone).toBe('13800138000');
  });

  test('assigns a household and keeps its history', async () => {
    const township = await official(stack, 'TOWNSHIP', '620522100', '乡镇干部');
    const household = (await registeredHouseholds(stack, villageCode))[1]!;
    const path = `/households/${household.id}/responsibility`;
    const first = await township.client.put(path, { unit, personName: '孙秀英' });
    expect(first.status).toBe(200);
    expect(first.body.history).toHaveLength(2);
    const second = await township.client.put(path, { unit: '县农牧局', personName: '孙秀英' });
    expect(second.body.changed).toBe(true);
    expect(second.body.history.map((a: any) => a.unit)).toEqual(['县农牧局', unit, expect.any(String)]);
    expect((await township.client.get(path)).body.current).toMatchObject({ unit: '县农牧局', personName: '孙秀英' });
  });
});

describe('findings: detected, escalated, not duplicated, closed', () => {
  test('HOUSEHOLD_NO_RESPONSIBLE: to the township, closed once a person is assigned', async () => {
    const h = UNASSIGNED[0]!;
    const townshipCode = h.villageCode.slice(0, 9);
    const f = await openFinding('HOUSEHOLD_NO_RESPONSIBLE', h.id);
    const township = await official(stack, 'TOWNSHIP', townshipCode, '乡镇干部');
    const tasks = await findingTasks(township.client);
    expect(tasks.find((t) => t.finding.id === f.id)).toMatchObject({
      roundId: null,
      villageCode: h.villageCode,
      overdue: true,
      finding: { kind: 'HOUSEHOLD_NO_RESPONSIBLE', householdId: h.id, subjectKey: h.id },
    });
    // Not escalated to another township, nor to the village.
    const other = await official(
      stack,
      'TOWNSHIP',
      townshipCode === '620522100' ? '620522101' : '620522100',
      '乡镇干部乙',
    );
    expect((await findingTasks(other.client)).some((t) => t.finding.id === f.id)).toBe(false);
    const village = await official(stack, 'VILLAGE', h.villageCode, '村干部');
    expect((await findingTasks(village.client)).some((t) => t.finding.id === f.id)).toBe(false);

    await expectStillOneOpen('HOUSEHOLD_NO_RESPONSIBLE', h.id, f.id);
    const put = await township.client.put(`/households/${h.id}/responsibility`, {
      unit: '县民政局',
      personName: '周平',
    });
    expect(put.status).toBe(200);
    await expectClosed('HOUSEHOLD_NO_RESPONSIBLE', h.id, f.id);
    expect((await findingTasks(township.client)).some((t) => t.finding.id === f.id)).toBe(false);
  });

  test('VILLAGE_BEHIND_EXIT_PLAN: to the county, closed once the village has exited', async () => {
    const v = BEHIND[0]!;
    const f = await openFinding('VILLAGE_BEHIND_EXIT_PLAN', v.code);
    const tasks = await findingTasks(county);
    expect(tasks.filter((t) => t.finding.kind === 'VILLAGE_BEHIND_EXIT_PLAN')).toHaveLength(BEHIND.length);
    expect(tasks.find((t) => t.finding.id === f.id)).toMatchObject({
      villageCode: v.code,
      finding: { escalatedTo: { role: 'COUNTY', scopeCode: COUNTY } },
    });
    await expectStillOneOpen('VILLAGE_BEHIND_EXIT_PLAN', v.code, f.id);
    await prisma().village.update({ where: { code: v.code }, data: { exitedYear: chinaYear(Date.now()) } });
    await expectClosed('VILLAGE_BEHIND_EXIT_PLAN', v.code, f.id);
    expect((await findingTasks(county)).some((t) => t.finding.id === f.id)).toBe(false);
  });

  test('VILLAGE_NO_RESPONSIBLE: to the township, closed by assigning through the API', async () => {
    const code = await claim({ township: '620522104' });
    await prisma().responsibilityAssignment.updateMany({
      where: { subject: 'VILLAGE', villageCode: code, toDate: null },
      data: { toDate: new Date() },
    });
    const s = await sweep();
    expect(s.byKind.VILLAGE_NO_RESPONSIBLE.opened).toBe(1);
    const f = await openFinding('VILLAGE_NO_RESPONSIBLE', code);
    expect(f).toMatchObject({ escalatedToRole: 'TOWNSHIP', escalatedToScope: '620522104', villageCode: code });
    const township = await official(stack, 'TOWNSHIP', '620522104', '乡镇干部');
    expect((await findingTasks(township.client)).find((t) => t.finding.id === f.id)).toMatchObject({
      villageCode: code,
      finding: { kind: 'VILLAGE_NO_RESPONSIBLE' },
    });
    await expectStillOneOpen('VILLAGE_NO_RESPONSIBLE', code, f.id);
    const put = await township.client.put(`/villages/${code}/responsibility`, { unit: '县水务局', personName: '吴海' });
    expect(put.status).toBe(200);
    await expectClosed('VILLAGE_NO_RESPONSIBLE', code, f.id);
  });

  test('STAGE_OVERDUE: to the official who must act, into the round trail, closed when they act', async () => {
    const code = await claim({ township: '620522105' });
    const o = await officialsFor(stack, code);
    const roundId = await startRound(o.township.client, code, { publicityPeriod: '1 hour', stageDeadline: '1s' });
    // The round itself notices first (its reminder); the sweep then records a finding.
    await eventually(async () => (await o.county.client.get(`/rounds/${roundId}`)).body.overdueSince, 30_000, 'due');
    const s = await sweep();
    expect(s.byKind.STAGE_OVERDUE.opened).toBe(1);
    expect(s.escalatedToRounds).toBeGreaterThanOrEqual(1);
    const key = `${roundId}:VILLAGE_ASSESSMENT`;
    const f = await openFinding('STAGE_OVERDUE', key);
    expect(f).toMatchObject({ roundId, escalatedToRole: 'VILLAGE', escalatedToScope: code });

    expect((await findingTasks(o.village.client)).find((t) => t.finding.id === f.id)).toMatchObject({
      roundId,
      stage: 'VILLAGE_ASSESSMENT',
      finding: { kind: 'STAGE_OVERDUE' },
    });
    expect((await findingTasks(o.township.client)).some((t) => t.finding.id === f.id)).toBe(false);
    const trail = await eventually(async () => {
      const d = await trailFindings(o.county.client, roundId);
      return d.length > 0 ? d : undefined;
    });
    expect(trail).toHaveLength(1);
    expect(trail[0].details).toMatchObject({ findingId: f.id, kind: 'STAGE_OVERDUE' });

    await expectStillOneOpen('STAGE_OVERDUE', key, f.id);
    const h = (await registeredHouseholds(stack, code))[0]!;
    await assess(o.village.client, roundId, [
      {
        action: 'EXIT',
        householdId: h.id,
        exitReason: 'REACHED_STANDARD',
        householdConsent: { signedOn: '2026-11-18' },
        votesFor: 20,
        votesAgainst: 1,
      },
    ]);
    await expectClosed('STAGE_OVERDUE', key, f.id);
    expect(await trailFindings(o.county.client, roundId)).toHaveLength(1);
    expect((await findingTasks(o.village.client)).some((t) => t.finding.id === f.id)).toBe(false);
  });

  test('STAGE_OVERDUE at the county announcement goes to the county', async () => {
    const code = await claim({ township: '620522105' });
    const o = await officialsFor(stack, code);
    const roundId = await startRound(o.township.client, code, { publicityPeriod: '2s', stageDeadline: '1 hour' });
    const h = (await registeredHouseholds(stack, code))[0]!;
    await assess(o.village.client, roundId, [
      {
        action: 'EXIT',
        householdId: h.id,
        exitReason: 'REACHED_STANDARD',
        householdConsent: { signedOn: '2026-11-18' },
        votesFor: 20,
        votesAgainst: 1,
      },
    ]);
    await waitForStage(o.township.client, roundId, 'TOWNSHIP_REVIEW');
    await o.township.client.post(`/rounds/${roundId}/township-review`, {
      decision: 'APPROVE',
      note: '核查属实',
      verification: await visitsFor(o.township.client, roundId),
    });
    await waitForStage(o.county.client, roundId, 'COUNTY_ANNOUNCEMENT');
    await prisma().round.update({ where: { id: roundId }, data: { stageDeadline: new Date(Date.now() - 60_000) } });
    await sweep();
    const f = await openFinding('STAGE_OVERDUE', `${roundId}:COUNTY_ANNOUNCEMENT`);
    expect(f).toMatchObject({ escalatedToRole: 'COUNTY', escalatedToScope: COUNTY });
    expect((await findingTasks(o.county.client)).some((t) => t.finding.id === f.id)).toBe(true);
    await o.county.client.post(`/rounds/${roundId}/county-announcement`, { decision: 'ANNOUNCE', note: '同意' });
    await expectClosed('STAGE_OVERDUE', `${roundId}:COUNTY_ANNOUNCEMENT`, f.id);
  });

  test('OBJECTION_STALE: to the township, into the round trail, closed once resolved', async () => {
    const code = await claim({ township: '620522106' });
    const o = await officialsFor(stack, code);
    const roundId = await startRound(o.township.client, code, longPublicity);
    const h = (await registeredHouseholds(stack, code))[0]!;
    const assessed = await assess(o.village.client, roundId, [
      {
        action: 'EXIT',
        householdId: h.id,
        exitReason: 'REACHED_STANDARD',
        householdConsent: { signedOn: '2026-11-18' },
        votesFor: 20,
        votesAgainst: 1,
      },
    ]);
    const filed = await o.village.client.post(`/rounds/${roundId}/objections`, {
      proposalId: assessed.proposals[0].id,
      objector: { name: '村民甲' },
      reason: '该户仍有大病负担',
    });
    expect(filed.status).toBe(201);
    const objectionId: string = filed.body.objectionId;

    // Fresh objections are not stale; one filed eight days ago is (the default threshold is 7 days).
    expect((await sweep()).byKind.OBJECTION_STALE.opened).toBe(0);
    await prisma().objection.update({
      where: { id: objectionId },
      data: { filedAt: new Date(Date.now() - 8 * 86_400_000) },
    });
    const s = await sweep();
    expect(s.byKind.OBJECTION_STALE.opened).toBe(1);
    const f = await openFinding('OBJECTION_STALE', objectionId);
    expect(f).toMatchObject({ roundId, escalatedToRole: 'TOWNSHIP', escalatedToScope: code.slice(0, 9) });
    expect((await findingTasks(o.township.client)).find((t) => t.finding.id === f.id)).toMatchObject({
      roundId,
      stage: 'FIRST_PUBLICITY',
      finding: { kind: 'OBJECTION_STALE' },
    });
    const trail = await eventually(async () => {
      const d = await trailFindings(o.county.client, roundId);
      return d.length > 0 ? d : undefined;
    });
    expect(trail[0].details).toMatchObject({ findingId: f.id, kind: 'OBJECTION_STALE' });

    await expectStillOneOpen('OBJECTION_STALE', objectionId, f.id);
    const resolved = await o.township.client.post(`/rounds/${roundId}/objections/${objectionId}/resolution`, {
      decision: 'DISMISSED',
      note: '经核实，该户已达脱贫标准',
    });
    expect(resolved.status).toBe(200);
    await expectClosed('OBJECTION_STALE', objectionId, f.id);
    expect(await trailFindings(o.county.client, roundId)).toHaveLength(1);
  });

  test('a policy with a shorter threshold finds objections sooner', async () => {
    const code = await claim({ township: '620522106' });
    const o = await officialsFor(stack, code);
    const roundId = await startRound(o.township.client, code, longPublicity);
    const h = (await registeredHouseholds(stack, code))[0]!;
    await assess(o.village.client, roundId, [
      {
        action: 'EXIT',
        householdId: h.id,
        exitReason: 'REACHED_STANDARD',
        householdConsent: { signedOn: '2026-11-18' },
        votesFor: 20,
        votesAgainst: 1,
      },
    ]);
    const filed = await o.village.client.post(`/rounds/${roundId}/objections`, {
      objector: { name: '村民乙' },
      reason: '名单有误',
    });
    await prisma().objection.update({
      where: { id: filed.body.objectionId },
      data: { filedAt: new Date(Date.now() - 2 * 86_400_000) },
    });
    expect((await sweep()).byKind.OBJECTION_STALE.opened).toBe(0);
    const s = await sweep({ objectionStaleAfter: '1 day' });
    expect(s.policy.objectionStaleAfter).toBe('1 day');
    expect(s.byKind.OBJECTION_STALE.opened).toBe(1);
    // Back to the default threshold: the condition no longer holds, so the finding closes.
    expect((await sweep()).byKind.OBJECTION_STALE.closed).toBe(1);
  });

  test('ROUND_STUCK: to the township, into the round trail, closed once the round moves', async () => {
    const code = await claim({ township: '620522107' });
    const o = await officialsFor(stack, code);
    const roundId = await startRound(o.township.client, code, longPublicity);
    await prisma().$executeRaw`UPDATE "Round" SET "stageEnteredAt" = now() - interval '15 days' WHERE id = ${roundId}`;
    const s = await sweep();
    expect(s.byKind.ROUND_STUCK.opened).toBe(1);
    const f = await openFinding('ROUND_STUCK', roundId);
    expect(f).toMatchObject({ roundId, escalatedToRole: 'TOWNSHIP', escalatedToScope: '620522107' });
    expect((await findingTasks(o.township.client)).find((t) => t.finding.id === f.id)).toMatchObject({
      roundId,
      finding: { kind: 'ROUND_STUCK' },
    });
    const trail = await eventually(async () => {
      const d = await trailFindings(o.county.client, roundId);
      return d.length > 0 ? d : undefined;
    });
    expect(trail[0].details).toMatchObject({ findingId: f.id, kind: 'ROUND_STUCK' });

    await expectStillOneOpen('ROUND_STUCK', roundId, f.id);
    const h = (await registeredHouseholds(stack, code))[0]!;
    await assess(o.village.client, roundId, [
      {
        action: 'EXIT',
        householdId: h.id,
        exitReason: 'REACHED_STANDARD',
        householdConsent: { signedOn: '2026-11-18' },
        votesFor: 20,
        votesAgainst: 1,
      },
    ]);
    await expectClosed('ROUND_STUCK', roundId, f.id);
  });
});

describe('GET /supervision/findings', () => {
  test('filters by status, kind and township, scoped and paginated', async () => {
    const open = await county.get('/supervision/findings?status=OPEN&kind=HOUSEHOLD_NO_RESPONSIBLE');
    expect(open.status).toBe(200);
    expect(open.body.items.map((f: any) => f.householdId).sort()).toEqual(
      UNASSIGNED.slice(1)
        .map((h) => h.id)
        .sort(),
    );
    const closed = await county.get('/supervision/findings?status=CLOSED&kind=HOUSEHOLD_NO_RESPONSIBLE');
    expect(closed.body.items.map((f: any) => f.householdId)).toEqual([UNASSIGNED[0]!.id]);
    expect(closed.body.items[0]).toMatchObject({ status: 'CLOSED', label: '贫困户无帮扶责任人' });

    const h = UNASSIGNED[1]!;
    const byTownship = await county.get(`/supervision/findings?township=${h.villageCode.slice(0, 9)}&status=OPEN`);
    expect(byTownship.body.items.some((f: any) => f.householdId === h.id)).toBe(true);
    for (const f of byTownship.body.items) expect(f.townshipCode).toBe(h.villageCode.slice(0, 9));

    // A township official sees only its township; another township is refused.
    const township = await official(stack, 'TOWNSHIP', h.villageCode.slice(0, 9), '乡镇干部');
    const own = await township.client.get('/supervision/findings');
    expect(own.body.items.length).toBeGreaterThan(0);
    for (const f of own.body.items) expect(f.villageCode.startsWith(h.villageCode.slice(0, 9))).toBe(true);
    expectProblem(await township.client.get('/supervision/findings?township=620522100'), 403);
    const village = await official(stack, 'VILLAGE', h.villageCode, '村干部');
    const mine = await village.client.get('/supervision/findings?status=OPEN');
    expect(mine.body.items.map((f: any) => f.householdId)).toEqual([h.id]);

    // Every finding, a page at a time, each once.
    const all = await prisma().supervisionFinding.count();
    const seen = new Set<string>();
    let cursor: string | null = null;
    do {
      const r: any = await county.get(`/supervision/findings?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(r.status).toBe(200);
      for (const f of r.body.items) seen.add(f.id);
      cursor = r.body.nextCursor;
    } while (cursor);
    expect(seen.size).toBe(all);

    expectProblem(await county.get('/supervision/findings?kind=LATE'), 400);
    expectProblem(await county.get('/supervision/findings?cursor=bm9wZQ'), 400);
  });
});

describe('township scorecard', () => {
  test('rounds on time, open findings and exits against plan, per township', async () => {
    const townshipCode = '620522116';
    const [a, b, c] = [
      await claim({ township: townshipCode }),
      await claim({ township: townshipCode }),
      await claim({ township: townshipCode }),
    ];
    const oa = await officialsFor(stack, a);
    const ob = await officialsFor(stack, b);
    const oc = await officialsFor(stack, c);

    // a: completed on time, entering a household that has no responsible person yet.
    const ra = await startRound(oa.township.client, a, fast);
    await assess(oa.village.client, ra, [
      {
        action: 'ENTER',
        entryReason: 'NEW_IDENTIFIED',
        household: { headName: '马新户', idNumber: freshIdNumber(4242), size: 3 },
        category: 'TARGETED',
        cause: 'ILLNESS',
        votesFor: 25,
        votesAgainst: 1,
      },
    ]);
    // b: completed late (a deadline reminder in its trail).
    const rb = await startRound(ob.township.client, b, { publicityPeriod: '2s', stageDeadline: '1s' });
    await eventually(async () => (await ob.county.client.get(`/rounds/${rb}`)).body.overdueSince, 30_000, 'late');
    const hb = (await registeredHouseholds(stack, b))[0]!;
    await assess(ob.village.client, rb, [
      {
        action: 'EXIT',
        householdId: hb.id,
        exitReason: 'REACHED_STANDARD',
        householdConsent: { signedOn: '2026-11-18' },
        votesFor: 20,
        votesAgainst: 1,
      },
    ]);
    for (const [o, id] of [
      [oa, ra],
      [ob, rb],
    ] as const) {
      await waitForStage(o.township.client, id, 'TOWNSHIP_REVIEW');
      expect(
        (
          await o.township.client.post(`/rounds/${id}/township-review`, {
            decision: 'APPROVE',
            note: '属实',
            verification: await visitsFor(o.township.client, id),
          })
        ).status,
      ).toBe(200);
    }
    for (const [o, id] of [
      [oa, ra],
      [ob, rb],
    ] as const) {
      await waitForStage(o.county.client, id, 'COUNTY_ANNOUNCEMENT');
      expect(
        (await o.county.client.post(`/rounds/${id}/county-announcement`, { decision: 'ANNOUNCE', note: '同意' }))
          .status,
      ).toBe(200);
    }
    // c: open and past its deadline now.
    const rc = await startRound(oc.township.client, c, { publicityPeriod: '1 hour', stageDeadline: '1s' });
    await eventually(async () => (await oc.county.client.get(`/rounds/${rc}`)).body.overdueSince, 30_000, 'overdue');

    const s = await sweep();
    // The household that entered the registry without a responsible person is now a finding.
    expect(s.byKind.HOUSEHOLD_NO_RESPONSIBLE.opened).toBe(1);
    const entered = await prisma().household.findFirstOrThrow({ where: { idNumber: freshIdNumber(4242) } });
    await openFinding('HOUSEHOLD_NO_RESPONSIBLE', entered.id);

    const year = chinaYear(Date.now());
    const r = await county.get(`/assessment/townships?year=${year}`);
    expect(r.status).toBe(200);
    expect(r.body.items).toHaveLength(17);
    const card = r.body.items.find((t: any) => t.code === townshipCode);
    expect(card).toEqual({
      code: townshipCode,
      name: '王尹镇',
      rounds: { total: 3, completed: 2, completedOnTime: 1, overdueNow: 1 },
      openFindings: {
        total: 3,
        byKind: { STAGE_OVERDUE: 1, HOUSEHOLD_NO_RESPONSIBLE: 1, VILLAGE_BEHIND_EXIT_PLAN: 1 },
      },
      exits: { planned: 0, exited: 0, township: { plannedExitYear: 2017, exitedYear: 2017 } },
      // Rounds of the rules of version 1 (no spot checks), no samples, no surveys: no data, which is not a pass.
      accuracy: {
        wronglyExited: expect.objectContaining({ numerator: 0, denominator: 0, rate: null, pass: null }),
        missed: expect.objectContaining({ numerator: 0, denominator: 0, rate: null, pass: null }),
        approval: expect.objectContaining({ numerator: 0, denominator: 0, rate: null, pass: null }),
      },
    });

    // Exits against plan in 2017: the township's villages planned for that year, and those that made it.
    const in2017 = await county.get('/assessment/townships?year=2017');
    const planned2017 = data.villages.filter((v) => v.townshipCode === townshipCode && v.plannedExitYear === 2017);
    expect(in2017.body.items.find((t: any) => t.code === townshipCode)).toMatchObject({
      rounds: { total: 0, completed: 0, completedOnTime: 0, overdueNow: 1 },
      exits: { planned: planned2017.length, exited: planned2017.length },
    });
    expect(planned2017.length).toBe(8);

    // Scoped: a township official gets its own card only.
    const own = await oa.township.client.get('/assessment/townships');
    expect(own.body.items.map((t: any) => t.code)).toEqual([townshipCode]);
    expect(own.body.year).toBe(year);
  });
});

describe('seeding an already-seeded database', () => {
  test('fills populations and exits only where they are still null', async () => {
    const p = prisma();
    const [a, b] = data.villages.filter((v) => v.exitedYear !== null).slice(-2);
    await p.village.update({ where: { code: a!.code }, data: { population: null, exitedYear: null } });
    await p.village.update({ where: { code: b!.code }, data: { population: 4321, exitedYear: 2020 } });
    await p.township.update({ where: { code: '620522110' }, data: { exitedYear: null } });
    await seedDemoCounty(p, { demoOfficials: false });
    expect(await p.village.findUnique({ where: { code: a!.code } })).toMatchObject({
      population: a!.population,
      exitedYear: a!.exitedYear,
    });
    expect(await p.village.findUnique({ where: { code: b!.code } })).toMatchObject({
      population: 4321,
      exitedYear: 2020,
    });
    expect((await p.township.findUniqueOrThrow({ where: { code: '620522110' } })).exitedYear).toBe(2017);
    // The villages still behind plan stay so.
    expect(await p.village.count({ where: { exitedYear: null } })).toBe(BEHIND.length - 1);
  });
});
