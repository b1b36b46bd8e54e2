import { ApplicationFailure } from '@temporalio/activity';
import type { Prisma, PrismaClient } from '../infra/db';
import { maskIdNumber } from '../domain/idNumber';
import { renderNoticeHtml, type NoticeContent, type NoticeItem } from '../domain/notice';
import type { HouseholdFacts } from '../domain/facts';
import type { NewHousehold, Transition } from '../domain/round';
import { markCandidatesProposed } from '../infra/verifications';
import { writeFacts } from '../infra/facts';

type Tx = Prisma.TransactionClient;

export interface RoundActivityDeps {
  prisma: PrismaClient;
}

const date = (iso: string | null | undefined) => (iso === undefined ? undefined : iso === null ? null : new Date(iso));

export function createRoundActivities({ prisma }: RoundActivityDeps) {
  /**
   * Writes one step of a round in one transaction. The decision's (roundId, seq) is unique, so a retried
   * or duplicated attempt finds its own decision and writes nothing: every step happens exactly once.
   */
  async function applyTransition(t: Transition): Promise<{ applied: boolean }> {
    return prisma.$transaction(
      async (tx) => {
        const at = new Date(t.at);
        if (t.create) await createRound(tx, t);
        // The decision first, in one statement: a retried or duplicated attempt finds its (roundId, seq) taken.
        const d = t.decision;
        const inserted = await tx.$queryRaw<{ id: string }[]>`
          INSERT INTO "Decision" ("id", "roundId", "seq", "stage", "kind", "officialId", "officialName", "at",
                                  "decision", "note", "payload")
          VALUES (gen_random_uuid(), ${t.roundId}, ${d.seq}, ${d.stage}::"RoundStage", ${d.kind},
                  ${d.actor?.id ?? null}::uuid, ${d.actor?.name ?? null}, ${at.toISOString()}::timestamp(3),
                  ${d.decision ?? null}, ${d.note ?? null},
                  ${d.payload == null ? null : JSON.stringify(d.payload)}::jsonb)
          ON CONFLICT ("roundId", "seq") DO NOTHING
          RETURNING "id"::text`;
        if (inserted.length === 0) return { applied: false };
        if (t.newProposals?.length) {
          await tx.proposal.createMany({
            skipDuplicates: true,
            data: t.newProposals.map((p) => ({
              id: p.id,
              roundId: t.roundId,
              assessmentNo: p.assessmentNo,
              action: p.action,
              householdId: p.householdId,
              newHousehold: p.household ? (p.household as unknown as Prisma.InputJsonValue) : undefined,
              category: p.category,
              cause: p.cause,
              entryReason: p.entryReason,
              exitReason: p.exitReason,
              consentSignedOn: p.householdConsent ? new Date(p.householdConsent.signedOn) : undefined,
              votesFor: p.votesFor,
              votesAgainst: p.votesAgainst,
              note: p.note,
              addedByObjectionId: p.addedByObjectionId,
              facts: p.facts ? (p.facts as unknown as Prisma.InputJsonValue) : undefined,
              evidence: p.evidence ? (p.evidence as unknown as Prisma.InputJsonValue) : undefined,
              overrideReason: p.override?.reason,
            })),
          });
          // Entry candidates (a county verification's MISSED_POOR households) this list proposes are used.
          await markCandidatesProposed(tx, t.roundId, t.newProposals);
        }
        for (const s of t.proposalStatus ?? []) {
          if (s.ids.length === 0) continue;
          await tx.proposal.updateMany({
            where: { id: { in: s.ids }, roundId: t.roundId },
            data: { status: s.status, statusReason: s.reason },
          });
        }
        if (t.amendProposal) {
          const { proposalId, category, cause } = t.amendProposal;
          await tx.proposal.update({ where: { id: proposalId }, data: { category, cause } });
        }
        if (t.newObjection) {
          const o = t.newObjection;
          await tx.objection.create({
            data: {
              id: o.id,
              roundId: t.roundId,
              noticeVersion: o.noticeVersion,
              proposalId: o.proposalId,
              objectorName: o.objectorName,
              objectorContact: o.objectorContact,
              reason: o.reason,
              filedById: t.decision.actor!.id,
              filedAt: at,
            },
          });
        }
        if (t.resolveObjection) {
          const r = t.resolveObjection;
          await tx.objection.update({
            where: { id: r.id },
            data: {
              status: r.status,
              resolutionNote: r.note,
              withdrewProposal: r.withdrewProposal,
              amendedProposalId: r.amendedProposalId,
              addedProposalId: r.addedProposalId,
              resolvedById: t.decision.actor?.id,
              resolvedAt: at,
            },
          });
        }
        if (t.applyRegistry) await applyToRegistry(tx, t, at);
        if (t.notice) await publishNotice(tx, t, at);
        if (t.round) {
          const r = t.round;
          await tx.round.update({
            where: { id: t.roundId },
            data: {
              stage: r.stage,
              status: r.status,
              stageEnteredAt: r.stageEnteredAt ? new Date(r.stageEnteredAt) : undefined,
              stageDeadline: date(r.stageDeadline),
              publicityEndsAt: date(r.publicityEndsAt),
              overdueSince: date(r.overdueSince),
              countySample: r.countySample,
              ...(r.status && r.status !== 'OPEN' ? { openVillageCode: null, finishedAt: at } : {}),
            },
          });
        }
        return { applied: true };
      },
      { timeout: 30_000, maxWait: 10_000 },
    );
  }

  async function createRound(tx: Tx, t: Transition) {
    const input = t.create!;
    const existing = await tx.round.findUnique({ where: { id: input.roundId }, select: { id: true } });
    if (existing) return;
    const open = await tx.round.findUnique({ where: { openVillageCode: input.villageCode }, select: { id: true } });
    if (open) {
      throw ApplicationFailure.create({
        type: 'DuplicateOpenRound',
        nonRetryable: true,
        message: `Village ${input.villageCode} already has an open round ${open.id}.`,
      });
    }
    await tx.round.create({
      data: {
        id: input.roundId,
        villageCode: input.villageCode,
        townshipCode: input.townshipCode,
        roundNo: input.roundNo,
        campaignId: input.campaignId,
        stage: 'VILLAGE_ASSESSMENT',
        status: 'OPEN',
        openVillageCode: input.villageCode,
        policy: input.policy as unknown as Prisma.InputJsonValue,
        stageEnteredAt: new Date(t.at),
        startedById: input.startedBy.id,
        startedAt: new Date(t.at),
        rulesVersion: input.rules?.version ?? null,
      },
    });
  }

  async function publishNotice(tx: Tx, t: Transition, at: Date) {
    const n = t.notice!;
    // The round's place names in one statement instead of four (a round publishes three notices or more).
    const [place] = await tx.$queryRaw<
      { villageCode: string; villageName: string; townshipName: string; countyName: string }[]
    >`
      SELECT r."villageCode", v."name" AS "villageName", tw."name" AS "townshipName", c."name" AS "countyName"
      FROM "Round" r
      JOIN "Village" v ON v."code" = r."villageCode"
      JOIN "Township" tw ON tw."code" = v."townshipCode"
      JOIN "County" c ON c."code" = tw."countyCode"
      WHERE r."id" = ${t.roundId}`;
    if (!place) throw new Error(`Round ${t.roundId} is not recorded.`);
    const proposals = await tx.proposal.findMany({ where: { id: { in: n.proposalIds } } });
    const householdIds = proposals.map((p) => p.householdId).filter((id): id is string => id !== null);
    const households = new Map(
      (await tx.household.findMany({ where: { id: { in: householdIds } } })).map((h) => [h.id, h]),
    );
    const order = new Map(n.proposalIds.map((id, i) => [id, i]));
    proposals.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
    const items: NoticeItem[] = proposals.map((p, i) => {
      const h = p.householdId ? households.get(p.householdId) : undefined;
      const fresh = p.newHousehold as unknown as NewHousehold | null;
      return {
        no: i + 1,
        proposalId: p.id,
        action: p.action,
        headName: h?.headName ?? fresh?.headName ?? '',
        idNumberMasked: maskIdNumber(h?.idNumber ?? fresh?.idNumber ?? ''),
        size: h?.size ?? fresh?.size ?? 0,
        category: p.category ?? h?.category ?? undefined,
        cause: p.cause ?? undefined,
        entryReason: p.entryReason ?? undefined,
        exitReason: p.exitReason ?? undefined,
      };
    });
    const content: NoticeContent = {
      kind: n.kind,
      version: n.version,
      roundId: t.roundId,
      countyName: place.countyName,
      townshipName: place.townshipName,
      villageName: place.villageName,
      villageCode: place.villageCode,
      startsAt: n.startsAt,
      endsAt: n.endsAt,
      publishedAt: at.toISOString(),
      items,
    };
    await tx.notice.create({
      data: {
        roundId: t.roundId,
        version: n.version,
        kind: n.kind,
        content: content as unknown as Prisma.InputJsonValue,
        html: renderNoticeHtml(content),
        startsAt: new Date(n.startsAt),
        endsAt: n.endsAt ? new Date(n.endsAt) : null,
        publishedAt: at,
      },
    });
  }

  async function applyToRegistry(tx: Tx, t: Transition, at: Date) {
    const ids = t.applyRegistry!.proposalIds;
    if (ids.length === 0) return;
    const round = await tx.round.findUniqueOrThrow({ where: { id: t.roundId }, select: { villageCode: true } });
    const proposals = await tx.proposal.findMany({ where: { id: { in: ids } }, orderBy: { id: 'asc' } });
    let nextNo = (await tx.household.count({ where: { villageCode: round.villageCode } })) + 1;
    for (const p of proposals) {
      let householdId = p.householdId;
      const before = householdId ? await tx.household.findUniqueOrThrow({ where: { id: householdId } }) : null;
      if (p.action === 'ENTER') {
        const data = {
          status: 'REGISTERED' as const,
          category: p.category,
          cause: p.cause,
          entryReason: p.entryReason,
          registeredOn: at,
          exitReason: null,
          exitedOn: null,
        };
        if (before) {
          await tx.household.update({ where: { id: before.id }, data });
        } else {
          const fresh = p.newHousehold as unknown as NewHousehold;
          let registryNo = `${round.villageCode}-${String(nextNo++).padStart(4, '0')}`;
          while (await tx.household.findUnique({ where: { registryNo }, select: { id: true } })) {
            registryNo = `${round.villageCode}-${String(nextNo++).padStart(4, '0')}`;
          }
          const created = await tx.household.create({
            data: {
              ...data,
              registryNo,
              villageCode: round.villageCode,
              headName: fresh.headName,
              idNumber: fresh.idNumber,
              size: fresh.size,
            },
          });
          householdId = created.id;
          // The facts the proposal carried become the new household's own, recorded as the round's doing.
          const facts = p.facts as unknown as HouseholdFacts | null;
          if (facts) {
            await writeFacts(tx, created.id, facts, {
              id: t.decision.actor?.id,
              // The announcement period ends by the clock: the round itself is the author then.
              name: t.decision.actor?.name ?? t.roundId,
              source: 'ROUND',
              at,
            });
          }
        }
      } else if (p.action === 'EXIT') {
        await tx.household.update({
          where: { id: householdId! },
          data: { status: 'EXITED', exitReason: p.exitReason, exitedOn: at },
        });
      } else {
        await tx.household.update({ where: { id: householdId! }, data: { category: p.category } });
      }
      await tx.registryChange.create({
        data: {
          householdId: householdId!,
          roundId: t.roundId,
          proposalId: p.id,
          source: 'ROUND',
          action: p.action,
          fromStatus: before?.status ?? null,
          toStatus: p.action === 'EXIT' ? 'EXITED' : p.action === 'ENTER' ? 'REGISTERED' : before!.status,
          fromCategory: before?.category ?? null,
          toCategory: p.action === 'EXIT' ? (before?.category ?? null) : p.category,
          cause: p.cause,
          entryReason: p.entryReason,
          exitReason: p.exitReason,
          decidedById: t.decision.actor?.id,
          at,
        },
      });
      if (!p.householdId) await tx.proposal.update({ where: { id: p.id }, data: { householdId } });
    }
  }

  return { applyTransition };
}
