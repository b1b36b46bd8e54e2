// Checks of a round decision that need the database (the registry, the round's current list): refused with a
// 400 naming the field before anything reaches the round. The workflow's validators check again what they can.
import {
  evidenceOf,
  needsFacts,
  proposalFactsProblems,
  type FactsEvidence,
  type HouseholdFacts,
} from '../../domain/facts';
import { verificationProblems } from '../../domain/procedure';
import type { AddedProposal, ResolutionUpdate, Visit } from '../../domain/round';
import { Prisma, sqlOf, type PrismaClient } from '../../infra/db';
import { evidenceOfHouseholds, factsOfHouseholds, povertyLines } from '../../infra/facts';
import { CURRENT_LIST, type ListedProposal } from '../../infra/rounds';
import { badRequest } from '../problem';
import type { TAssessment, TResolution, TTownshipReview } from '../schemas';

type FieldError = { path: string; message: string };

function refuseIfAny(errors: FieldError[], what: string) {
  if (errors.length) throw badRequest(`${what}: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`, errors);
}

type HouseholdRef = Pick<TAssessment['proposals'][number], 'action' | 'householdId' | 'household' | 'category'>;
/** What names a household in a list: its id, or a new household's ID number. */
type HouseholdNames = Pick<HouseholdRef, 'householdId' | 'household'>;

/** A household a list names (by its id, or by the ID number of a new one), as the checks read it. */
export interface NamedHousehold {
  id: string;
  villageCode: string;
  status: string;
  category: string | null;
  idNumber: string;
}

/** The households proposals name and the new ones' ID numbers. */
function named(proposals: readonly HouseholdNames[]) {
  return {
    ids: proposals.map((p) => p.householdId).filter((id): id is string => id !== undefined),
    newIds: proposals.map((p) => p.household?.idNumber).filter((v): v is string => v !== undefined),
  };
}

/** findRound's column (`also`) of the households the proposals name, and those with the new ID numbers. */
export function namedHouseholds(proposals: readonly HouseholdNames[]): Prisma.Sql {
  const { ids, newIds } = named(proposals);
  return Prisma.sql`(SELECT coalesce(json_agg(json_build_object('id', h."id"::text, 'villageCode', h."villageCode",
                                       'status', h."status"::text, 'category', h."category"::text,
                                       'idNumber', h."idNumber")), '[]'::json)
                     FROM "Household" h WHERE h."id" = ANY(${ids}::uuid[]) OR h."idNumber" = ANY(${newIds}::text[]))
                    AS "households"`;
}

/**
 * The households proposals name: in the village, in a state the action fits, each once, new ones unknown. `rows`:
 * those households, read with the round (namedHouseholds).
 */
function householdErrors(
  villageCode: string,
  proposals: readonly HouseholdRef[],
  pathOf: (i: number) => string,
  rows: readonly NamedHousehold[],
): FieldError[] {
  const errors: FieldError[] = [];
  const { ids, newIds } = named(proposals);
  const byId = new Map(rows.filter((h) => ids.includes(h.id)).map((h) => [h.id, h]));
  const knownIds = new Set(rows.filter((h) => newIds.includes(h.idNumber)).map((h) => h.idNumber));
  const seenHouseholds = new Set<string>();
  const seenIdNumbers = new Set<string>();
  proposals.forEach((p, i) => {
    const at = (field: string, message: string) => errors.push({ path: `${pathOf(i)}${field}`, message });
    if (p.householdId) {
      if (seenHouseholds.has(p.householdId)) at('householdId', 'the same household appears twice in the list');
      seenHouseholds.add(p.householdId);
      const h = byId.get(p.householdId);
      if (!h) return at('householdId', 'no such household');
      if (h.villageCode !== villageCode) return at('householdId', 'the household belongs to another village');
      if (p.action === 'EXIT' && h.status !== 'REGISTERED')
        at('action', `only a registered household can exit; it is ${h.status}`);
      if (p.action === 'RECLASSIFY' && h.status !== 'REGISTERED')
        at('action', `only a registered household can be reclassified; it is ${h.status}`);
      if (p.action === 'RECLASSIFY' && h.category === p.category)
        at('category', `the household is already ${h.category}`);
      if (p.action === 'ENTER' && h.status === 'REGISTERED') at('householdId', 'the household is already registered');
    }
    if (p.household) {
      const idn = p.household.idNumber;
      if (seenIdNumbers.has(idn)) at('household.idNumber', 'the same household appears twice in the list');
      seenIdNumbers.add(idn);
      if (knownIds.has(idn))
        at(
          'household.idNumber',
          'a household with this ID number is already in the registry: propose it by householdId',
        );
    }
  });
  return errors;
}

