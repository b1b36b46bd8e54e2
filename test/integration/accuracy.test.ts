// The three figures the county is examined on — 错退率, 漏评率, 群众认可度 — on real parts (Temporal dev server,
// PostgreSQL, HTTP): a round's county spot checks, verification samples drawn and found through the API, surveys,
// the township scorecard and the county's pooled figures against numbers worked out by hand below; the refusals;
// and a household found MISSED_POOR becoming a candidate its village sees and proposes in its next round.
import { maskIdNumber } from '../../domain/idNumber';
import { chinaYear, chinaYearBounds } from '../../domain/supervision';
import { eventually } from '../../kit/http';
import { startStack, type Stack } from '../../kit/stack';
import {
  ENTRY_FACTS,
  expectProblem,
  meeting,
  official,
  officialsFor,
  recordFacts,
  registeredHouseholds,
  villageClaimer,
  visitsFor,
  waitForStage,
  type Official,
} from '../../kit/rounds';

let stack: Stack;
let claim: ReturnType<typeof villageClaimer>;
let county: Official;
let townshipA: Official;
let townshipB: Official;
/** The first village of township A. */
let villageA: string;

/** Township A has a round's spot checks, an EXITED and a NOT_REGISTERED sample and two surveys; B one sample, one survey. */
const A = '620522102';
const B = '620522103';
/** The year the round's spot checks, the samples and the surveys belong to (the round's exits happen now). */
const YEAR = chinaYear(Date.now());

beforeAll(async () => {
  // countySampleShare 1: the county spot-checks every proposal of the round, so the hand count below is fixed.
  stack = await startStack({ rules: { minPublicityPeriod: '1s', countySampleShare: 1 } });
  claim = villageClaimer(stack);
  county = await official(stack, 'COUNTY', '620522', '县扶贫办');
  townshipA = await official(stack, 'TOWNSHIP', A, '乡镇干部甲');
  townshipB = await official(stack, 'TOWNSHIP', B, '乡镇干部乙');
  villageA = (await stack.db.prisma.village.findFirstOrThrow({ where: { townshipCode: A }, orderBy: { code: 'asc' } }))
    .code;
});
afterAll(async () => {
  await stack?.stop();
});

const prisma = () => stack.db.prisma;

/** What this file writes besides rounds: none of it may change when a request is refused. */
async function counts() {
  const p = prisma();
  const [verifications, samples, found, surveys, candidates] = await Promise.all([
    p.verification.count(),
    p.verificationSample.count(),
    p.verificationSample.count({ where: { finding: { not: null } } }),
    p.survey.count(),
    p.entryCandidate.count(),
  ]);
  return { verifications, samples, found, surveys, candidates };
}

interface Sample {
  householdId: string;
  villageCode: string;
  idNumber: string;
  finding: string | null;
}

const state: {
  exited: string[];
  exitedSample?: string;
  notRegisteredA?: string;
  notRegisteredB?: string;
  missed?: Sample;
} = { exited: [] };

