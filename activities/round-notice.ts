// A round's notice (公示/公告): its list frozen as published, with masked ID numbers, written by the step that
// publishes it (activities/rounds.ts applyTransition) in the step's transaction.
import { Prisma, type Sql } from '../infra/db';
import { json, utc, type Write } from '../infra/sql';
import { maskIdNumber } from '../domain/idNumber';
import { renderNoticeHtml, type NoticeContent, type NoticeItem } from '../domain/notice';
import type { NewHousehold, Transition } from '../domain/round';

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

/** Reads what the notice lists and returns its insert, for the step to run with its other writes. */
export async function publishNotice(sql: Sql, t: Transition, at: Date): Promise<Write> {
  const n = t.notice!;
  // The round's place names and the listed proposals in one statement (a round publishes three notices or more).
  const [place] = await sql.query<{
    villageCode: string;
    villageName: string;
    townshipName: string;
    countyName: string;
    proposals: ListedProposal[];
  }>(Prisma.sql`
    SELECT r."villageCode", v."name" AS "villageName", tw."name" AS "townshipName", c."name" AS "countyName",
      (SELECT coalesce(json_agg(json_build_object(
                'id', p."id", 'action', p."action", 'newHousehold', p."newHousehold", 'category', p."category",
                'cause', p."cause", 'entryReason', p."entryReason", 'exitReason', p."exitReason",
                'headName', h."headName", 'idNumber', h."idNumber", 'size', h."size",
                'householdCategory', h."category")), '[]')
         FROM "Proposal" p LEFT JOIN "Household" h ON h."id" = p."householdId"
         WHERE p."id" = ANY(${n.proposalIds}::uuid[])) AS "proposals"
    FROM "Round" r
    JOIN "Village" v ON v."code" = r."villageCode"
    JOIN "Township" tw ON tw."code" = v."townshipCode"
    JOIN "County" c ON c."code" = tw."countyCode"
    WHERE r."id" = ${t.roundId}`);
  if (!place) throw new Error(`Round ${t.roundId} is not recorded.`);
  const { proposals } = place;
  const order = new Map(n.proposalIds.map((id, i) => [id, i]));
  proposals.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
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
