// Races through the real HTTP API on a real stack: many officials pressing the same button at once must
// leave exactly one effect, and every loser gets a 409 problem, never a 500.
import { WorkflowNotFoundError } from '@temporalio/client';
import { VILLAGE_KEY } from '../../workflows/search-attributes';
import type { Reply } from '../../kit/http';
import {
  expectProblem,
  fast,
  longPublicity,
  meeting,
  official,
  officialsFor,
  registeredHouseholds,
  villageClaimer,
  waitForStage,
  visitsFor,
} from '../../kit/rounds';
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

const prisma = () => stack.db.prisma;
const statuses = (replies: Reply[]) =>
  replies.reduce<Record<number, number>>((acc, r) => ({ ...acc, [r.status]: (acc[r.status] ?? 0) + 1 }), {});

async function workflowsOfVillage(code: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const w of stack.env.client.workflow.list({ query: `${VILLAGE_KEY.name} = "${code}"` })) {
    ids.push(w.workflowId);
  }
  return ids;
}

test.each([1, 2, 3])(
  '50 concurrent POST /rounds for one village (village %i): one 201, 49 × 409, one Round row, one workflow',
  async () => {
    const code = await claimVillage();
    const { township } = await officialsFor(stack, code);

    const replies = await Promise.all(
      Array.from({ length: 50 }, () => township.client.post('/rounds', { villageCode: code, policy: fast })),
    );

    expect(statuses(replies)).toEqual({ 201: 1, 409: 49 });
    const winner = replies.find((r) => r.status === 201)!;
    const roundId = `round-${code}-1`;
    expect(winner.body).toMatchObject({ roundId, stage: 'VILLAGE_ASSESSMENT' });
    for (const r of replies.filter((x) => x.status === 409)) {
      expectProblem(r, 409, /already/, 'ALREADY_EXISTS');
      expect(r.body.roundId).toBe(roundId);
    }

    expect(await prisma().round.findMany({ where: { villageCode: code }, select: { id: true } })).toEqual([
      { id: roundId },
    ]);
    expect(await prisma().decision.count({ where: { roundId } })).toBe(1);
    // No other round number was ever started for the village, not even one that failed at once (under
    // REJECT_DUPLICATE a failed round-…-2 would block the village's next round for good).
    await expect(stack.env.client.workflow.getHandle(`round-${code}-2`).describe()).rejects.toBeInstanceOf(
      WorkflowNotFoundError,
    );
    expect((await stack.env.client.workflow.getHandle(roundId).describe()).status.name).toBe('RUNNING');
    expect(await workflowsOfVillage(code)).toEqual([roundId]);
  },
);

test('two township officials post township-review at the same moment: one 200, one 409, one decision recorded', async () => {
  const code = await claimVillage();
  const o = await officialsFor(stack, code);
  const colleague = await official(stack, 'TOWNSHIP', code.slice(0, 9), '乡镇干部乙');
  const [h] = await registeredHouseholds(stack, code);

  const started = await o.township.client.post('/rounds', { villageCode: code, policy: fast });
  expect(started.status).toBe(201);
  const roundId: string = started.body.roundId;
  const assessed = await o.village.client.post(`/rounds/${roundId}/assessment`, {
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
  expect(assessed.status).toBe(200);
  await waitForStage(o.township.client, roundId, 'TOWNSHIP_REVIEW');

  const [a, b] = await Promise.all([
    o.township.client.post(`/rounds/${roundId}/township-review`, {
      decision: 'APPROVE',
      note: '同意（甲）',
      verification: await visitsFor(o.township.client, roundId),
    }),
    colleague.client.post(`/rounds/${roundId}/township-review`, { decision: 'RETURN', note: '退回（乙）' }),
  ]);

  expect([a.status, b.status].sort()).toEqual([200, 409]);
  const [won, lost] = a.status === 200 ? [a, b] : [b, a];
  expectProblem(lost, 409);
  // Refused either while the winner was being recorded or because the stage had moved on.
  expect(['DecisionInProgress', 'WrongStage']).toContain(lost.body.reason);
  const reviews = await prisma().decision.findMany({ where: { roundId, kind: 'TOWNSHIP_REVIEW' } });
  expect(reviews).toHaveLength(1);
  const winnerNote = won === a ? '同意（甲）' : '退回（乙）';
  expect(reviews[0]!.note).toBe(winnerNote);
  const round = await prisma().round.findUniqueOrThrow({ where: { id: roundId } });
  expect(round.stage).toBe(won === a ? 'SECOND_PUBLICITY' : 'VILLAGE_ASSESSMENT');
  expect(won.body.stage).toBe(round.stage);
});

test('20 objections filed concurrently during a publicity: 20 × 201, 20 rows, 20 OBJECTION_FILED decisions', async () => {
  const code = await claimVillage();
  const o = await officialsFor(stack, code);
  const [h1, h2] = await registeredHouseholds(stack, code);
  const started = await o.township.client.post('/rounds', { villageCode: code, policy: longPublicity });
  expect(started.status).toBe(201);
  const roundId: string = started.body.roundId;
  const assessed = await o.village.client.post(`/rounds/${roundId}/assessment`, {
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
      { action: 'EXIT', householdId: h2!.id, exitReason: 'WRONGLY_INCLUDED', votesFor: 21, votesAgainst: 3 },
    ],
  });
  expect(assessed.status).toBe(200);
  const proposalIds: string[] = assessed.body.proposals.map((p: { id: string }) => p.id);
  const filers = [o.village.client, o.township.client, o.county.client];

  const replies = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      filers[i % 3]!.post(`/rounds/${roundId}/objections`, {
        ...(i % 2 === 0 ? { proposalId: proposalIds[i % proposalIds.length] } : {}),
        objector: { name: `村民${i + 1}` },
        reason: `第${i + 1}条异议`,
      }),
    ),
  );

  expect(statuses(replies)).toEqual({ 201: 20 });
  const ids = replies.map((r) => r.body.objectionId as string);
  expect(new Set(ids).size).toBe(20);
  const rows = await prisma().objection.findMany({ where: { roundId } });
  expect(rows.map((r) => r.id).sort()).toEqual([...ids].sort());
  expect(new Set(rows.map((r) => r.reason)).size).toBe(20);
  const filed = await prisma().decision.findMany({
    where: { roundId, kind: 'OBJECTION_FILED' },
    orderBy: { seq: 'asc' },
  });
  expect(filed).toHaveLength(20);
  expect(filed.map((d) => (d.payload as { objectionId: string }).objectionId).sort()).toEqual([...ids].sort());
  // The trail has no gaps or duplicates: ROUND_STARTED 1, ASSESSMENT_SUBMITTED 2, then the objections 3..22.
  const seqs = (await prisma().decision.findMany({ where: { roundId }, orderBy: { seq: 'asc' } })).map((d) => d.seq);
  expect(seqs).toEqual(Array.from({ length: 22 }, (_, i) => i + 1));
  const round = await prisma().round.findUniqueOrThrow({ where: { id: roundId } });
  expect(round).toMatchObject({ stage: 'FIRST_PUBLICITY', status: 'OPEN' });
});
