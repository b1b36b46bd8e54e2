// Helpers shared by the integration tests that drive rounds through the HTTP API: villages handed out once,
// officials for a village, fresh ID numbers, waiting for a stage and checking problem responses.
import { makeIdNumber } from '../../domain/idNumber';
import type { Role } from '../../domain/enums';
import { createOfficial } from '../../infra/officials';
import { api, eventually, type Reply } from './http';
import type { Stack } from './stack';
import { PROBLEM_CODES, type ProblemCode } from '../../api/problem';

export type Client = ReturnType<typeof api>;

export const COUNTY = '620522';
export const meeting = { heldOn: '2026-11-20', representativesPresent: 30, representativesTotal: 40 };
/** Publicity over in two seconds, no reminder during a test. */
export const fast = { publicityPeriod: '2s', stageDeadline: '1 hour' };
/** A publicity that stays open for the whole test. */
export const longPublicity = { publicityPeriod: '1 hour', stageDeadline: '1 hour' };

/** Hands out each village of the seeded county once, so tests in one file never share a round. */
export function villageClaimer(stack: Stack) {
  const claimed = new Set<string>();
  let all: { code: string; townshipCode: string }[] | undefined;
  return async function claim(opts: { township?: string } = {}): Promise<string> {
    all ??= await stack.db.prisma.village.findMany({
      orderBy: { code: 'asc' },
      select: { code: true, townshipCode: true },
    });
    const v = all.find((x) => !claimed.has(x.code) && (!opts.township || x.townshipCode === opts.township));
    if (!v) throw new Error('no village left to claim');
    claimed.add(v.code);
    return v.code;
  };
}

/** A valid ID number from a division outside the demo county, so it is never in the seeded registry. */
export function freshIdNumber(n: number, division = '620523'): string {
  return makeIdNumber(division, { y: 1960 + (n % 40), m: 1 + (n % 12), d: 1 + (n % 28) }, n);
}

export async function official(stack: Stack, role: Role, scopeCode: string, name: string) {
  const o = await createOfficial(stack.db.prisma, { role, scopeCode, name });
  return { id: o.id, token: o.token, client: api(stack.baseUrl, o.token) };
}

/** A village's own official, an official of its township and a county official. */
export async function officialsFor(stack: Stack, villageCode: string) {
  const [village, township, county] = await Promise.all([
    official(stack, 'VILLAGE', villageCode, '村支书'),
    official(stack, 'TOWNSHIP', villageCode.slice(0, 9), '乡镇干部'),
    official(stack, 'COUNTY', COUNTY, '县扶贫办'),
  ]);
  return { village, township, county };
}

export async function registeredHouseholds(stack: Stack, villageCode: string) {
  return stack.db.prisma.household.findMany({
    where: { villageCode, status: 'REGISTERED' },
    orderBy: { registryNo: 'asc' },
  });
}

export async function waitForStage(client: Client, roundId: string, stage: string, timeoutMs = 30_000) {
  return eventually(
    async () => {
      const r = await client.get(`/rounds/${roundId}`);
      return r.body.stage === stage ? r.body : undefined;
    },
    timeoutMs,
    `${roundId} to reach ${stage}`,
  );
}

/**
 * A confirming household visit (入户核查) for every proposal on the round's current list but `except`, as the
 * township's APPROVE needs.
 */
export async function visitsFor(client: Client, roundId: string, except: readonly string[] = []) {
  const round = await client.get(`/rounds/${roundId}`);
  return (round.body.proposals as { id: string; status: string }[])
    .filter((p) => p.status === 'PROPOSED' && !except.includes(p.id))
    .map((p) => ({
      proposalId: p.id,
      visitedOn: '2026-11-25',
      visitedBy: '乡镇核查组',
      finding: 'CONFIRMED' as const,
    }));
}

/** An RFC 9457 problem with the expected status, a stable `code` (the expected one, when given) and a detail. */
export function expectProblem(r: Reply, status: number, detail?: RegExp, code?: ProblemCode) {
  expect({ status: r.status, body: r.body }).toMatchObject({ status, body: { status } });
  expect(PROBLEM_CODES).toContain(r.body.code);
  if (code) expect({ detail: r.body.detail, code: r.body.code }).toEqual({ detail: r.body.detail, code });
  expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(typeof r.body.title).toBe('string');
  expect(typeof r.body.detail).toBe('string');
  if (detail) expect(r.body.detail).toMatch(detail);
}

/** Row counts of everything a decision can write. */
export async function rowCounts(stack: Stack) {
  const p = stack.db.prisma;
  const [rounds, proposals, objections, decisions, notices, households, registryChanges, campaigns, assignments] =
    await Promise.all([
      p.round.count(),
      p.proposal.count(),
      p.objection.count(),
      p.decision.count(),
      p.notice.count(),
      p.household.count(),
      p.registryChange.count(),
      p.campaign.count(),
      p.responsibilityAssignment.count(),
    ]);
  return { rounds, proposals, objections, decisions, notices, households, registryChanges, campaigns, assignments };
}
