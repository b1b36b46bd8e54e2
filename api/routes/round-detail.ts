// GET /rounds/:roundId: a round with its proposals, notices, objections and trail, masked for the caller.
import { z } from 'zod';
import { townshipOf } from '../../domain/constants';
import { maskIdNumber, maskPhone } from '../../domain/idNumber';
import { type RoundPolicy } from '../../domain/round';
import type { PrismaClient } from '../../infra/db';
import { type Official } from '../auth';
import { trailEntry } from '../responses';
import { seesIdNumbers } from '../scope';
import { roundCandidates } from './candidates';
import { ZRoundDetail } from './round-responses';

export async function roundDetail(
  prisma: PrismaClient,
  o: Official,
  roundId: string,
): Promise<z.input<typeof ZRoundDetail> | undefined> {
  const round = await prisma.round.findUnique({
    where: { id: roundId },
    include: {
      village: { select: { name: true } },
      proposals: { orderBy: [{ assessmentNo: 'asc' }, { id: 'asc' }] },
      notices: {
        orderBy: { version: 'asc' },
        select: { version: true, kind: true, startsAt: true, endsAt: true, publishedAt: true },
      },
      objections: { orderBy: { filedAt: 'asc' } },
      decisions: { orderBy: { seq: 'asc' } },
    },
  });
  if (!round) return undefined;
  const full = seesIdNumbers(o, round.villageCode);
  const householdIds = round.proposals.map((p) => p.householdId).filter((id): id is string => id !== null);
  const households = new Map(
    (await prisma.household.findMany({ where: { id: { in: householdIds } } })).map((h) => [h.id, h]),
  );
  const candidates = await roundCandidates(prisma, o, round);
  return {
    roundId: round.id,
    workflowId: round.id,
    villageCode: round.villageCode,
    villageName: round.village.name,
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
    proposals: round.proposals.map((p) => {
      const h = p.householdId ? households.get(p.householdId) : undefined;
      const fresh = p.newHousehold as { headName: string; idNumber: string; size: number } | null;
      const idNumber = h?.idNumber ?? fresh?.idNumber ?? '';
      return {
        id: p.id,
        assessmentNo: p.assessmentNo,
        action: p.action,
        status: p.status,
        statusReason: p.statusReason,
        householdId: p.householdId,
        headName: h?.headName ?? fresh?.headName ?? null,
        idNumber: full ? idNumber : maskIdNumber(idNumber),
        size: h?.size ?? fresh?.size ?? null,
        category: p.category,
        cause: p.cause,
        entryReason: p.entryReason,
        exitReason: p.exitReason,
        householdConsent: p.consentSignedOn ? { signedOn: p.consentSignedOn.toISOString().slice(0, 10) } : null,
        addedByObjectionId: p.addedByObjectionId,
        votesFor: p.votesFor,
        votesAgainst: p.votesAgainst,
        note: p.note,
        override: p.overrideReason === null ? null : { reason: p.overrideReason },
        evidence: p.evidence as z.input<typeof ZRoundDetail>['proposals'][number]['evidence'],
      };
    }),
    candidates,
    notices: round.notices.map((n) => ({ ...n, url: `/api/v1/rounds/${round.id}/notices/${n.version}` })),
    objections: round.objections.map((x) => ({
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
    decisions: round.decisions.map(trailEntry),
  };
}