describe('a round’s county spot checks', () => {
  it('count each EXIT spot-checked, and one NOT_CONFIRMED as wrongly exited', async () => {
    const villageCode = await claim({
      township: A,
      where: async (code) => (await registeredHouseholds(stack, code)).length >= 6,
    });
    const o = await officialsFor(stack, villageCode);
    const started = await o.township.client.post('/rounds', {
      villageCode,
      policy: { publicityPeriod: '1s', stageDeadline: '1 hour' },
    });
    expect(started.status).toBe(201);
    const roundId = started.body.roundId as string;
    const households = (await registeredHouseholds(stack, villageCode)).slice(0, 6);
    const assessed = await o.village.client.post(`/rounds/${roundId}/assessment`, {
      meeting,
      proposals: households.map((h) => ({
        action: 'EXIT',
        householdId: h.id,
        exitReason: 'WRONGLY_INCLUDED',
        votesFor: 25,
        votesAgainst: 1,
      })),
    });
    expect(assessed.status).toBe(200);
    await waitForStage(o.township.client, roundId, 'TOWNSHIP_REVIEW');
    const approved = await o.township.client.post(`/rounds/${roundId}/township-review`, {
      decision: 'APPROVE',
      note: '入户核查属实',
      verification: await visitsFor(o.township.client, roundId),
    });
    expect(approved.status).toBe(200);
    const atCounty = await waitForStage(o.county.client, roundId, 'COUNTY_ANNOUNCEMENT');
    const sample = atCounty.countySample as string[];
    expect(sample).toHaveLength(6);
    const [wrong, ...right] = sample;
    const visit = (proposalId: string, finding: string) => ({
      proposalId,
      visitedOn: '2026-12-01',
      visitedBy: '县抽查组',
      finding,
    });
    const announced = await o.county.client.post(`/rounds/${roundId}/county-announcement`, {
      decision: 'ANNOUNCE',
      note: '抽查一户不属实，不予退出',
      spotChecks: [visit(wrong!, 'NOT_CONFIRMED'), ...right.map((id) => visit(id, 'CONFIRMED'))],
      rejected: [{ proposalId: wrong, reason: '抽查不属实' }],
    });
    expect(announced.status).toBe(200);
    await waitForStage(o.county.client, roundId, 'COMPLETED');
    // The five confirmed exits are the households of township A that exited this year.
    const { start, end } = chinaYearBounds(YEAR);
    const exited = await prisma().household.findMany({
      where: { village: { townshipCode: A }, status: 'EXITED', exitedOn: { gte: start, lt: end } },
    });
    expect(exited).toHaveLength(5);
    state.exited = exited.map((h) => h.id);
  });
});

