// Idempotency-Key on every POST, through the real HTTP API on a real stack: a retried request is answered
// the same and applied once, also when the API died after the decision but before storing its answer.
import type { Client as TemporalClient } from '@temporalio/client';
import { derivedUuid, requestHash } from '../../api/derived-ids';
import { Prisma } from '../../infra/db';
import { api, type Reply } from '../../kit/http';
import { startExtraApi } from '../../kit/extra-api';
import {
  expectProblem,
  fast,
  freshIdNumber,
  longPublicity,
  meeting,
  official,
  officialsFor,
  registeredHouseholds,
  rowCounts,
  villageClaimer,
  waitForStage,
  type Client,
  visitsFor,
} from '../../kit/rounds';
import { startStack, type Stack } from '../../kit/stack';
import { checkedFetch } from '../../kit/openapi';

let stack: Stack;
let claimVillage: ReturnType<typeof villageClaimer>;
beforeAll(async () => {
  stack = await startStack();
  claimVillage = villageClaimer(stack);
});
afterAll(async () => {
  await stack?.stop();
});

const prisma = () => stack.db.prisma;
let keyNo = 0;
/** A fresh key per use, so that tests never share one. */
const newKey = (label = 'k') => `${label}-${++keyNo}-${Date.now()}`;
const withKey = (key: string) => ({ 'idempotency-key': key });

async function record(officialId: string, key: string) {
  return prisma().idempotencyRecord.findUnique({ where: { officialId_key: { officialId, key } } });
}

/** As if the API had died after applying the request but before storing its answer, over a minute ago. */
async function forgetAnswer(officialId: string, key: string) {
  await prisma().idempotencyRecord.update({
    where: { officialId_key: { officialId, key } },
    data: {
      completedAt: null,
      responseStatus: null,
      responseBody: Prisma.DbNull,
      createdAt: new Date(Date.now() - 120_000),
    },
  });
}

function expectSameAnswer(first: Reply, again: Reply) {
  expect({ status: again.status, body: again.body }).toEqual({ status: first.status, body: first.body });
}

async function startRound(client: Client, code: string, policy: object = fast): Promise<string> {
  const r = await client.post('/rounds', { villageCode: code, policy });
  expect(r.status).toBe(201);
  return r.body.roundId as string;
}

async function assess(client: Client, roundId: string, householdId: string) {
  const r = await client.post(`/rounds/${roundId}/assessment`, {
    meeting,
    proposals: [
      {
        action: 'EXIT',
        householdId,
        exitReason: 'REACHED_STANDARD',
        householdConsent: { signedOn: '2026-11-18' },
        votesFor: 22,
        votesAgainst: 2,
      },
    ],
  });
  expect(r.status).toBe(200);
  return r.body as { proposals: { id: string }[] };
}

test('the Idempotency-Key header must be 1 to 200 printable ASCII characters, else 400 and nothing happens', async () => {
  const code = await claimVillage();
  const o = await officialsFor(stack, code);
  const before = await rowCounts(stack);
  const bad = ['', 'x'.repeat(201), 'tab\there', 'clé', 'ÿÿÿ'];
  for (const key of bad) {
    const r = await o.township.client.post('/rounds', { villageCode: code, policy: fast }, withKey(key));
    expect({ key, status: r.status }).toEqual({ key, status: 400 });
    expectProblem(r, 400, /Idempotency-Key/, 'VALIDATION_FAILED');
  }
  expect(await rowCounts(stack)).toEqual(before);
  expect(await prisma().idempotencyRecord.count({ where: { officialId: o.township.id } })).toBe(0);

  // 200 printable characters (space and punctuation included) are a valid key.
  const longest = ('A ~!' + 'z'.repeat(200)).slice(0, 200);
  const ok = await o.township.client.post('/rounds', { villageCode: code, policy: fast }, withKey(longest));
  expect(ok.status).toBe(201);
  expect(await record(o.township.id, longest)).toMatchObject({ responseStatus: 201, path: '/api/v1/rounds' });
  // Reads ignore the header.
  const read = await checkedFetch(`${stack.baseUrl}/rounds/${ok.body.roundId}`, {
    headers: { authorization: `Bearer ${o.township.token}`, 'idempotency-key': '' },
  });
  expect(read.status).toBe(200);
});

