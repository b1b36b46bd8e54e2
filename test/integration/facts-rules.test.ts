// Proposals checked against the households' facts (rules of version 3), through the real HTTP API on a real stack
// whose API captures the rules: each refusal of an unsupported EXIT (REACHED_STANDARD) or ENTER is a 400 naming the
// failing fact with nothing written; the round's validator refuses the same without the API's evidence; an ENTER by
// override is recorded and listed by the supervision sweep (ENTRY_WITHOUT_EVIDENCE, escalated to the county); a round
// with a supported EXIT, a new household entering with its facts and an override completes and writes the facts.
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { RoundInput } from '../../domain/round';
import { setPovertyLine } from '../../infra/facts';
import { startInputOf } from '../../kit/temporal';
import {
  announceWithSpotChecks,
  ENTRY_FACTS,
  EXIT_FACTS,
  expectProblem,
  freshIdNumber,
  meeting,
  officialsFor,
  recordFacts,
  rowCounts,
  villageClaimer,
  visitsFor,
  waitForStage,
  type Officials,
} from '../../kit/rounds';
import { startStack, type Stack } from '../../kit/stack';
import { RoundError, submitAssessmentUpdate } from '../../workflows/round-contract';
import { actorOf } from '../../api/routes/rounds';

let stack: Stack;
let claim: ReturnType<typeof villageClaimer>;

beforeAll(async () => {
  stack = await startStack({ rules: { minPublicityPeriod: '1s', countySampleShare: 0.1 } });
  claim = villageClaimer(stack);
});
afterAll(async () => {
  await stack?.stop();
});

const prisma = () => stack.db.prisma;
const CONSENT = { signedOn: '2026-11-18' };
const vote = { votesFor: 25, votesAgainst: 1 };

async function openRound(policy: object = { publicityPeriod: '1 hour', stageDeadline: '1 hour' }) {
  const villageCode = await claim();
  const o = await officialsFor(stack, villageCode);
  const started = await o.township.client.post('/rounds', { villageCode, policy });
  expect(started.status).toBe(201);
  return { villageCode, o, roundId: started.body.roundId as string };
}

async function households(villageCode: string, status: 'REGISTERED' | 'EXITED' | 'NOT_REGISTERED') {
  return prisma().household.findMany({ where: { villageCode, status }, orderBy: { registryNo: 'asc' } });
}

const exitOf = (householdId: string) => ({
  action: 'EXIT',
  householdId,
  exitReason: 'REACHED_STANDARD',
  householdConsent: CONSENT,
  ...vote,
});
const enterOf = (target: object, extra: object = {}) => ({
  action: 'ENTER',
  ...target,
  category: 'TARGETED',
  cause: 'ILLNESS',
  entryReason: 'RETURNED_TO_POVERTY',
  ...vote,
  ...extra,
});
const newHousehold = (n: number) => ({ headName: '新户主', idNumber: freshIdNumber(n), size: 2 });

/** A 400 naming each of `paths`, with nothing written anywhere. */
async function expectRefused(o: Officials, roundId: string, proposals: object[], paths: string[]) {
  const before = await rowCounts(stack);
  const r = await o.village.client.post(`/rounds/${roundId}/assessment`, { meeting, proposals });
  expectProblem(r, 400, /facts do not support/, 'VALIDATION_FAILED');
  expect(r.body.errors.map((e: { path: string }) => e.path)).toEqual(paths);
  expect(await rowCounts(stack)).toEqual(before);
  return r;
}