describe('verification samples', () => {
  it('draws the households of the township at random and records the draw; masks ID numbers for the county', async () => {
    const drawn = await county.client.post('/verifications', {
      townshipCode: A,
      year: YEAR,
      kind: 'EXITED',
      sampleSize: 5,
    });
    expect(drawn.status).toBe(201);
    expect(drawn.headers.get('location')).toBe(`/api/v1/verifications/${drawn.body.id}`);
    expect(drawn.body).toMatchObject({
      townshipCode: A,
      year: YEAR,
      kind: 'EXITED',
      sampleSize: 5,
      population: 5,
      drawnBy: { id: county.id, name: '县扶贫办' },
      found: {},
    });
    const samples = drawn.body.samples as Sample[];
    expect(samples.map((s) => s.householdId).sort()).toEqual([...state.exited].sort());
    const households = new Map(
      (await prisma().household.findMany({ where: { id: { in: state.exited } } })).map((h) => [h.id, h]),
    );
    for (const s of samples) {
      expect(s.idNumber).toBe(maskIdNumber(households.get(s.householdId)!.idNumber));
      expect(s.finding).toBeNull();
    }
    state.exitedSample = drawn.body.id;
    // The township's own official sees them in full.
    const own = await townshipA.client.get(`/verifications/${drawn.body.id}`);
    expect(own.status).toBe(200);
    for (const s of own.body.samples as Sample[]) expect(s.idNumber).toBe(households.get(s.householdId)!.idNumber);

    // NOT_REGISTERED: drawn from the households not in the registry now.
    for (const [township, key] of [
      [A, 'notRegisteredA'],
      [B, 'notRegisteredB'],
    ] as const) {
      const population = await prisma().household.count({
        where: { village: { townshipCode: township }, status: 'NOT_REGISTERED' },
      });
      expect(population).toBeGreaterThanOrEqual(10);
      const r = await county.client.post('/verifications', {
        townshipCode: township,
        year: YEAR,
        kind: 'NOT_REGISTERED',
        sampleSize: 10,
      });
      expect(r.status).toBe(201);
      expect(r.body).toMatchObject({ population, sampleSize: 10 });
      const ids = (r.body.samples as Sample[]).map((s) => s.householdId);
      expect(new Set(ids).size).toBe(10);
      const statuses = await prisma().household.findMany({ where: { id: { in: ids } }, select: { status: true } });
      expect(statuses.every((h) => h.status === 'NOT_REGISTERED')).toBe(true);
      state[key] = r.body.id;
    }
  });

  it('refuses what it must, naming the field or the index, and writes nothing', async () => {
    const before = await counts();
    const village = await official(stack, 'VILLAGE', villageA, '村支书');
    const body = { townshipCode: A, year: YEAR, kind: 'EXITED', sampleSize: 1 };
    expectProblem(await townshipA.client.post('/verifications', body), 403, /COUNTY/, 'FORBIDDEN');
    expectProblem(await village.client.post('/verifications', body), 403, undefined, 'FORBIDDEN');
    const zero = await county.client.post('/verifications', { ...body, sampleSize: 0 });
    expectProblem(zero, 400, /sampleSize/, 'VALIDATION_FAILED');
    expect(zero.body.errors.map((e: { path: string }) => e.path)).toEqual(['sampleSize']);
    // Township A has 5 households that exited this year: 6 is more than there are.
    const tooMany = await county.client.post('/verifications', { ...body, sampleSize: 6 });
    expectProblem(tooMany, 400, /sampleSize must be between 1 and .* 5 households exited/, 'VALIDATION_FAILED');
    expect(tooMany.body.errors).toEqual([{ path: 'sampleSize', message: 'must be between 1 and 5' }]);
    // A year in which nobody of township A exited: no population at all.
    expectProblem(await county.client.post('/verifications', { ...body, year: 2001 }), 400, /sampleSize/);

    const exited = `/verifications/${state.exitedSample}/findings`;
    const inSample = state.exited[0]!;
    const notInSample = (await registeredHouseholds(stack, villageA))[0]!.id;
    // Not in the sample: the index is named.
    const stranger = await townshipA.client.post(exited, [
      { householdId: inSample, finding: 'CONFIRMED' },
      { householdId: notInSample, finding: 'CONFIRMED' },
    ]);
    expectProblem(stranger, 400, /\[1\]\.householdId: not in this verification/, 'VALIDATION_FAILED');
    expect(stranger.body.errors).toEqual([{ path: '1.householdId', message: 'not in this verification’s sample' }]);
    // A finding that does not fit the sample's kind; a finding other than CONFIRMED without a note.
    const misfit = await townshipA.client.post(exited, [
      { householdId: inSample, finding: 'MISSED_POOR', note: '漏评' },
    ]);
    expectProblem(misfit, 400, /\[0\]\.finding/);
    expect(misfit.body.errors).toEqual([
      { path: '0.finding', message: 'EXITED samples record CONFIRMED or WRONGLY_EXITED' },
    ]);
    const notRegistered = `/verifications/${state.notRegisteredA}/findings`;
    const sampledA = (await county.client.get(`/verifications/${state.notRegisteredA}`)).body.samples as Sample[];
    const wrongKind = await county.client.post(notRegistered, [
      { householdId: sampledA[0]!.householdId, finding: 'WRONGLY_EXITED', note: '错退' },
    ]);
    expect(wrongKind.body.errors).toEqual([
      { path: '0.finding', message: 'NOT_REGISTERED samples record CONFIRMED or MISSED_POOR' },
    ]);
    const noNote = await townshipA.client.post(exited, [{ householdId: inSample, finding: 'WRONGLY_EXITED' }]);
    expect(noNote.body.errors).toEqual([
      { path: '0.note', message: 'a WRONGLY_EXITED finding needs a note saying why' },
    ]);
    expectProblem(await townshipA.client.post(exited, []), 400, undefined, 'VALIDATION_FAILED');
    // Who may record: not the village, not another township.
    expectProblem(await village.client.post(exited, [{ householdId: inSample, finding: 'CONFIRMED' }]), 403);
    expectProblem(
      await townshipB.client.post(exited, [{ householdId: inSample, finding: 'CONFIRMED' }]),
      403,
      undefined,
      'OUT_OF_JURISDICTION',
    );
    expectProblem(
      await townshipB.client.get(`/verifications/${state.exitedSample}`),
      403,
      undefined,
      'OUT_OF_JURISDICTION',
    );
    expectProblem(await village.client.get('/verifications'), 403, undefined, 'FORBIDDEN');

    // Surveys: satisfied within respondents, at least one respondent, the village in the caller's township.
    const survey = { villageCode: villageA, year: YEAR, respondents: 10, satisfied: 9 };
    const over = await townshipA.client.post('/surveys', { ...survey, satisfied: 11 });
    expectProblem(over, 400, /satisfied/);
    expect(over.body.errors).toEqual([{ path: 'satisfied', message: 'must not exceed respondents' }]);
    const none = await townshipA.client.post('/surveys', { ...survey, respondents: 0, satisfied: 0 });
    expect(none.body.errors.map((e: { path: string }) => e.path)).toEqual(['respondents']);
    expectProblem(await townshipB.client.post('/surveys', survey), 403, undefined, 'OUT_OF_JURISDICTION');
    expectProblem(await village.client.post('/surveys', survey), 403, undefined, 'FORBIDDEN');

    expect(await counts()).toEqual(before);
  });
});

