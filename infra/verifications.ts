// County verifications (核查): a random sample of a township's households, each re-checked and its finding recorded;
// villagers' approval surveys; and the entry candidates a MISSED_POOR finding creates for the village's next round.
// Plain writes with their history (who, when), no workflow: nothing here waits on anyone.
import { randomInt } from 'node:crypto';
import {
  drawSample,
  FINDING_OF_KIND,
  findingFits,
  type VerificationFinding,
  type VerificationKind,
} from '../domain/assessment';
import type { Actor } from '../domain/round';
import { chinaYearBounds } from '../domain/supervision';
import { Prisma, type PrismaClient } from './db';
import type { Write } from './sql';

type Tx = Prisma.TransactionClient;

/** Where an entry candidate comes from (EntryCandidate.source). */
export const CANDIDATE_SOURCE_VERIFICATION = 'VERIFICATION';

export interface DrawInput {
  townshipCode: string;
  year: number;
  kind: VerificationKind;
  sampleSize: number;
}

/**
 * The households a sample of `kind` is drawn from, in id order (the draw's randomness alone decides the sample):
 * EXITED — the township's households that exited in `year` (exitedOn in that calendar year, China time; a household
 * that has since entered again is no longer exited and is not drawn); NOT_REGISTERED — its households not in the
 * registry now (status NOT_REGISTERED: never registered, or removed). Exited households are left to EXITED samples,
 * so one household never counts in both figures.
 */
async function population(tx: Tx, { townshipCode, year, kind }: Omit<DrawInput, 'sampleSize'>) {
  const { start, end } = chinaYearBounds(year);
  return tx.household.findMany({
    where: {
      village: { townshipCode },
      ...(kind === 'EXITED' ? { status: 'EXITED', exitedOn: { gte: start, lt: end } } : { status: 'NOT_REGISTERED' }),
    },
    orderBy: { id: 'asc' },
    select: { id: true, villageCode: true },
  });
}

/**
 * Draws the sample with node:crypto's random and records the draw (who, when, from how many) with its households
 * in one transaction. `population` is what it was drawn from; `verificationId` is null when `sampleSize` exceeds it.
 */
export async function drawVerification(
  prisma: PrismaClient,
  input: DrawInput,
  actor: Actor,
  now = new Date(),
  random: (n: number) => number = randomInt,
): Promise<{ verificationId: string | null; population: number }> {
  return prisma.$transaction(async (tx) => {
    const all = await population(tx, input);
    if (input.sampleSize < 1 || input.sampleSize > all.length) return { verificationId: null, population: all.length };
    const drawn = drawSample(all, input.sampleSize, random);
    const v = await tx.verification.create({
      data: {
        townshipCode: input.townshipCode,
        year: input.year,
        kind: input.kind,
        sampleSize: input.sampleSize,
        population: all.length,
        drawnById: actor.id,
        drawnByName: actor.name,
        drawnAt: now,
      },
    });
    await tx.verificationSample.createMany({
      data: drawn.map((h, i) => ({ verificationId: v.id, householdId: h.id, seq: i + 1, villageCode: h.villageCode })),
    });
    return { verificationId: v.id, population: all.length };
  });
}

export interface FindingInput {
  householdId: string;
  finding: VerificationFinding;
  note?: string;
}

/** Why one finding of a batch is refused; `index` is its position in the batch. */
export interface FindingRefusal {
  index: number;
  field: 'householdId' | 'finding' | 'note';
  message: string;
  /** The household's finding is already recorded (409): findings are never changed. */
  recorded?: true;
}

/**
 * Records a batch of findings, all or none. Refused (nothing written): a household not in the sample, one named
 * twice, a finding that does not fit the sample's kind, a finding other than CONFIRMED without a note saying why,
 * and a household whose finding is already recorded (a finding is final: the figures it feeds are not rewritten
 * after the fact). A MISSED_POOR household becomes an entry candidate of its village.
 */