test('same key and same body: the same answer, applied once; key order and spacing do not matter', async () => {
  const code = await claimVillage();
  const o = await officialsFor(stack, code);
  const key = newKey('start');
  const first = await o.township.client.post('/rounds', { villageCode: code, policy: longPublicity }, withKey(key));
  expect(first.status).toBe(201);
  expect(first.headers.get('idempotent-replayed')).toBeNull();
  const again = await o.township.client.post(
    '/rounds',
    `{ "policy": { "stageDeadline": "1 hour", "publicityPeriod": "1 hour" },  "villageCode": "${code}" }`,
    withKey(key),
  );
  expectSameAnswer(first, again);
  expect(again.headers.get('idempotent-replayed')).toBe('true');
  expect(again.headers.get('content-type')).toMatch(/^application\/json/);
  expect(await prisma().round.count({ where: { villageCode: code } })).toBe(1);

  // An objection retried three times is filed once, under one id.
  const roundId: string = first.body.roundId;
  const [h] = await registeredHouseholds(stack, code);
  await assess(o.village.client, roundId, h!.id);
  const objection = { objector: { name: '李村民', contact: '13800001111' }, reason: '重复提交测试' };
  const objectionKey = newKey('objection');
  const replies = [];
  for (let i = 0; i < 3; i++) {
    replies.push(await o.village.client.post(`/rounds/${roundId}/objections`, objection, withKey(objectionKey)));
  }
  expect(replies.map((r) => r.status)).toEqual([201, 201, 201]);
  expect(new Set(replies.map((r) => r.body.objectionId)).size).toBe(1);
  expect(await prisma().objection.count({ where: { roundId } })).toBe(1);
  expect(await prisma().decision.count({ where: { roundId, kind: 'OBJECTION_FILED' } })).toBe(1);

  // An error answer is stored and replayed too (4xx): the same problem, nothing applied.
  const refusedKey = newKey('refused');
  const early = await o.township.client.post(
    `/rounds/${roundId}/township-review`,
    { decision: 'APPROVE', note: '太早' },
    withKey(refusedKey),
  );
  expectProblem(early, 409);
  const earlyAgain = await o.township.client.post(
    `/rounds/${roundId}/township-review`,
    { decision: 'APPROVE', note: '太早' },
    withKey(refusedKey),
  );
  expectSameAnswer(early, earlyAgain);
  expect(earlyAgain.headers.get('content-type')).toMatch(/^application\/problem\+json/);
});

test('same key with another body or on another path: 422, and the first answer stays', async () => {
  const code = await claimVillage();
  const o = await officialsFor(stack, code);
  const [h] = await registeredHouseholds(stack, code);
  const roundId = await startRound(o.township.client, code, longPublicity);
  await assess(o.village.client, roundId, h!.id);
  const key = newKey('reuse');
  const first = await o.village.client.post(
    `/rounds/${roundId}/objections`,
    { objector: { name: '甲' }, reason: '第一次' },
    withKey(key),
  );
  expect(first.status).toBe(201);
  const stored = await record(o.village.id, key);

  const otherBody = await o.village.client.post(
    `/rounds/${roundId}/objections`,
    { objector: { name: '甲' }, reason: '第二次' },
    withKey(key),
  );
  expectProblem(otherBody, 422, /Idempotency-Key/, 'IDEMPOTENCY_KEY_REUSED');
  expect(otherBody.body.reason).toBe('IdempotencyKeyReused');
  const otherPath = await o.village.client.post(
    `/rounds/${roundId}/assessment`,
    { objector: { name: '甲' }, reason: '第一次' },
    withKey(key),
  );
  expectProblem(otherPath, 422, /Idempotency-Key/, 'IDEMPOTENCY_KEY_REUSED');
  expect(await prisma().objection.count({ where: { roundId } })).toBe(1);
  expect(await record(o.village.id, key)).toEqual(stored);
  expectSameAnswer(
    first,
    await o.village.client.post(
      `/rounds/${roundId}/objections`,
      { objector: { name: '甲' }, reason: '第一次' },
      withKey(key),
    ),
  );

  // Keys belong to an official: another official's identical key is another request.
  const township = await o.township.client.post(
    `/rounds/${roundId}/objections`,
    { objector: { name: '甲' }, reason: '第一次' },
    withKey(key),
  );
  expect(township.status).toBe(201);
  expect(township.body.objectionId).not.toBe(first.body.objectionId);
  expect(await prisma().objection.count({ where: { roundId } })).toBe(2);
});

