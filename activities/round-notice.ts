// A round's notice (公示/公告): its list frozen as published, with masked ID numbers, written by the step that
// publishes it (activities/rounds.ts applyTransition) with the step's other writes.
import { Prisma, type Sql } from '../infra/db';
import { json, utc, type Write } from '../infra/sql';
import { maskIdNumber } from '../domain/idNumber';
import { renderNoticeHtml, type NoticeContent, type NoticeItem } from '../domain/notice';
import type { NewHousehold, ProposalRecord, Transition } from '../domain/round';

interface ListedProposal {
  id: string;
  action: NoticeItem['action'];
  newHousehold: NewHousehold | null;
  category: NoticeItem['category'] | null;
  cause: NoticeItem['cause'] | null;
  entryReason: NoticeItem['entryReason'] | null;
  exitReason: NoticeItem['exitReason'] | null;
  /** The registered household's, when the proposal names one that is recorded. */
  headName: string | null;
  idNumber: string | null;
  size: number | null;
  householdCategory: NoticeItem['category'] | null;
}

/**
 * Reads what the notice lists and returns its insert, for the step to run with its other writes. The read may come
 * before the step's other writes or after them: the list is the proposals as the step leaves them, those recorded
 * with the step's own new ones (t.newProposals, read from the step where not yet recorded) and its amendment laid
 * over them, as its writes will (a recorded proposal is kept as it is: insertProposals skips it).
 */
export async function publishNotice(sql: Sql, t: Transition, at: Date): Promise<Write> {
  const n = t.notice!;
  const fresh = new Map((t.newProposals ?? []).map((p) => [p.id, p]));
  const freshHouseholds = [...fresh.values()].flatMap((p) => (p.householdId ? [p.householdId] : []));
  // One statement: the round's place names, the listed proposals recorded, and the households the step's own name.
  const [place] = await sql.query<{
    villageCode: string;
    villageName: string;
    townshipName: string;
    countyName: string;
    proposals: ListedProposal[];
    households: { id: string; headName: string; idNumber: string; size: number; category: string | null }[];
  }>(Prisma.sql`
    SELECT r."villageCode", v."name" AS "villageName", tw."name" AS "townshipName", c."name" AS "countyName",
      (SELECT coalesce(json_agg(json_build_object(
                'id', p."id", 'action', p."action", 'newHousehold', p."newHousehold", 'category', p."category",
                'cause', p."cause", 'entryReason', p."entryReason", 'exitReason', p."exitReason",
                'headName', h."headName", 'idNumber', h."idNumber", 'size', h."size",
                'householdCategory', h."category")), '[]')
         FROM "Proposal" p LEFT JOIN "Household" h ON h."id" = p."householdId"
         WHERE p."id" = ANY(${n.proposalIds}::uuid[])) AS "proposals",
      (SELECT coalesce(json_agg(json_build_object('id', h."id", 'headName', h."headName", 'idNumber', h."idNumber",
                'size', h."size", 'category', h."category")), '[]')
         FROM "Household" h WHERE h."id" = ANY(${freshHouseholds}::uuid[])) AS "households"
    FROM "Round" r
    JOIN "Village" v ON v."code" = r."villageCode"
    JOIN "Township" tw ON tw."code" = v."townshipCode"
    JOIN "County" c ON c."code" = tw."countyCode"
    WHERE r."id" = ${t.roundId}`);
  if (!place) throw new Error(`Round ${t.roundId} is not recorded.`);
  const recorded = new Map(place.proposals.map((p) => [p.id, p]));
  const households = new Map(place.households.map((h) => [h.id, h]));
  const amend = t.amendProposal;
  const proposals = n.proposalIds.flatMap((id): ListedProposal[] => {
    const p = recorded.get(id) ?? listed(fresh.get(id), households);
    if (!p) return [];
    if (amend?.proposalId !== id) return [p];
    return [{ ...p, category: amend.category ?? p.category, cause: amend.cause ?? p.cause }];
  });
  const items: NoticeItem[] = proposals.map((p, i) => {
    const fresh = p.newHousehold;
    return {
      no: i + 1,
      proposalId: p.id,
      action: p.action,
      headName: p.headName ?? fresh?.headName ?? '',
      idNumberMasked: maskIdNumber(p.idNumber ?? fresh?.idNumber ?? ''),
      size: p.size ?? fresh?.size ?? 0,
      category: p.category ?? p.householdCategory ?? undefined,
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
  return {
    statement: Prisma.sql`
    INSERT INTO "Notice" ("id", "roundId", "version", "kind", "content", "html", "startsAt", "endsAt", "publishedAt")
    VALUES (gen_random_uuid(), ${t.roundId}, ${n.version}::int, ${n.kind}::"NoticeKind", ${json(content)}::jsonb,
            ${renderNoticeHtml(content)}, ${utc(n.startsAt)}::timestamp(3),
            ${n.endsAt ? utc(n.endsAt) : null}::timestamp(3), ${utc(at)}::timestamp(3))`,
    rows: [`Notice:${t.roundId}:${n.version}`],
  };
}

/** A proposal of the step not yet recorded, as the notice's read gives one recorded. */
function listed(
  p: ProposalRecord | undefined,
  households: Map<string, { headName: string; idNumber: string; size: number; category: string | null }>,
): ListedProposal | undefined {
  if (!p) return undefined;
  const h = p.householdId ? households.get(p.householdId) : undefined;
  return {
    id: p.id,
    action: p.action,
    newHousehold: p.household ?? null,
    category: p.category ?? null,
    cause: p.cause ?? null,
    entryReason: p.entryReason ?? null,
    exitReason: p.exitReason ?? null,
    headName: h?.headName ?? null,
    idNumber: h?.idNumber ?? null,
    size: h?.size ?? null,
    householdCategory: (h?.category ?? null) as ListedProposal['householdCategory'],
  };
}
