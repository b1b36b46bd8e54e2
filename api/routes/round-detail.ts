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
import { Prisma, rawQuery, utcTimestamp, type PrismaClient } from '../../infra/db';
import { type Official } from '../auth';
import { trailEntry, type TrailRow } from '../responses';
import { seesIdNumbers } from '../scope';
import { candidatesOfRound, ROUND_CANDIDATES_JSON, type RoundCandidateJson } from './candidates';
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

interface NoticeRow {
  version: number;
  kind: NoticeKind;
  startsAt: Date;
  endsAt: Date | null;
  publishedAt: Date;
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

/** A json timestamp's row: each timestamp is text (utcTimestamp). */
type Json<T, K extends keyof T> = Omit<T, K> & { [P in K]: T[P] extends Date ? string : string | null };

/**
 * A round's page in one statement of raw SQL: the round and, as json arrays, its proposals, notices, objections,
 * trail and entry candidates, each in its own order (issue 16: the township reads it before each review and the
 * county before each announcement, one round after another; six statements before, and Prisma's include eight or
 * nine). One statement also reads one snapshot.
 */
export async function roundDetail(
  prisma: PrismaClient,
  o: Official,
  roundId: string,
): Promise<z.input<typeof ZRoundDetail> | undefined> {
  const [row] = await rawQuery<
    RoundRow & {
      proposals: ProposalRow[];
      notices: Json<NoticeRow, 'startsAt' | 'endsAt' | 'publishedAt'>[];
      objections: Json<ObjectionRow, 'filedAt' | 'resolvedAt'>[];
      decisions: Json<TrailRow<Stage, unknown>, 'at'>[];
      candidates: RoundCandidateJson[];
    }
  >(
    prisma,
    Prisma.sql`SELECT r."id", r."villageCode", v."name" AS "villageName", r."townshipCode", r."roundNo", r."rulesVersion",
                      r."campaignId", r."stage"::text AS "stage", r."status"::text AS "status", r."policy",
                      r."countySample", r."stageEnteredAt", r."stageDeadline", r."publicityEndsAt", r."overdueSince",
                      r."startedAt", r."finishedAt",
                      (SELECT COALESCE(json_agg(json_build_object(
                                'id', p."id"::text, 'assessmentNo', p."assessmentNo", 'action', p."action"::text,
                                'status', p."status"::text, 'statusReason', p."statusReason",
                                'householdId', p."householdId"::text, 'newHousehold', p."newHousehold",
                                'category', p."category"::text, 'cause', p."cause"::text,
                                'entryReason', p."entryReason"::text, 'exitReason', p."exitReason"::text,
                                'consentSignedOn', to_char(p."consentSignedOn", 'YYYY-MM-DD'),
                                'votesFor', p."votesFor", 'votesAgainst', p."votesAgainst", 'note', p."note",
                                'addedByObjectionId', p."addedByObjectionId"::text, 'evidence', p."evidence",
                                'overrideReason', p."overrideReason",
                                'headName', h."headName", 'idNumber', h."idNumber", 'size', h."size")
                              ORDER BY p."assessmentNo", p."id"), '[]'::json)
                       FROM "Proposal" p LEFT JOIN "Household" h ON h."id" = p."householdId"
                       WHERE p."roundId" = r."id") AS "proposals",
                      (SELECT COALESCE(json_agg(json_build_object(
                                'version', n."version", 'kind', n."kind"::text, 'startsAt', n."startsAt",
                                'endsAt', n."endsAt", 'publishedAt', n."publishedAt")
                              ORDER BY n."version"), '[]'::json)
                       FROM "Notice" n WHERE n."roundId" = r."id") AS "notices",
                      (SELECT COALESCE(json_agg(json_build_object(
                                'id', ob."id"::text, 'noticeVersion', ob."noticeVersion",
                                'proposalId', ob."proposalId"::text, 'objectorName', ob."objectorName",
                                'objectorContact', ob."objectorContact", 'reason', ob."reason",
                                'status', ob."status"::text, 'filedById', ob."filedById"::text,
                                'filedAt', ob."filedAt", 'resolvedById', ob."resolvedById"::text,
                                'resolvedAt', ob."resolvedAt", 'resolutionNote', ob."resolutionNote",
                                'withdrewProposal', ob."withdrewProposal",
                                'amendedProposalId', ob."amendedProposalId"::text,
                                'addedProposalId', ob."addedProposalId"::text)
                              ORDER BY ob."filedAt"), '[]'::json)
                       FROM "Objection" ob WHERE ob."roundId" = r."id") AS "objections",
                      (SELECT COALESCE(json_agg(json_build_object(
                                'seq', d."seq", 'stage', d."stage"::text, 'kind', d."kind",
                                'officialId', d."officialId"::text, 'officialName', d."officialName", 'at', d."at",
                                'decision', d."decision", 'note', d."note", 'payload', d."payload")
                              ORDER BY d."seq"), '[]'::json)
                       FROM "Decision" d WHERE d."roundId" = r."id") AS "decisions",
                      ${ROUND_CANDIDATES_JSON} AS "candidates"
               FROM "Round" r JOIN "Village" v ON v."code" = r."villageCode"
               WHERE r."id" = ${roundId}`,
    { prepared: true },
  );
  if (!row) return undefined;
  const { proposals, notices, objections, decisions, candidates, ...round } = row;
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
    candidates: candidatesOfRound(o, round, candidates),
    notices: notices.map((n) => ({
      ...n,
      startsAt: utcTimestamp(n.startsAt),
      endsAt: utcTimestamp(n.endsAt),
      publishedAt: utcTimestamp(n.publishedAt),
      url: `/api/v1/rounds/${round.id}/notices/${n.version}`,
    })),
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
      filedAt: utcTimestamp(x.filedAt),
      resolvedById: x.resolvedById,
      resolvedAt: utcTimestamp(x.resolvedAt),
      resolutionNote: x.resolutionNote,
      withdrewProposal: x.withdrewProposal,
      amendedProposalId: x.amendedProposalId,
      addedProposalId: x.addedProposalId,
    })),
    decisions: decisions.map((d) => trailEntry({ ...d, at: utcTimestamp(d.at) })),
  };
}
