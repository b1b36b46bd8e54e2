// GET /rounds/:roundId: a round with its proposals, notices, objections and trail, masked for the caller.
import { z } from 'zod';
import { townshipOf } from '../../domain/constants';
import { maskIdNumber, maskPhone } from '../../domain/idNumber';
import type {
  Category,
  Cause,
  EntryReason,
  ExitReason,
  NoticeKind,
  ObjectionStatus,
  ProposalAction,
  ProposalStatus,
  RoundStatus,
  Stage,
} from '../../domain/enums';
import { type RoundPolicy } from '../../domain/round';
import { Prisma, rawQuery, type PrismaClient } from '../../infra/db';
import { type Official } from '../auth';
import { trailEntry, type TrailRow } from '../responses';
import { seesIdNumbers } from '../scope';
import { roundCandidates } from './candidates';
import { ZRoundDetail } from './round-responses';

interface RoundRow {
  id: string;
  villageCode: string;
  villageName: string;
  townshipCode: string | null;
  roundNo: number;
  rulesVersion: number | null;
  campaignId: string | null;
  stage: Stage;
  status: RoundStatus;
  policy: unknown;
  countySample: string[];
  stageEnteredAt: Date;
  stageDeadline: Date | null;
  publicityEndsAt: Date | null;
  overdueSince: Date | null;
  startedAt: Date;
  finishedAt: Date | null;
}

interface ProposalRow {
  id: string;
  assessmentNo: number;
  action: ProposalAction;
  status: ProposalStatus;
  statusReason: string | null;
  householdId: string | null;
  newHousehold: unknown;
  category: Category | null;
  cause: Cause | null;
  entryReason: EntryReason | null;
  exitReason: ExitReason | null;
  /** YYYY-MM-DD */
  consentSignedOn: string | null;
  votesFor: number | null;
  votesAgainst: number | null;
  note: string | null;
  addedByObjectionId: string | null;
  evidence: unknown;
  overrideReason: string | null;
  /** The household's, when the proposal names one in the registry. */
  headName: string | null;
  idNumber: string | null;
  size: number | null;
}

interface ObjectionRow {
  id: string;
  noticeVersion: number;
  proposalId: string | null;
  objectorName: string;
  objectorContact: string | null;
  reason: string;
  status: ObjectionStatus;
  filedById: string;
  filedAt: Date;
  resolvedById: string | null;
  resolvedAt: Date | null;
  resolutionNote: string | null;
  withdrewProposal: boolean;
  amendedProposalId: string | null;
  addedProposalId: string | null;
}

/**
 * A round's page in six statements of raw SQL, the entry candidates included (issue 16: it is read at every township
 * review and county announcement, and Prisma's include issued eight or nine queries through its interpreter). Same
 * rows, same order.
 */