/** A round as the checks need it: its village and the version of the rules it runs under (null: 1). */
type RoundRef = { id: string; villageCode: string; stage: string; rulesVersion: number | null };

type FactsRef = {
  action: string;
  householdId?: string;
  exitReason?: string;
  facts?: HouseholdFacts;
  override?: { reason: string };
};

/**
 * Rules v3: the evidence of each proposal that needs it (an EXIT as REACHED_STANDARD, an ENTER) — the household's
 * facts from the registry, a new household's from the proposal, each income with its year's poverty line — and a 400
 * naming each fact that does not support the proposal. The evidence by position (undefined where none is needed, and
 * always under earlier rules), for the round's validator to check again.
 */
async function factsEvidence(
  prisma: PrismaClient,
  round: RoundRef,
  proposals: readonly FactsRef[],
  pathOf: (i: number) => string,
): Promise<(FactsEvidence | undefined)[]> {
  if ((round.rulesVersion ?? 1) < 3 || !proposals.some(needsFacts)) return proposals.map(() => undefined);
  const sql = sqlOf(prisma);
  const ids = proposals.filter((p) => needsFacts(p) && p.householdId).map((p) => p.householdId!);
  // Both at once, each on its own connection: an assessment waits for one round trip instead of two.
  const [lines, facts] = await Promise.all([povertyLines(sql), factsOfHouseholds(sql, ids)]);
  const registry = evidenceOfHouseholds(facts, lines);
  const errors: FieldError[] = [];
  const evidence = proposals.map((p, i) => {
    if (!needsFacts(p)) return undefined;
    const e = (p.householdId ? registry.get(p.householdId) : undefined) ?? evidenceOf(p.facts ?? {}, lines);
    for (const problem of proposalFactsProblems({ ...p, evidence: e }))
      errors.push({ path: `${pathOf(i)}facts.${problem.path}`, message: problem.reason });
    return e;
  });
  refuseIfAny(errors, "The household's facts do not support the proposal (an ENTER may carry an override)");
  return evidence;
}

/** What a decision's route read with its round (findRound's `also`): missing only where the route did not ask for it. */
function readWithRound<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`The round was read without ${what}.`);
  return value;
}

/**
 * The assessment's proposals against the registry (the households named, read with the round: namedHouseholds) and,
 * under rules v3, the households' facts: their evidence.
 */
export async function checkProposals(
  prisma: PrismaClient,
  round: RoundRef & { households?: NamedHousehold[] },
  body: TAssessment,
) {
  const pathOf = (i: number) => `proposals.${i}.`;
  const households = readWithRound(round.households, 'the households its list names');
  refuseIfAny(
    householdErrors(round.villageCode, body.proposals, pathOf, households),
    'The proposals cannot be accepted',
  );
  return factsEvidence(prisma, round, body.proposals, pathOf);
}

/**
 * findRound's columns (`also`) of an upheld objection's correction (an amendment or an added household): the round's
 * current list, and the households the added proposal names. None for a resolution that corrects nothing.
 */
export function correctionReads(body: TResolution): Prisma.Sql | undefined {
  if (!body.amend && !body.add) return undefined;
  return Prisma.sql`${CURRENT_LIST}${body.add ? Prisma.sql`, ${namedHouseholds([body.add])}` : Prisma.empty}`;
}