describe('findings, surveys and the figures', () => {
  it('records findings once, and computes the three figures per township and for the county by pooling', async () => {
    // Township A, EXITED sample (5 drawn): 1 WRONGLY_EXITED, 4 CONFIRMED, recorded by the township.
    const [first, ...rest] = state.exited;
    const found = await townshipA.client.post(`/verifications/${state.exitedSample}/findings`, [
      { householdId: first, finding: 'WRONGLY_EXITED', note: '家中仍有重病患者，收入未稳定达标' },
      ...rest.map((householdId) => ({ householdId, finding: 'CONFIRMED' })),
    ]);
    expect(found.status).toBe(200);
    expect(found.body.found).toEqual({ WRONGLY_EXITED: 1, CONFIRMED: 4 });
    const firstSample = (found.body.samples as (Sample & { foundBy: { id: string } })[]).find(
      (s) => s.householdId === first,
    )!;
    expect(firstSample).toMatchObject({ finding: 'WRONGLY_EXITED', foundBy: { id: townshipA.id, name: '乡镇干部甲' } });
    // A finding is final: recording it again is refused and changes nothing.
    const before = await counts();
    const again = await county.client.post(`/verifications/${state.exitedSample}/findings`, [
      { householdId: first, finding: 'CONFIRMED' },
    ]);
    expectProblem(again, 409, /finding already recorded \(WRONGLY_EXITED\)/, 'CONFLICT');
    expect(await counts()).toEqual(before);

    // Township A, NOT_REGISTERED sample (10 drawn): 8 found CONFIRMED by the county, 2 not yet checked.
    const sampledA = (await county.client.get(`/verifications/${state.notRegisteredA}`)).body.samples as Sample[];
    const foundA = await county.client.post(
      `/verifications/${state.notRegisteredA}/findings`,
      sampledA.slice(0, 8).map((s) => ({ householdId: s.householdId, finding: 'CONFIRMED' })),
    );
    expect(foundA.status).toBe(200);
    // Township B, NOT_REGISTERED sample (10 drawn): 1 MISSED_POOR, 9 CONFIRMED, by the township.
    const sampledB = (await townshipB.client.get(`/verifications/${state.notRegisteredB}`)).body.samples as Sample[];
    const [missed, ...confirmed] = sampledB;
    const foundB = await townshipB.client.post(`/verifications/${state.notRegisteredB}/findings`, [
      { householdId: missed!.householdId, finding: 'MISSED_POOR', note: '户主重病，无劳动力，应纳未纳' },
      ...confirmed.map((s) => ({ householdId: s.householdId, finding: 'CONFIRMED' })),
    ]);
    expect(foundB.status).toBe(200);
    state.missed = missed;

    // Surveys: A 95 of 100 and 40 of 50 in two villages; B 70 of 80.
    const [a1, a2] = (
      await prisma().village.findMany({ where: { townshipCode: A }, orderBy: { code: 'asc' }, take: 2 })
    ).map((v) => v.code);
    const b1 = (await prisma().village.findFirstOrThrow({ where: { townshipCode: B }, orderBy: { code: 'asc' } })).code;
    for (const [who, villageCode, respondents, satisfied] of [
      [townshipA, a1, 100, 95],
      [townshipA, a2, 50, 40],
      [county, b1, 80, 70],
    ] as const) {
      const s = await who.client.post('/surveys', { villageCode, year: YEAR, respondents, satisfied });
      expect(s.status).toBe(201);
      expect(s.body).toMatchObject({ villageCode, year: YEAR, respondents, satisfied, recordedBy: { id: who.id } });
    }
    const listed = await townshipA.client.get(`/surveys?township=${A}&year=${YEAR}`);
    expect(listed.body.items.map((s: { villageCode: string }) => s.villageCode).sort()).toEqual([a1, a2].sort());
    const samplesListed = await county.client.get(`/verifications?township=${A}&year=${YEAR}&kind=EXITED`);
    expect(samplesListed.body.items).toEqual([
      expect.objectContaining({ id: state.exitedSample, found: { WRONGLY_EXITED: 1, CONFIRMED: 4 } }),
    ]);

    // By hand, township A:
    //   错退率 = (1 spot check NOT_CONFIRMED + 1 sample WRONGLY_EXITED) / (6 EXITs spot-checked + 5 sampled) = 2/11
    //          = 18.2 % > 2 %: fail
    //   漏评率 = 0 MISSED_POOR / 8 checked (2 drawn, not yet checked, do not count) = 0 %: pass
    //   认可度 = (95 + 40) / (100 + 50) = 135/150 = 90 %: pass (the threshold itself)
    // township B:
    //   错退率 = 0/0: no data;  漏评率 = 1/10 = 10 %: fail;  认可度 = 70/80 = 87.5 %: fail
    // the county (pooled, not averaged):
    //   错退率 = 2/11: fail;  漏评率 = (0 + 1)/(8 + 10) = 1/18 = 5.6 %: fail;
    //   认可度 = (135 + 70)/(150 + 80) = 205/230 = 89.1 %: fail (the townships' rates would average 88.75 %)
    const fig = (numerator: number, denominator: number, pass: boolean | null) => ({
      numerator,
      denominator,
      rate: denominator === 0 ? null : numerator / denominator,
      pass,
    });
    const scorecard = await county.client.get(`/assessment/townships?year=${YEAR}`);
    expect(scorecard.status).toBe(200);
    const byCode = new Map(
      (scorecard.body.items as { code: string; accuracy: unknown }[]).map((t) => [t.code, t.accuracy]),
    );
    expect(byCode.get(A)).toMatchObject({
      wronglyExited: { ...fig(2, 11, false), label: '错退率', comparison: 'AT_MOST', percent: 2 },
      missed: { ...fig(0, 8, true), label: '漏评率', comparison: 'AT_MOST', percent: 2 },
      approval: { ...fig(135, 150, true), label: '群众认可度', comparison: 'AT_LEAST', percent: 90 },
    });
    expect(byCode.get(B)).toMatchObject({
      wronglyExited: fig(0, 0, null),
      missed: fig(1, 10, false),
      approval: fig(70, 80, false),
    });
    // Any other township: nothing checked, no data.
    expect(byCode.get('620522104')).toMatchObject({
      wronglyExited: fig(0, 0, null),
      missed: fig(0, 0, null),
      approval: fig(0, 0, null),
    });
    const pooled = await county.client.get(`/assessment/county?year=${YEAR}`);
    expect(pooled.status).toBe(200);
    expect(pooled.body).toMatchObject({
      year: YEAR,
      countyCode: '620522',
      townships: 17,
      accuracy: { wronglyExited: fig(2, 11, false), missed: fig(1, 18, false), approval: fig(205, 230, false) },
    });
    // Another year has none of it.
    const earlier = await county.client.get(`/assessment/county?year=${YEAR - 1}`);
    expect(earlier.body.accuracy).toMatchObject({
      wronglyExited: fig(0, 0, null),
      missed: fig(0, 0, null),
      approval: fig(0, 0, null),
    });
    // A township official sees its own township's row only, and not the county's figures.
    const own = await townshipA.client.get(`/assessment/townships?year=${YEAR}`);
    expect(own.body.items.map((t: { code: string }) => t.code)).toEqual([A]);
    expect(own.body.items[0].accuracy).toEqual(byCode.get(A));
    expectProblem(await townshipA.client.get(`/assessment/county?year=${YEAR}`), 403, undefined, 'FORBIDDEN');
  });
});

