// The statements of the two busiest lists, GET /rounds and GET /households, as raw parameterised SQL read through
// the client's own pool (infra/db.ts rawQuery): the same filters, order and page as the Prisma queries they replace,
// without Prisma's query building and result mapping (docs/BENCHMARKS.md, bench:reads). Jurisdiction is the same
// code range as everywhere (api/scope.ts sqlCodesWithin); every value is a parameter.
import type { Category, HouseholdStatus, RoundStatus, Stage } from '../../domain/enums';
import { Prisma } from '../../infra/db';
import type { Official } from '../official';
import { sqlCodesWithin } from '../scope';

const and = (parts: Prisma.Sql[]) => Prisma.join(parts, ' AND ');

export interface RoundListFilter {
  village?: string;
  township?: string;
  stage?: Stage;
  status?: RoundStatus;
  limit: number;
}

export interface RoundListRow {
  id: string;
  villageCode: string;
  villageName: string;
  townshipCode: string;
  roundNo: number;
  campaignId: string | null;
  stage: Stage;
  status: RoundStatus;
  stageDeadline: Date | null;
  publicityEndsAt: Date | null;
  overdueSince: Date | null;
  startedAt: Date;
  finishedAt: Date | null;
}

/** A page of rounds in the caller's jurisdiction by round id, one more than `limit` to tell whether more follow. */
export function roundListQuery(o: Official, q: RoundListFilter, after: string | undefined): Prisma.Sql {
  const where = [
    sqlCodesWithin(Prisma.sql`r."villageCode"`, o.scopeCode),
    ...(q.village ? [Prisma.sql`r."villageCode" = ${q.village}`] : []),
    ...(q.township ? [Prisma.sql`r."townshipCode" = ${q.township}`] : []),
    ...(q.stage ? [Prisma.sql`r."stage" = ${q.stage}::"RoundStage"`] : []),
    ...(q.status ? [Prisma.sql`r."status" = ${q.status}::"RoundStatus"`] : []),
    ...(after ? [Prisma.sql`r."id" > ${after}`] : []),
  ];
  return Prisma.sql`SELECT r."id", r."villageCode", v."name" AS "villageName", r."townshipCode", r."roundNo",
      r."campaignId", r."stage"::text AS "stage", r."status"::text AS "status", r."stageDeadline", r."publicityEndsAt",
      r."overdueSince", r."startedAt", r."finishedAt"
    FROM "Round" r JOIN "Village" v ON v."code" = r."villageCode"
    WHERE ${and(where)}
    ORDER BY r."id" LIMIT ${q.limit + 1}`;
}

export interface HouseholdListFilter {
  village?: string;
  status?: HouseholdStatus;
  category?: Category;
  limit: number;
}

/** A page of households village by village, then by registry number (the (villageCode, registryNo) index). */
export function householdListQuery(
  o: Official,
  q: HouseholdListFilter,
  after: { villageCode: string; registryNo: string } | undefined,
): Prisma.Sql {
  const where = [
    q.village ? Prisma.sql`h."villageCode" = ${q.village}` : sqlCodesWithin(Prisma.sql`h."villageCode"`, o.scopeCode),
    ...(q.status ? [Prisma.sql`h."status" = ${q.status}::"HouseholdStatus"`] : []),
    ...(q.category ? [Prisma.sql`h."category" = ${q.category}::"HouseholdCategory"`] : []),
    ...(after ? [Prisma.sql`(h."villageCode", h."registryNo") > (${after.villageCode}, ${after.registryNo})`] : []),
  ];
  return Prisma.sql`SELECT h."id"::text AS "id", h."registryNo", h."villageCode", h."headName", h."idNumber", h."phone",
      h."size", h."category"::text AS "category", h."status"::text AS "status", h."cause"::text AS "cause",
      h."entryReason"::text AS "entryReason", h."exitReason"::text AS "exitReason", h."registeredOn", h."exitedOn"
    FROM "Household" h
    WHERE ${and(where)}
    ORDER BY h."villageCode", h."registryNo" LIMIT ${q.limit + 1}`;
}