/**
 * APPROVE: a visit (入户核查) for every proposal on the current list it does not reject, none NOT_CONFIRMED. At
 * another stage the list is not the township's to approve: the workflow answers that (409 WRONG_STAGE).
 */
export function checkVerification(round: { stage: string; currentList: ListedProposal[] }, body: TTownshipReview) {
  if (body.decision !== 'APPROVE' || round.stage !== 'TOWNSHIP_REVIEW') return;
  const visits = body.verification ?? [];
  const rejected = new Set((body.rejected ?? []).map((r) => r.proposalId));
  const { missing, notConfirmed, unknown } = verificationProblems(round.currentList, rejected, visits);
  const errors: FieldError[] = [];
  if (missing.length)
    errors.push({ path: 'verification', message: `no household visit for proposals ${missing.join(', ')}` });
  visits.forEach((v, i) => {
    if (unknown.includes(v.proposalId))
      errors.push({ path: `verification.${i}.proposalId`, message: 'not on the current list of this round' });
    if (notConfirmed.includes(v.proposalId))
      errors.push({
        path: `verification.${i}.finding`,
        message: 'NOT_CONFIRMED: reject this proposal (rejected) or return the list',
      });
  });
  refuseIfAny(errors, 'The approval cannot be accepted');
}

/**
 * An upheld objection's correction, checked against the current list and the registry, as the workflow takes it:
 * the added household gets its proposal id (entry reason MISSED), the visit the id of what it visited.
 */
export async function prepareCorrection(
  prisma: PrismaClient,
  round: RoundRef & { currentList?: ListedProposal[]; households?: NamedHousehold[] },
  body: TResolution,
  newProposalId: () => string,
): Promise<Pick<ResolutionUpdate, 'amend' | 'add' | 'verification'>> {
  if (!body.amend && !body.add) return {};
  const list = readWithRound(round.currentList, 'its current list');
  const add: AddedProposal | undefined = body.add
    ? { ...body.add, id: newProposalId(), action: 'ENTER', entryReason: 'MISSED' }
    : undefined;
  const errors: FieldError[] = [];
  if (body.amend) {
    const target = list.find((p) => p.id === body.amend!.proposalId);
    if (!target) errors.push({ path: 'amend.proposalId', message: 'not on the current list of this round' });
    else if (target.action === 'EXIT')
      errors.push({ path: 'amend.proposalId', message: 'an EXIT has no category or cause: withdraw it instead' });
  }
  if (add) {
    const households = readWithRound(round.households, 'the households its correction adds');
    errors.push(...householdErrors(round.villageCode, [add], () => 'add.', households));
    const idNumber = add.household?.idNumber;
    const onList = list.some(
      (p) =>
        (add.householdId !== undefined && p.householdId === add.householdId) ||
        (idNumber !== undefined && (p.newHousehold as { idNumber?: string } | null)?.idNumber === idNumber),
    );
    if (onList)
      errors.push({
        path: add.householdId ? 'add.householdId' : 'add.household.idNumber',
        message: 'already on the list',
      });
  }
  if (round.stage === 'SECOND_PUBLICITY') {
    // The township has already visited the list; what it adds or amends now it visits first.
    if (!body.verification)
      errors.push({
        path: 'verification',
        message: 'during the second publicity the township visits the household first',
      });
    else if (body.verification.finding !== 'CONFIRMED')
      errors.push({ path: 'verification.finding', message: 'the visit did not confirm the correction' });
  }
  refuseIfAny(errors, 'The correction cannot be accepted');
  if (add) {
    const [evidence] = await factsEvidence(prisma, round, [add], () => 'add.');
    if (evidence) add.evidence = evidence;
  }
  const proposalId = body.amend?.proposalId ?? add!.id;
  const verification: Visit | undefined = body.verification && { ...body.verification, proposalId };
  return { amend: body.amend, add, verification };
}