describe('an EXIT as REACHED_STANDARD', () => {
  it('is refused when the last year is not above its line, naming the year and the figures', async () => {
    const { villageCode, o, roundId } = await openRound();
    // A registered household of the seed whose 2020 income is below the line (most poor households are).
    const poor = await prisma().householdIncome.findFirstOrThrow({
      where: { year: 2020, perCapita: { lt: 4000 }, household: { villageCode, status: 'REGISTERED' } },
    });
    const r = await expectRefused(
      o,
      roundId,
      [exitOf(poor.householdId)],
      expect.arrayContaining(['proposals.0.facts.incomes.2020']) as unknown as string[],
    );
    expect(r.body.errors.find((e: { path: string }) => e.path === 'proposals.0.facts.incomes.2020').message).toBe(
      `per-capita income ${poor.perCapita} 元 is not above the 2020 line of 4000 元`,
    );
  });

  it('is refused when an indicator is unmet although income is above the line', async () => {
    const { villageCode, o, roundId } = await openRound();
    const [h] = await households(villageCode, 'REGISTERED');
    await recordFacts(o.village.client, h!.id, {
      ...EXIT_FACTS,
      indicators: { ...EXIT_FACTS.indicators, housing: false, drinkingWater: false },
    });
    await expectRefused(
      o,
      roundId,
      [exitOf(h!.id)],
      ['proposals.0.facts.indicators.housing', 'proposals.0.facts.indicators.drinkingWater'],
    );
  });

  it('cannot be told for a year without a poverty line until the county enters it; then it passes', async () => {
    const { villageCode, o, roundId } = await openRound();
    const [h] = await households(villageCode, 'REGISTERED');
    await recordFacts(o.village.client, h!.id, {
      ...EXIT_FACTS,
      incomes: [...EXIT_FACTS.incomes, { year: 2023, perCapita: 6000 }],
    });
    const r = await expectRefused(o, roundId, [exitOf(h!.id)], ['proposals.0.facts.incomes.2023']);
    expect(r.body.detail).toMatch(/no poverty line for 2023: cannot tell/);
    await setPovertyLine(prisma(), { year: 2023, perCapita: 4500, source: '甘肃省扶贫办公布' });
    const accepted = await o.village.client.post(`/rounds/${roundId}/assessment`, {
      meeting,
      proposals: [exitOf(h!.id)],
    });
    expect(accepted.status).toBe(200);
    // What the API checked travels with the proposal, and is kept with it.
    const stored = await prisma().proposal.findUniqueOrThrow({ where: { id: accepted.body.proposals[0].id } });
    expect(stored.evidence).toMatchObject({
      incomes: [
        { year: 2019, perCapita: 4200, line: 3218 },
        { year: 2020, perCapita: 5100, line: 4000 },
        { year: 2023, perCapita: 6000, line: 4500 },
      ],
      indicators: EXIT_FACTS.indicators,
    });
  });

  it('is refused by the round itself when sent without the evidence (behind the API)', async () => {
    const { villageCode, o, roundId } = await openRound();
    const [h] = await households(villageCode, 'REGISTERED');
    await recordFacts(o.village.client, h!.id);
    const input = await startInputOf<RoundInput>(stack.env.client, roundId);
    expect(input.rules).toMatchObject({ version: 3 });
    const village = await prisma().official.findUniqueOrThrow({ where: { id: o.village.id } });
    const before = await rowCounts(stack);
    const refused = await stack.env.client.workflow
      .getHandle(roundId)
      .executeUpdate(submitAssessmentUpdate, {
        args: [
          {
            actor: actorOf(village),
            meeting,
            proposals: [{ id: '00000000-0000-4000-8000-000000000001', ...exitOf(h!.id) } as never],
          },
        ],
      })
      .catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(WorkflowUpdateFailedError);
    expect((refused as WorkflowUpdateFailedError).cause).toMatchObject({
      type: RoundError.INVALID,
      message: expect.stringMatching(/not supported by the household's facts: evidence/),
    });
    expect(await rowCounts(stack)).toEqual(before);
  });
});

describe('an ENTER', () => {
  it('of a household whose facts show no need is refused without an override, naming income and indicators', async () => {
    const { villageCode, o, roundId } = await openRound();
    const [h] = await households(villageCode, 'EXITED');
    await recordFacts(o.village.client, h!.id); // stably above, all met
    await expectRefused(
      o,
      roundId,
      [enterOf({ householdId: h!.id })],
      ['proposals.0.facts.incomes.2020', 'proposals.0.facts.indicators'],
    );
  });

  it('of a new household is refused without facts, and accepted with facts that show the need', async () => {
    const { o, roundId } = await openRound();
    await expectRefused(
      o,
      roundId,
      [enterOf({ household: newHousehold(1) })],
      ['proposals.0.facts.incomes', 'proposals.0.facts.indicators'],
    );
    // Facts above the line are no evidence either.
    await expectRefused(
      o,
      roundId,
      [enterOf({ household: newHousehold(1), facts: EXIT_FACTS })],
      ['proposals.0.facts.incomes.2020', 'proposals.0.facts.indicators'],
    );
    const accepted = await o.village.client.post(`/rounds/${roundId}/assessment`, {
      meeting,
      proposals: [enterOf({ household: newHousehold(1), facts: ENTRY_FACTS })],
    });
    expect(accepted.status).toBe(200);
  });

  it('refuses facts on an existing household and an override on an EXIT (400 naming the field)', async () => {
    const { villageCode, o, roundId } = await openRound();
    const [h] = await households(villageCode, 'NOT_REGISTERED');
    const [r] = await households(villageCode, 'REGISTERED');
    const before = await rowCounts(stack);
    const facts = await o.village.client.post(`/rounds/${roundId}/assessment`, {
      meeting,
      proposals: [enterOf({ householdId: h!.id, facts: ENTRY_FACTS })],
    });
    expectProblem(facts, 400, /PUT \/households\/\{id\}\/facts/);
    expect(facts.body.errors.map((e: { path: string }) => e.path)).toEqual(['proposals.0.facts']);
    const override = await o.village.client.post(`/rounds/${roundId}/assessment`, {
      meeting,
      proposals: [{ ...exitOf(r!.id), override: { reason: '特殊情况' } }],
    });
    expect(override.body.errors.map((e: { path: string }) => e.path)).toEqual(['proposals.0.override']);
    // A new household's members must match it: as many as its size, the head carrying its ID number.
    const head = { name: '户主', relation: 'HEAD', birthYear: 1970, sex: 'MALE', health: 'HEALTHY' };
    const mismatch = await o.village.client.post(`/rounds/${roundId}/assessment`, {
      meeting,
      proposals: [
        enterOf({
          household: newHousehold(4),
          facts: { ...ENTRY_FACTS, members: [{ ...head, schooling: 'PRIMARY', labour: 'FULL' }] },
        }),
      ],
    });
    expectProblem(mismatch, 400, /household\.size is 2.*the head/);
    expect(mismatch.body.errors.map((e: { path: string }) => e.path)).toEqual([
      'proposals.0.facts',
      'proposals.0.facts',
    ]);
    expect(await rowCounts(stack)).toEqual(before);
  });
});

describe('a missed household added by an upheld objection', () => {
  it('needs facts that show the need too (400 naming add.facts…), and is added with them', async () => {
    const { villageCode, o, roundId } = await openRound();
    const [h] = await households(villageCode, 'REGISTERED');
    const assessed = await o.village.client.post(`/rounds/${roundId}/assessment`, {
      meeting,
      proposals: [{ action: 'EXIT', householdId: h!.id, exitReason: 'WRONGLY_INCLUDED', ...vote }],
    });
    expect(assessed.status).toBe(200);
    await waitForStage(o.township.client, roundId, 'FIRST_PUBLICITY');
    const objection = await o.village.client.post(`/rounds/${roundId}/objections`, {
      objector: { name: '村民乙' },
      reason: '邻户因病致贫未列入',
    });
    expect(objection.status).toBe(201);
    const resolve = (add: object) =>
      o.township.client.post(`/rounds/${roundId}/objections/${objection.body.objectionId}/resolution`, {
        decision: 'UPHELD',
        note: '核实属实，补充纳入',
        add: { household: newHousehold(3), category: 'TARGETED', cause: 'ILLNESS', ...add },
      });
    const before = await rowCounts(stack);
    const refused = await resolve({});
    expectProblem(refused, 400, /facts do not support/, 'VALIDATION_FAILED');
    expect(refused.body.errors.map((e: { path: string }) => e.path)).toEqual([
      'add.facts.incomes',
      'add.facts.indicators',
    ]);
    expect(await rowCounts(stack)).toEqual(before);
    const added = await resolve({ facts: ENTRY_FACTS });
    expect(added.status).toBe(200);
    const proposal = await prisma().proposal.findFirstOrThrow({
      where: { roundId, addedByObjectionId: { not: null } },
    });
    expect(proposal.evidence).toMatchObject({ incomes: [{ year: 2019 }, { year: 2020, perCapita: 3100, line: 4000 }] });
  });
});

describe('a round under the rules of version 3', () => {
  it('completes with a supported EXIT, a new household with its facts and an override, which the sweep lists', async () => {
    const { villageCode, o, roundId } = await openRound({ publicityPeriod: '1s', stageDeadline: '1 hour' });
    const [ready] = await households(villageCode, 'REGISTERED');
    await recordFacts(o.village.client, ready!.id);
    const [above] = await households(villageCode, 'EXITED');
    await recordFacts(o.village.client, above!.id);
    const fresh = newHousehold(2);
    const members = [
      {
        name: fresh.headName,
        relation: 'HEAD',
        idNumber: fresh.idNumber,
        birthYear: Number(fresh.idNumber.slice(6, 10)),
        sex: Number(fresh.idNumber[16]) % 2 === 1 ? 'MALE' : 'FEMALE',
        health: 'SERIOUS_ILLNESS',
        schooling: 'PRIMARY',
        labour: 'NONE',
      },
      {
        name: '新成员',
        relation: 'CHILD',
        birthYear: 2012,
        sex: 'FEMALE',
        health: 'HEALTHY',
        schooling: 'PRIMARY',
        labour: 'NONE',
      },
    ];
    const assessed = await o.village.client.post(`/rounds/${roundId}/assessment`, {
      meeting,
      proposals: [
        exitOf(ready!.id),
        enterOf({ household: fresh, facts: { ...ENTRY_FACTS, members } }),
        enterOf({ householdId: above!.id }, { override: { reason: '户主突发重病，收入数据尚未更新' } }),
      ],
    });
    expect(assessed.status).toBe(200);
    await waitForStage(o.township.client, roundId, 'TOWNSHIP_REVIEW');
    const review = await o.township.client.post(`/rounds/${roundId}/township-review`, {
      decision: 'APPROVE',
      note: '入户核查属实',
      verification: await visitsFor(o.township.client, roundId),
    });
    expect(review.status).toBe(200);
    const atCounty = await waitForStage(o.county.client, roundId, 'COUNTY_ANNOUNCEMENT');
    const announced = await o.county.client.post(
      `/rounds/${roundId}/county-announcement`,
      announceWithSpotChecks(atCounty),
    );
    expect(announced.status).toBe(200);
    await waitForStage(o.county.client, roundId, 'COMPLETED');

    expect((await prisma().household.findUniqueOrThrow({ where: { id: ready!.id } })).status).toBe('EXITED');
    const created = await prisma().household.findUniqueOrThrow({ where: { idNumber: fresh.idNumber } });
    expect(created.status).toBe('REGISTERED');
    // The new household's facts are in the registry, recorded as the round's doing.
    const detail = (await o.village.client.get(`/households/${created.id}`)).body;
    expect(detail.facts.members.map((m: { name: string }) => m.name)).toEqual([fresh.headName, '新成员']);
    expect(detail.facts.incomes).toEqual([
      { year: 2019, perCapita: 3500, line: 3218, aboveLine: true },
      { year: 2020, perCapita: 3100, line: 4000, aboveLine: false },
    ]);
    expect(detail.facts.indicators).toEqual(ENTRY_FACTS.indicators);
    expect(detail.facts.history).toHaveLength(1);
    expect(detail.facts.history[0]).toMatchObject({ source: 'ROUND' });
    expect(JSON.stringify(detail.facts.history)).not.toContain(fresh.idNumber);
    // The override is kept with the proposal.
    const overridden = await prisma().proposal.findFirstOrThrow({ where: { roundId, householdId: above!.id } });
    expect(overridden).toMatchObject({ status: 'APPLIED', overrideReason: '户主突发重病，收入数据尚未更新' });

    // The sweep lists the entry by override for the county; the two supported changes are no finding.
    const sweep = await o.county.client.post('/supervision/sweeps', {});
    expect(sweep.status).toBe(202);
    await stack.env.client.workflow.getHandle(sweep.body.sweepId).result();
    const findings = await o.county.client.get(
      `/supervision/findings?kind=ENTRY_WITHOUT_EVIDENCE&township=${villageCode.slice(0, 9)}`,
    );
    expect(findings.status).toBe(200);
    expect(findings.body.items).toEqual([
      expect.objectContaining({
        kind: 'ENTRY_WITHOUT_EVIDENCE',
        villageCode,
        roundId,
        householdId: above!.id,
        escalatedTo: expect.objectContaining({ role: 'COUNTY' }),
      }),
    ]);
    const tasks = await o.county.client.get('/tasks?limit=1000');
    expect(JSON.stringify(tasks.body)).toContain('ENTRY_WITHOUT_EVIDENCE');

    // Once the village records facts that show the need, the next sweep closes the finding.
    await recordFacts(o.village.client, above!.id, ENTRY_FACTS);
    const again = await o.county.client.post('/supervision/sweeps', {});
    const summary = await stack.env.client.workflow.getHandle(again.body.sweepId).result();
    expect(summary.byKind.ENTRY_WITHOUT_EVIDENCE.closed).toBe(1);
  });
});