test('a request still in progress with the key: 409 with Retry-After; an abandoned one is taken over', async () => {
  const code = await claimVillage();
  const o = await officialsFor(stack, code);

  // Ten identical requests at once: one is applied; the others are told it is in progress or get its answer.
  const key = newKey('race');
  const body = { villageCode: code, policy: fast };
  const replies = await Promise.all(
    Array.from({ length: 10 }, () => o.township.client.post('/rounds', body, withKey(key))),
  );
  const won = replies.filter((r) => r.status === 201);
  expect(won.length).toBeGreaterThanOrEqual(1);
  for (const r of won) expect(r.body).toEqual(won[0]!.body);
  for (const r of replies.filter((x) => x.status !== 201)) {
    expectProblem(r, 409, /in progress/);
    expect(r.body.reason).toBe('IdempotencyKeyInProgress');
    expect(r.headers.get('retry-after')).toBe('1');
  }
  expect(replies.some((r) => r.status === 409)).toBe(true);
  expect(await prisma().round.count({ where: { villageCode: code } })).toBe(1);

  // A claim made seconds ago is in progress; one made two minutes ago was abandoned and is taken over.
  const roundId: string = won[0]!.body.roundId;
  const cancel = { reason: '测试取消' };
  const path = `/rounds/${roundId}/cancel`;
  const pending = newKey('pending');
  const hash = requestHash('POST', `/api/v1${path}`, cancel);
  await prisma().idempotencyRecord.create({
    data: { officialId: o.county.id, key: pending, method: 'POST', path: `/api/v1${path}`, requestHash: hash },
  });
  const busy = await o.county.client.post(path, cancel, withKey(pending));
  expectProblem(busy, 409, /in progress/, 'IDEMPOTENCY_KEY_IN_PROGRESS');
  expect((await prisma().round.findUniqueOrThrow({ where: { id: roundId } })).status).toBe('OPEN');

  await prisma().idempotencyRecord.update({
    where: { officialId_key: { officialId: o.county.id, key: pending } },
    data: { createdAt: new Date(Date.now() - 61_000) },
  });
  const taken = await o.county.client.post(path, cancel, withKey(pending));
  expect(taken.status).toBe(200);
  expect(taken.body).toMatchObject({ roundId });
  expect(await record(o.county.id, pending)).toMatchObject({ responseStatus: 200, completedAt: expect.any(Date) });
  expect((await prisma().round.findUniqueOrThrow({ where: { id: roundId } })).status).toBe('CANCELLED');
});