// After the figures: these samples are of other townships, and would change the county's totals above.
describe('retries and races', () => {
  it('a draw retried with the same Idempotency-Key answers the same sample and draws once', async () => {
    const body = { townshipCode: '620522105', year: YEAR, kind: 'NOT_REGISTERED', sampleSize: 3 };
    const key = { 'idempotency-key': 'draw-620522105-once' };
    const first = await county.client.post('/verifications', body, key);
    expect(first.status).toBe(201);
    const again = await county.client.post('/verifications', body, key);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(await prisma().verification.count({ where: { townshipCode: '620522105' } })).toBe(1);
  });

  it('two officials recording the same household at once: one finding is recorded, the other refused', async () => {
    const drawn = await county.client.post('/verifications', {
      townshipCode: '620522106',
      year: YEAR,
      kind: 'NOT_REGISTERED',
      sampleSize: 1,
    });
    expect(drawn.status).toBe(201);
    const [sample] = drawn.body.samples as Sample[];
    const township = await official(stack, 'TOWNSHIP', '620522106', '乡镇干部丙');
    const path = `/verifications/${drawn.body.id}/findings`;
    const replies = await Promise.all([
      county.client.post(path, [{ householdId: sample!.householdId, finding: 'CONFIRMED' }]),
      township.client.post(path, [{ householdId: sample!.householdId, finding: 'MISSED_POOR', note: '应纳未纳' }]),
    ]);
    expect(replies.map((r) => r.status).sort()).toEqual([200, 409]);
    const row = await prisma().verificationSample.findFirstOrThrow({ where: { verificationId: drawn.body.id } });
    const winner = replies.findIndex((r) => r.status === 200);
    expect(row.finding).toBe(winner === 0 ? 'CONFIRMED' : 'MISSED_POOR');
    // A candidate exactly when the MISSED_POOR finding won.
    expect(await prisma().entryCandidate.count({ where: { sourceId: drawn.body.id } })).toBe(winner === 0 ? 0 : 1);
  });
});