export async function recordFindings(
  prisma: PrismaClient,
  verificationId: string,
  findings: readonly FindingInput[],
  actor: Actor,
  now = new Date(),
): Promise<FindingRefusal[]> {
  return prisma.$transaction(async (tx) => {
    // One batch at a time per verification: two clerks recording the same household cannot both succeed.
    await tx.$queryRaw`SELECT 1 FROM "Verification" WHERE id = ${verificationId}::uuid FOR UPDATE`;
    const v = await tx.verification.findUniqueOrThrow({ where: { id: verificationId }, include: { samples: true } });
    const samples = new Map(v.samples.map((s) => [s.householdId, s]));
    const refusals: FindingRefusal[] = [];
    const seen = new Set<string>();
    findings.forEach((f, index) => {
      const s = samples.get(f.householdId);
      if (!s) refusals.push({ index, field: 'householdId', message: 'not in this verification’s sample' });
      else if (seen.has(f.householdId)) refusals.push({ index, field: 'householdId', message: 'named twice' });
      else if (!findingFits(v.kind, f.finding))
        refusals.push({
          index,
          field: 'finding',
          message: `${v.kind} samples record CONFIRMED or ${FINDING_OF_KIND[v.kind]}`,
        });
      else if (f.finding !== 'CONFIRMED' && !f.note)
        refusals.push({ index, field: 'note', message: `a ${f.finding} finding needs a note saying why` });
      else if (s.finding !== null)
        refusals.push({
          index,
          field: 'householdId',
          message: `finding already recorded (${s.finding}); findings are not changed`,
          recorded: true,
        });
      seen.add(f.householdId);
    });
    if (refusals.length > 0) return refusals;
    for (const f of findings) {
      await tx.verificationSample.update({
        where: { verificationId_householdId: { verificationId, householdId: f.householdId } },
        data: { finding: f.finding, note: f.note, foundById: actor.id, foundByName: actor.name, foundAt: now },
      });
      if (f.finding === 'MISSED_POOR') {
        await tx.entryCandidate.create({
          data: {
            householdId: f.householdId,
            villageCode: samples.get(f.householdId)!.villageCode,
            source: CANDIDATE_SOURCE_VERIFICATION,
            sourceId: verificationId,
            note: f.note,
            createdAt: now,
          },
        });
      }
    }
    return [];
  });
}

export interface SurveyInput {
  villageCode: string;
  townshipCode: string;
  year: number;
  respondents: number;
  satisfied: number;
}

/** Records a survey; several surveys of one village and year all count (their respondents are pooled). */
export async function recordSurvey(prisma: PrismaClient, input: SurveyInput, actor: Actor, now = new Date()) {
  return prisma.survey.create({
    data: { ...input, recordedById: actor.id, recordedByName: actor.name, recordedAt: now },
  });
}

/**
 * An entry candidate (aliased `c`) that waits for a round's list: never proposed, or proposed by a round since
 * cancelled. The one statement of it for the village's tasks, the round page and the marking below.
 */
export const CANDIDATE_WAITING = Prisma.sql`(c."roundId" IS NULL OR EXISTS (
  SELECT 1 FROM "Round" cancelled WHERE cancelled."id" = c."roundId" AND cancelled."status" = 'CANCELLED'))`;

/**
 * A round's assessment (or an upheld objection) proposed these households' entry: their candidates still waiting
 * (never proposed, or proposed by a round since cancelled) and those an earlier list of this same round proposed (a
 * list returned to the village and assessed again) are marked with this round and the new proposal: the write, for
 * the round's step (activities/rounds.ts) to run in its transaction. None when no proposal enters a known household.
 */
export function markCandidatesProposed(
  roundId: string,
  proposals: readonly { id: string; action: string; householdId?: string }[],
): Write | undefined {
  const entering = proposals.filter((p) => p.action === 'ENTER' && p.householdId);
  if (entering.length === 0) return undefined;
  // One statement: each entering household's candidates that wait, or that an earlier list of this round proposed.
  return {
    statement: Prisma.sql`
      UPDATE "EntryCandidate" c SET "roundId" = ${roundId}, "proposalId" = e."proposalId"
      FROM unnest(${entering.map((p) => p.householdId!)}::uuid[], ${entering.map((p) => p.id)}::uuid[])
        AS e("householdId", "proposalId")
      WHERE c."householdId" = e."householdId" AND (c."roundId" = ${roundId} OR ${CANDIDATE_WAITING})`,
    rows: entering.map((p) => `EntryCandidate:${p.householdId}`),
  };
}
