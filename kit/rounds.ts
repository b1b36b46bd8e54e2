// Helpers for everything that drives rounds through the HTTP API (integration, fault and cluster tests, the
// recorded scenarios): the meeting fixture, villages handed out once, officials for a village, fresh ID numbers,
// waiting for a stage and checking problem responses.
import { makeIdNumber } from '../domain/idNumber';
import type { Role } from '../domain/enums';
import type { PrismaClient } from '../infra/db';
import { createOfficial } from '../infra/officials';
import { api, eventually, type Reply } from './http';
import type { Stack } from './stack';
import { PROBLEM_CODES, type ProblemCode } from '../api/problem';

export type Client = ReturnType<typeof api>;

export const COUNTY = '620522';
export const meeting = { heldOn: '2026-11-20', representativesPresent: 30, representativesTotal: 40 };
/** Publicity over in two seconds, no reminder during a test. */
export const fast = { publicityPeriod: '2s', stageDeadline: '1 hour' };
/** A publicity that stays open for the whole test. */
export const longPublicity = { publicityPeriod: '1 hour', stageDeadline: '1 hour' };

/** Hands out each village of the seeded county once (optionally in or outside a township, or matching a predicate). */
export function villageClaimer(stack: Stack) {
  const claimed = new Set<string>();
  let all: { code: string; townshipCode: string }[] | undefined;
  /** Every village of the county, in code order. */
  const villages = async () =>
    (all ??= await stack.db.prisma.village.findMany({
      orderBy: { code: 'asc' },
      select: { code: true, townshipCode: true },
    }));
  async function claim(
    opts: { township?: string; notTownship?: string; where?: (code: string) => Promise<boolean> } = {},
  ): Promise<string> {
    for (const v of await villages()) {
      if (claimed.has(v.code)) continue;
      if (opts.township && v.townshipCode !== opts.township) continue;
      if (opts.notTownship && v.townshipCode === opts.notTownship) continue;
      if (opts.where && !(await opts.where(v.code))) continue;
      claimed.add(v.code);
      return v.code;
    }
    throw new Error('no village left to claim');
  }
  return Object.assign(claim, { villages, claimed: claimed as ReadonlySet<string> });
}

/** A valid ID number from a division outside the demo county, so it is never in the seeded registry. */
export function freshIdNumber(n: number, division = '620523'): string {
  return makeIdNumber(division, { y: 1960 + (n % 40), m: 1 + (n % 12), d: 1 + (n % 28) }, n);
}

/**
 * Where officials act: a database to create them in and the API they call. `baseUrl` may be a function when the
 * API can move (a fault test restarts it on a new port, a cluster test alternates between APIs).
 */
export interface ApiTarget {
  prisma: PrismaClient;
  baseUrl: string | (() => string);
}

export interface Official {
  id: string;
  token: string;
  /** A client of the target's current API with this official's token. */
  readonly client: Client;
}

export async function official(target: ApiTarget, role: Role, scopeCode: string, name: string): Promise<Official> {
  const o = await createOfficial(target.prisma, { role, scopeCode, name });
  const { baseUrl } = target;
  const current = typeof baseUrl === 'function' ? baseUrl : () => baseUrl;
  return {
    id: o.id,
    token: o.token,
    get client() {
      return api(current(), o.token);
    },
  };
}

export type Officials = Record<'village' | 'township' | 'county', Official>;

/** A village's own official, an official of its township and an official of its county. */
export async function officialsFor(target: ApiTarget, villageCode: string): Promise<Officials> {
  const [village, township, county] = await Promise.all([
    official(target, 'VILLAGE', villageCode, '村支书'),
    official(target, 'TOWNSHIP', villageCode.slice(0, 9), '乡镇干部'),
    official(target, 'COUNTY', villageCode.slice(0, 6), '县扶贫办'),
  ]);
  return { village, township, county };
}

export async function registeredHouseholds(target: { prisma: PrismaClient }, villageCode: string) {
  return target.prisma.household.findMany({
    where: { villageCode, status: 'REGISTERED' },
    orderBy: { registryNo: 'asc' },
  });
}

/**
 * The round's detail once it is at `stage`. Given a function, each poll asks it for the client of the API running
 * now, and a poll that finds no API answering (one being restarted) simply polls again.
 */
export async function waitForStage(
  client: Client | (() => Client),
  roundId: string,
  stage: string,
  timeoutMs = 30_000,
) {
  const moving = typeof client === 'function';
  return eventually(
    async () => {
      const get = (moving ? client() : client).get(`/rounds/${roundId}`);
      const r = moving ? await get.catch(() => undefined) : await get;
      return r?.body?.stage === stage ? r.body : undefined;
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
  expect(r.body.detail.length).toBeGreaterThan(10);
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

/**
 * The county's ANNOUNCE for a round at COUNTY_ANNOUNCEMENT (its detail): a CONFIRMED spot check of every proposal
 * in the round's countySample (rules of version 2; none for a round started before them).
 */
export function announceWithSpotChecks(round: { countySample?: string[] }, note = '同意公告') {
  const spotChecks = (round.countySample ?? []).map((proposalId) => ({
    proposalId,
    visitedOn: '2026-12-01',
    visitedBy: '县抽查组',
    finding: 'CONFIRMED' as const,
  }));
  return { decision: 'ANNOUNCE' as const, note, ...(spotChecks.length > 0 ? { spotChecks } : {}) };
}

const ALL_MET = { foodClothing: true, education: true, medical: true, housing: true, drinkingWater: true };

/**
 * Facts that support an exit as REACHED_STANDARD under the rules of version 3: per-capita income above the 2019 and
 * 2020 poverty lines (3,218 and 4,000 yuan), all five indicators met.
 */
export const EXIT_FACTS = {
  incomes: [
    { year: 2019, perCapita: 4200 },
    { year: 2020, perCapita: 5100 },
  ],
  indicators: { ...ALL_MET, assessedOn: '2020-12-01' },
};

/** Facts that support an entry: the last year's income below its line, and housing unsafe. */
export const ENTRY_FACTS = {
  incomes: [
    { year: 2019, perCapita: 3500 },
    { year: 2020, perCapita: 3100 },
  ],
  indicators: { ...ALL_MET, housing: false, assessedOn: '2020-12-01' },
};

/**
 * Records a household's facts as its village official does before proposing it (PUT /households/{id}/facts): by
 * default the facts of a household that has reached the standard.
 */
export async function recordFacts(client: Client, householdId: string, facts: object = EXIT_FACTS) {
  const r = await client.put(`/households/${householdId}/facts`, facts);
  if (r.status !== 200) throw new Error(`facts of ${householdId}: expected 200, got ${r.status}: ${r.text}`);
  return r.body;
}