export async function roundDetail(
  prisma: PrismaClient,
  o: Official,
  roundId: string,
): Promise<z.input<typeof ZRoundDetail> | undefined> {
  const [round] = await rawQuery<RoundRow>(
    prisma,
    Prisma.sql`SELECT r."id", r."villageCode", v."name" AS "villageName", r."townshipCode", r."roundNo", r."rulesVersion",
                      r."campaignId", r."stage"::text AS "stage", r."status"::text AS "status", r."policy",
                      r."countySample", r."stageEnteredAt", r."stageDeadline", r."publicityEndsAt", r."overdueSince",
                      r."startedAt", r."finishedAt"
               FROM "Round" r JOIN "Village" v ON v."code" = r."villageCode"
               WHERE r."id" = ${roundId}`,
  );
  if (!round) return undefined;
  // The rest at once, each on its own connection of the pool: one round trip's wait instead of five in a row (the
  // county reads this page before each announcement, one round after another). Each statement read its own snapshot
  // before too.
  const [proposals, notices, objections, decisions, candidates] = await Promise.all([
    rawQuery<ProposalRow>(
      prisma,
      Prisma.sql`SELECT p."id"::text AS "id", p."assessmentNo", p."action"::text AS "action", p."status"::text AS "status",
                      p."statusReason", p."householdId"::text AS "householdId", p."newHousehold",
                      p."category"::text AS "category", p."cause"::text AS "cause",
                      p."entryReason"::text AS "entryReason", p."exitReason"::text AS "exitReason",
                      to_char(p."consentSignedOn", 'YYYY-MM-DD') AS "consentSignedOn",
                      p."votesFor", p."votesAgainst", p."note", p."addedByObjectionId"::text AS "addedByObjectionId",
                      p."evidence", p."overrideReason",
                      h."headName", h."idNumber", h."size"
               FROM "Proposal" p LEFT JOIN "Household" h ON h."id" = p."householdId"
               WHERE p."roundId" = ${roundId}
               ORDER BY p."assessmentNo", p."id"`,
    ),
    rawQuery<{
      version: number;
      kind: NoticeKind;
      startsAt: Date;
      endsAt: Date | null;
      publishedAt: Date;
    }>(
      prisma,
      Prisma.sql`SELECT "version", "kind"::text AS "kind", "startsAt", "endsAt", "publishedAt"
               FROM "Notice" WHERE "roundId" = ${roundId} ORDER BY "version"`,
    ),
    rawQuery<ObjectionRow>(
      prisma,
      Prisma.sql`SELECT "id"::text AS "id", "noticeVersion", "proposalId"::text AS "proposalId", "objectorName",
                      "objectorContact", "reason", "status"::text AS "status", "filedById"::text AS "filedById",
                      "filedAt", "resolvedById"::text AS "resolvedById", "resolvedAt", "resolutionNote",
                      "withdrewProposal", "amendedProposalId"::text AS "amendedProposalId",
                      "addedProposalId"::text AS "addedProposalId"
               FROM "Objection" WHERE "roundId" = ${roundId} ORDER BY "filedAt"`,
    ),
    rawQuery<TrailRow<Stage, unknown>>(
      prisma,
      Prisma.sql`SELECT "seq", "stage"::text AS "stage", "kind", "officialId"::text AS "officialId", "officialName", "at",
                      "decision", "note", "payload"
               FROM "Decision" WHERE "roundId" = ${roundId} ORDER BY "seq"`,
    ),
    roundCandidates(prisma, o, round),
  ]);
  const full = seesIdNumbers(o, round.villageCode);
  return {
    roundId: round.id,
    workflowId: round.id,
    villageCode: round.villageCode,
    villageName: round.villageName,
    townshipCode: round.townshipCode ?? townshipOf(round.villageCode),
    roundNo: round.roundNo,
    rulesVersion: round.rulesVersion ?? 1,
    campaignId: round.campaignId,
    stage: round.stage,
    status: round.status,
    policy: round.policy as unknown as RoundPolicy,
    countySample: round.countySample,
    stageEnteredAt: round.stageEnteredAt,
    deadline: round.stageDeadline,
    publicityEndsAt: round.publicityEndsAt,
    overdueSince: round.overdueSince,
    startedAt: round.startedAt,
    finishedAt: round.finishedAt,
    proposals: proposals.map((p) => {
      const fresh = p.newHousehold as { headName: string; idNumber: string; size: number } | null;
      const idNumber = p.idNumber ?? fresh?.idNumber ?? '';
      return {
        id: p.id,
        assessmentNo: p.assessmentNo,
        action: p.action,
        status: p.status,
        statusReason: p.statusReason,
        householdId: p.householdId,
        headName: p.headName ?? fresh?.headName ?? null,
        idNumber: full ? idNumber : maskIdNumber(idNumber),
        size: p.size ?? fresh?.size ?? null,
        category: p.category,
        cause: p.cause,
        entryReason: p.entryReason,
        exitReason: p.exitReason,
        householdConsent: p.consentSignedOn ? { signedOn: p.consentSignedOn } : null,
        addedByObjectionId: p.addedByObjectionId,
        votesFor: p.votesFor,
        votesAgainst: p.votesAgainst,
        note: p.note,
        override: p.overrideReason === null ? null : { reason: p.overrideReason },
        evidence: p.evidence as z.input<typeof ZRoundDetail>['proposals'][number]['evidence'],
      };
    }),
    candidates,
    notices: notices.map((n) => ({ ...n, url: `/api/v1/rounds/${round.id}/notices/${n.version}` })),
    objections: objections.map((x) => ({
      id: x.id,
      noticeVersion: x.noticeVersion,
      proposalId: x.proposalId,
      objector: {
        name: x.objectorName,
        contact: x.objectorContact ? (full ? x.objectorContact : maskPhone(x.objectorContact)) : null,
      },
      reason: x.reason,
      status: x.status,
      filedById: x.filedById,
      filedAt: x.filedAt,
      resolvedById: x.resolvedById,
      resolvedAt: x.resolvedAt,
      resolutionNote: x.resolutionNote,
      withdrewProposal: x.withdrewProposal,
      amendedProposalId: x.amendedProposalId,
      addedProposalId: x.addedProposalId,
    })),
    decisions: decisions.map(trailEntry),
  };
}