test('crash after the decision, before the answer was stored: the retry answers the same and applies nothing twice', async () => {
  const code = await claimVillage();
  const o = await officialsFor(stack, code);
  const [h1, h2] = await registeredHouseholds(stack, code);
  const newcomer = freshIdNumber(7001);
  const temporal: TemporalClient = stack.env.client;

  /** Sends with a key, forgets the answer as a crash would, retries: same answer, and returns it. */
  async function crashAndRetry(client: Client, officialId: string, path: string, body: object): Promise<Reply> {
    const key = newKey('crash');
    const first = await client.post(path, body, withKey(key));
    expect(first.status).toBeLessThan(300);
    await forgetAnswer(officialId, key);
    const retried = await client.post(path, body, withKey(key));
    expect({ path, status: retried.status, body: retried.body }).toEqual({
      path,
      status: first.status,
      body: first.body,
    });
    expect(retried.headers.get('idempotent-replayed')).toBeNull();
    expect(await record(officialId, key)).toMatchObject({
      responseStatus: first.status,
      completedAt: expect.any(Date),
    });
    return first;
  }

  const started = await crashAndRetry(o.township.client, o.township.id, '/rounds', {
    villageCode: code,
    policy: longPublicity,
  });
  const roundId: string = started.body.roundId;
  expect(roundId).toBe(`round-${code}-1`);
  expect(await prisma().round.count({ where: { villageCode: code } })).toBe(1);
  await expect(temporal.workflow.getHandle(`round-${code}-2`).describe()).rejects.toThrow();

  const assessed = await crashAndRetry(o.village.client, o.village.id, `/rounds/${roundId}/assessment`, {
    meeting,
    proposals: [
      {
        action: 'EXIT',
        householdId: h1!.id,
        exitReason: 'REACHED_STANDARD',
        householdConsent: { signedOn: '2026-11-18' },
        votesFor: 22,
        votesAgainst: 2,
      },
      {
        action: 'ENTER',
        entryReason: 'NEW_IDENTIFIED',
        household: { headName: '新户', idNumber: newcomer, size: 3 },
        category: 'TARGETED',
        cause: 'ILLNESS',
        votesFor: 25,
        votesAgainst: 1,
      },
    ],
  });
  expect(await prisma().proposal.count({ where: { roundId } })).toBe(2);
  expect(await prisma().notice.count({ where: { roundId } })).toBe(1);
  expect(await prisma().decision.count({ where: { roundId, kind: 'ASSESSMENT_SUBMITTED' } })).toBe(1);

  const filed = await crashAndRetry(o.village.client, o.village.id, `/rounds/${roundId}/objections`, {
    proposalId: assessed.body.proposals[0].id,
    objector: { name: '王村民', contact: '13900002222' },
    reason: '崩溃重试测试',
  });
  expect(await prisma().objection.findMany({ where: { roundId }, select: { id: true } })).toEqual([
    { id: filed.body.objectionId },
  ]);

  await crashAndRetry(
    o.township.client,
    o.township.id,
    `/rounds/${roundId}/objections/${filed.body.objectionId}/resolution`,
    {
      decision: 'DISMISSED',
      note: '异议不成立',
    },
  );
  expect(await prisma().decision.count({ where: { roundId, kind: 'OBJECTION_RESOLVED' } })).toBe(1);
  const seqs = (await prisma().decision.findMany({ where: { roundId }, orderBy: { seq: 'asc' } })).map((d) => d.seq);
  expect(seqs).toEqual([1, 2, 3, 4]);

  // The county cancels the round: the workflow has completed by the time of the retry, which still gets 200.
  const cancelled = await crashAndRetry(o.county.client, o.county.id, `/rounds/${roundId}/cancel`, {
    reason: '崩溃后重试取消',
  });
  expect(cancelled.body).toMatchObject({ roundId });
  expect(await prisma().decision.count({ where: { roundId, kind: 'ROUND_CANCELLED' } })).toBe(1);

  // A second round of the village, to the end: township review and county announcement, each retried.
  const second = await startRound(o.township.client, code, fast);
  await assess(o.village.client, second, h2!.id);
  await waitForStage(o.township.client, second, 'TOWNSHIP_REVIEW');
  await crashAndRetry(o.township.client, o.township.id, `/rounds/${second}/township-review`, {
    decision: 'APPROVE',
    note: '同意',
    verification: await visitsFor(o.township.client, second),
  });
  expect(await prisma().decision.count({ where: { roundId: second, kind: 'TOWNSHIP_REVIEW' } })).toBe(1);
  expect(await prisma().notice.count({ where: { roundId: second } })).toBe(2);
  await waitForStage(o.county.client, second, 'COUNTY_ANNOUNCEMENT');
  const changesBefore = await prisma().registryChange.count();
  const announced = await crashAndRetry(o.county.client, o.county.id, `/rounds/${second}/county-announcement`, {
    decision: 'ANNOUNCE',
    note: '同意公告',
  });
  expect(announced.body).toMatchObject({ stage: 'COMPLETED', noticeVersion: 3 });
  expect(await prisma().registryChange.count()).toBe(changesBefore + 1);
  expect(await prisma().decision.count({ where: { roundId: second, kind: 'COUNTY_ANNOUNCEMENT' } })).toBe(1);
});