describe('a household found MISSED_POOR', () => {
  it('becomes a candidate its village sees in /tasks and in its next round until proposed, and again if that round is cancelled', async () => {
    const missed = state.missed!;
    const village = await official(stack, 'VILLAGE', missed.villageCode, '村支书');
    const household = await prisma().household.findUniqueOrThrow({ where: { id: missed.householdId } });
    const candidateTasks = async () =>
      (
        (await village.client.get('/tasks')).body.items as {
          kind: string;
          roundId: string | null;
          candidate?: { householdId: string; sourceId: string };
        }[]
      ).filter((t) => t.kind === 'PROPOSE_ENTRY');
    const waiting = await candidateTasks();
    expect(waiting).toEqual([
      expect.objectContaining({
        roundId: null,
        villageCode: missed.villageCode,
        candidate: expect.objectContaining({ householdId: missed.householdId, sourceId: state.notRegisteredB }),
      }),
    ]);
    // Nobody else's task: another village of the township does not see it.
    const other = await prisma().village.findFirstOrThrow({
      where: { townshipCode: B, code: { not: missed.villageCode } },
    });
    const neighbour = await official(stack, 'VILLAGE', other.code, '邻村村支书');
    const theirs = (await neighbour.client.get('/tasks')).body.items as { kind: string }[];
    expect(theirs.filter((t) => t.kind === 'PROPOSE_ENTRY')).toEqual([]);

    // The village's next round shows it while at VILLAGE_ASSESSMENT (ID number in full for the village itself).
    const started = await townshipB.client.post('/rounds', {
      villageCode: missed.villageCode,
      policy: { publicityPeriod: '1 hour', stageDeadline: '1 hour' },
    });
    expect(started.status).toBe(201);
    const roundId = started.body.roundId as string;
    const round = await waitForStage(village.client, roundId, 'VILLAGE_ASSESSMENT');
    expect(round.candidates).toEqual([
      expect.objectContaining({
        householdId: missed.householdId,
        idNumber: household.idNumber,
        source: 'VERIFICATION',
        sourceId: state.notRegisteredB,
        note: '户主重病，无劳动力，应纳未纳',
        proposalId: null,
      }),
    ]);
    const stored = await stack.db.prisma.entryCandidate.findUniqueOrThrow({ where: { id: round.candidates[0].id } });
    expect(round.candidates[0].createdAt).toBe(stored.createdAt.toISOString());
    const masked = await county.client.get(`/rounds/${roundId}`);
    expect(masked.body.candidates[0].idNumber).toBe(maskIdNumber(household.idNumber));
    expect(await candidateTasks()).toEqual([expect.objectContaining({ roundId, stage: 'VILLAGE_ASSESSMENT' })]);
    // In the village's inbox (one statement) the candidate follows the round's own task, whose deadline it shares.
    const inbox = (await village.client.get('/tasks')).body.items as {
      kind: string;
      roundId: string | null;
      deadline: string | null;
      candidate?: { createdAt: string };
    }[];
    const ofRound = inbox.filter((t) => t.roundId === roundId);
    expect(ofRound.map((t) => t.kind)).toEqual(['DECIDE', 'PROPOSE_ENTRY']);
    expect(ofRound[1]!.deadline).toBe(ofRound[0]!.deadline);
    expect(ofRound[1]!.candidate!.createdAt).toBe(stored.createdAt.toISOString());

    // The assessment proposes its entry (the village records the facts that show the need, as rules of version 3
    // ask): the candidate is used, and the task is gone.
    await recordFacts(village.client, missed.householdId, ENTRY_FACTS);
    const assessed = await village.client.post(`/rounds/${roundId}/assessment`, {
      meeting,
      proposals: [
        {
          action: 'ENTER',
          householdId: missed.householdId,
          category: 'TARGETED',
          cause: 'ILLNESS',
          entryReason: 'MISSED',
          votesFor: 28,
          votesAgainst: 0,
        },
      ],
    });
    expect(assessed.status).toBe(200);
    const proposalId = assessed.body.proposals[0].id as string;
    const after = await village.client.get(`/rounds/${roundId}`);
    expect(after.body.candidates).toEqual([expect.objectContaining({ householdId: missed.householdId, proposalId })]);
    expect(await candidateTasks()).toEqual([]);
    const row = await prisma().entryCandidate.findFirstOrThrow({ where: { householdId: missed.householdId } });
    expect(row).toMatchObject({ roundId, proposalId, villageCode: missed.villageCode });

    // The round is cancelled before the household entered: the candidate waits again for the next round.
    const cancelled = await county.client.post(`/rounds/${roundId}/cancel`, { reason: '重新部署动态调整' });
    expect(cancelled.status).toBe(200);
    await eventually(
      async () => (await prisma().round.findUniqueOrThrow({ where: { id: roundId } })).status === 'CANCELLED',
      30_000,
      'the round to be cancelled',
    );
    expect(await candidateTasks()).toEqual([expect.objectContaining({ roundId: null })]);
    const next = await townshipB.client.post('/rounds', {
      villageCode: missed.villageCode,
      policy: { publicityPeriod: '1 hour', stageDeadline: '1 hour' },
    });
    expect(next.status).toBe(201);
    const nextRound = await waitForStage(village.client, next.body.roundId, 'VILLAGE_ASSESSMENT');
    expect(nextRound.candidates).toEqual([
      expect.objectContaining({ householdId: missed.householdId, proposalId: null }),
    ]);
  });
});
