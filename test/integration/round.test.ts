import { eventually } from '../../kit/http';
import { fast, meeting, officialsFor, visitsFor, waitForStage } from '../../kit/rounds';
import { startStack, type Stack } from '../../kit/stack';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

async function villages(n: number, offset = 0) {
  const rows = await stack.db.prisma.village.findMany({ orderBy: { code: 'asc' }, skip: offset, take: n });
  return rows.map((r) => r.code);
}

async function householdsOf(villageCode: string) {
  return stack.db.prisma.household.findMany({ where: { villageCode }, orderBy: { registryNo: 'asc' } });
}

test('happy path: five stages through the HTTP API, registry changed exactly once', async () => {
  const [code] = await villages(1, 20);
  const o = await officialsFor(stack, code!);
  const hh = await householdsOf(code!);
  const registered = hh.filter((h) => h.status === 'REGISTERED');
  const exitCandidate = registered[0]!;
  const reclass = registered.find((h) => h.category !== 'CONSOLIDATION' && h.id !== exitCandidate.id)!;

  const started = await o.township.client.post('/rounds', { villageCode: code, policy: fast });
  expect(started.status).toBe(201);
  expect(started.body).toMatchObject({ stage: 'VILLAGE_ASSESSMENT', workflowId: `round-${code}-1` });
  const roundId: string = started.body.roundId;

  const assessed = await o.village.client.post(`/rounds/${roundId}/assessment`, {
    meeting,
    proposals: [
      {
        action: 'ENTER',
        entryReason: 'NEW_IDENTIFIED',
        household: { headName: '张新户', idNumber: '620522198001010014', size: 4 },
        category: 'TARGETED',
        cause: 'ILLNESS',
        votesFor: 25,
        votesAgainst: 2,
      },
      {
        action: 'EXIT',
        householdId: exitCandidate.id,
        exitReason: 'REACHED_STANDARD',
        householdConsent: { signedOn: '2026-11-18' },
        votesFor: 28,
        votesAgainst: 0,
      },
      { action: 'RECLASSIFY', householdId: reclass.id, category: 'CONSOLIDATION', votesFor: 20, votesAgainst: 5 },
    ],
  });
  expect(assessed.status).toBe(200);
  expect(assessed.body.stage).toBe('FIRST_PUBLICITY');
  expect(assessed.body.noticeVersion).toBe(1);

  const notice = await o.county.client.get(`/rounds/${roundId}/notices/1`);
  expect(notice.status).toBe(200);
  expect(notice.headers.get('content-type')).toMatch(/text\/html/);
  expect(notice.text).toContain('第一次公示');
  expect(notice.text).toContain('6205**********0014');
  expect(notice.text).not.toContain('620522198001010014');

  await waitForStage(o.township.client, roundId, 'TOWNSHIP_REVIEW');
  const reviewed = await o.township.client.post(`/rounds/${roundId}/township-review`, {
    decision: 'APPROVE',
    note: '入户核查属实',
    verification: await visitsFor(o.township.client, roundId),
  });
  expect(reviewed.status).toBe(200);
  expect(reviewed.body).toMatchObject({ stage: 'SECOND_PUBLICITY', noticeVersion: 2 });

  await waitForStage(o.county.client, roundId, 'COUNTY_ANNOUNCEMENT');
  const before = await stack.db.prisma.registryChange.count();
  const announced = await o.county.client.post(`/rounds/${roundId}/county-announcement`, {
    decision: 'ANNOUNCE',
    note: '同意公告',
  });
  expect(announced.status).toBe(200);
  expect(announced.body).toMatchObject({ stage: 'COMPLETED', noticeVersion: 3 });

  // A second announcement is refused and changes nothing.
  const again = await o.county.client.post(`/rounds/${roundId}/county-announcement`, {
    decision: 'ANNOUNCE',
    note: '再次',
  });
  expect(again.status).toBe(409);
  expect(await stack.db.prisma.registryChange.count()).toBe(before + 3);

  const after = await householdsOf(code!);
  expect(after).toHaveLength(hh.length + 1);
  const entered = after.find((h) => h.idNumber === '620522198001010014')!;
  expect(entered).toMatchObject({ status: 'REGISTERED', category: 'TARGETED', cause: 'ILLNESS' });
  expect(after.find((h) => h.id === exitCandidate.id)).toMatchObject({
    status: 'EXITED',
    exitReason: 'REACHED_STANDARD',
  });
  expect(after.find((h) => h.id === reclass.id)).toMatchObject({ category: 'CONSOLIDATION', status: 'REGISTERED' });

  const detail = await o.county.client.get(`/rounds/${roundId}`);
  expect(detail.body).toMatchObject({ stage: 'COMPLETED', status: 'COMPLETED' });
  expect(detail.body.notices.map((n: { version: number }) => n.version)).toEqual([1, 2, 3]);
  expect(detail.body.proposals.every((p: { status: string }) => p.status === 'APPLIED')).toBe(true);
  const kinds = detail.body.decisions.map((d: { kind: string }) => d.kind);
  expect(kinds).toEqual([
    'ROUND_STARTED',
    'ASSESSMENT_SUBMITTED',
    'PUBLICITY_ENDED',
    'TOWNSHIP_REVIEW',
    'PUBLICITY_ENDED',
    'COUNTY_ANNOUNCEMENT',
  ]);
  for (const d of detail.body.decisions.filter((x: { kind: string }) => x.kind !== 'PUBLICITY_ENDED')) {
    expect(d.by?.id).toBeTruthy();
    expect(d.at).toBeTruthy();
  }
  const result = await stack.env.client.workflow.getHandle(roundId).result();
  expect(result.status).toBe('COMPLETED');
});