test('the Temporal ids derive from (official, key, request): an update already applied is answered, not repeated', async () => {
  // What the API does on a retry, done by hand: the objection's update reaches the workflow twice.
  const code = await claimVillage();
  const o = await officialsFor(stack, code);
  const [h] = await registeredHouseholds(stack, code);
  const roundId = await startRound(o.township.client, code, longPublicity);
  await assess(o.village.client, roundId, h!.id);
  const key = newKey('derived');
  const path = `/rounds/${roundId}/objections`;
  const body = { objector: { name: '赵村民' }, reason: '派生标识测试' };
  const first = await o.village.client.post(path, body, withKey(key));
  expect(first.status).toBe(201);
  const hash = requestHash('POST', `/api/v1${path}`, body);
  expect(first.body.objectionId).toBe(derivedUuid(o.village.id, key, hash, 'objection'));
  expect(derivedUuid(o.village.id, key, hash, 'objection')).not.toBe(
    derivedUuid(o.township.id, key, hash, 'objection'),
  );

  const { fileObjectionUpdate } = await import('../../workflows/round-contract');
  const handle = stack.env.client.workflow.getHandle(roundId);
  const actor = { id: o.village.id, name: '村支书', role: 'VILLAGE' as const, scopeCode: code };
  const replayed = await handle.executeUpdate(fileObjectionUpdate, {
    args: [{ actor, objectionId: first.body.objectionId, ...body }],
    updateId: derivedUuid(o.village.id, key, hash, 'update'),
  });
  expect(replayed).toMatchObject({ objectionId: first.body.objectionId, roundId });
  expect(await prisma().objection.count({ where: { roundId } })).toBe(1);
});

test('without a key, a repeated decision on a finished stage is refused with 409 and recorded once', async () => {
  const code = await claimVillage();
  const o = await officialsFor(stack, code);
  const [h] = await registeredHouseholds(stack, code);
  const roundId = await startRound(o.township.client, code, fast);
  await assess(o.village.client, roundId, h!.id);
  const again = await o.village.client.post(`/rounds/${roundId}/assessment`, {
    meeting,
    proposals: [
      {
        action: 'EXIT',
        householdId: h!.id,
        exitReason: 'REACHED_STANDARD',
        householdConsent: { signedOn: '2026-11-18' },
        votesFor: 22,
        votesAgainst: 2,
      },
    ],
  });
  expectProblem(again, 409);
  await waitForStage(o.township.client, roundId, 'TOWNSHIP_REVIEW');
  const review = { decision: 'APPROVE', note: '同意', verification: await visitsFor(o.township.client, roundId) };
  expect((await o.township.client.post(`/rounds/${roundId}/township-review`, review)).status).toBe(200);
  const twice = await o.township.client.post(`/rounds/${roundId}/township-review`, review);
  expectProblem(twice, 409, /SECOND_PUBLICITY/, 'WRONG_STAGE');
  // A new key is a new request: it does not get around the rules either.
  const newKeyed = await o.township.client.post(`/rounds/${roundId}/township-review`, review, withKey(newKey()));
  expectProblem(newKeyed, 409, /SECOND_PUBLICITY/);
  expect(await prisma().decision.count({ where: { roundId, kind: 'ASSESSMENT_SUBMITTED' } })).toBe(1);
  expect(await prisma().decision.count({ where: { roundId, kind: 'TOWNSHIP_REVIEW' } })).toBe(1);
  expect(await prisma().proposal.count({ where: { roundId } })).toBe(1);
});

test('a 5xx answer is not stored: the key is free again and the retry is applied', async () => {
  const code = await claimVillage();
  const township = await official(stack, 'TOWNSHIP', code.slice(0, 9), '乡镇干部');
  // An API whose Temporal client fails on start: the request ends in 500.
  const failing = new Proxy(stack.env.client, {
    get(target, prop, receiver) {
      if (prop !== 'workflow') return Reflect.get(target, prop, receiver);
      return new Proxy(target.workflow, {
        get(wf, p, r) {
          if (p === 'start') return () => Promise.reject(new Error('temporal is down'));
          return Reflect.get(wf, p, r);
        },
      });
    },
  });
  const broken = await startExtraApi(stack, { client: failing });
  try {
    const key = newKey('5xx');
    const body = { villageCode: code, policy: fast };
    const r = await api(broken.baseUrl, township.token).post('/rounds', body, withKey(key));
    expectProblem(r, 500);
    expect(r.text).not.toContain('temporal is down');
    expect(await record(township.id, key)).toBeNull();
    const retried = await township.client.post('/rounds', body, withKey(key));
    expect(retried.status).toBe(201);
    expect(await record(township.id, key)).toMatchObject({ responseStatus: 201 });
  } finally {
    await broken.close();
  }
});