test('a stage past its deadline records a reminder, visible in the round and in /tasks', async () => {
  const [code] = await villages(1, 21);
  const o = await officialsFor(stack, code!);
  const started = await o.township.client.post('/rounds', {
    villageCode: code,
    policy: { publicityPeriod: '1 hour', stageDeadline: '1s' },
  });
  expect(started.status).toBe(201);
  const roundId: string = started.body.roundId;
  const overdue = await eventually(
    async () => {
      const r = await o.county.client.get(`/rounds/${roundId}`);
      return r.body.overdueSince ? r.body : undefined;
    },
    30_000,
    'the deadline reminder',
  );
  const reminder = overdue.decisions.find((d: { kind: string }) => d.kind === 'DEADLINE_REMINDER');
  expect(reminder).toMatchObject({ stage: 'VILLAGE_ASSESSMENT', details: { waitingOn: 'VILLAGE' } });

  const villageTasks = await o.village.client.get('/tasks');
  expect(villageTasks.body.items).toContainEqual(expect.objectContaining({ kind: 'DECIDE', roundId, overdue: true }));
  const townshipTasks = await o.township.client.get('/tasks');
  expect(townshipTasks.body.items).toContainEqual(expect.objectContaining({ kind: 'OVERDUE', roundId, overdue: true }));

  // Acting clears it: the next stage starts with a fresh deadline.
  const hh = (await householdsOf(code!)).find((h) => h.status === 'REGISTERED')!;
  const assessed = await o.village.client.post(`/rounds/${roundId}/assessment`, {
    meeting,
    proposals: [
      {
        action: 'EXIT',
        householdId: hh.id,
        exitReason: 'REACHED_STANDARD',
        householdConsent: { signedOn: '2026-11-18' },
        votesFor: 20,
        votesAgainst: 1,
      },
    ],
  });
  expect(assessed.status).toBe(200);
  const after = await o.county.client.get(`/rounds/${roundId}`);
  expect(after.body).toMatchObject({ stage: 'FIRST_PUBLICITY', overdueSince: null });
});

test('administrators find rounds by township and current stage through search attributes', async () => {
  const [code] = await villages(1, 22);
  const o = await officialsFor(stack, code!);
  const started = await o.township.client.post('/rounds', { villageCode: code, policy: fast });
  const roundId: string = started.body.roundId;
  const township = code!.slice(0, 9);
  const find = async (stage: string) => {
    const ids: string[] = [];
    for await (const wf of stack.env.client.workflow.list({
      query: `JzTownship = "${township}" AND JzStage = "${stage}" AND JzVillage = "${code}"`,
    })) {
      ids.push(wf.workflowId);
    }
    return ids;
  };
  await eventually(
    async () => (await find('VILLAGE_ASSESSMENT')).includes(roundId),
    30_000,
    'listed at VILLAGE_ASSESSMENT',
  );
  const hh = (await householdsOf(code!)).find((h) => h.status === 'REGISTERED')!;
  await o.village.client.post(`/rounds/${roundId}/assessment`, {
    meeting,
    proposals: [
      {
        action: 'EXIT',
        householdId: hh.id,
        exitReason: 'REACHED_STANDARD',
        householdConsent: { signedOn: '2026-11-18' },
        votesFor: 20,
        votesAgainst: 1,
      },
    ],
  });
  await waitForStage(o.township.client, roundId, 'TOWNSHIP_REVIEW');
  await eventually(async () => (await find('TOWNSHIP_REVIEW')).includes(roundId), 30_000, 'listed at TOWNSHIP_REVIEW');
  expect(await find('VILLAGE_ASSESSMENT')).not.toContain(roundId);
  const description = await stack.env.client.workflow.getHandle(roundId).describe();
  expect(await description.staticSummary()).toContain(code!);
});
