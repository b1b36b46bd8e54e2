// A round's row, read raw: every decision and every round page reads it first (loadRound), so it skips Prisma's
// query interpreter and mapping (bench:campaign, issue 16). Same shape as prisma.round.findUnique gives.
import { Prisma, rawQuery, type PrismaClient, type Round } from './db';

/** A proposal of a round's current list (still PROPOSED), as the checks of a decision read it. */
export interface ListedProposal {
  id: string;
  action: string;
  householdId: string | null;
  newHousehold: unknown;
}

export async function findRound(prisma: PrismaClient, id: string): Promise<Round | undefined>;
/** With `list`: the round's current list too, read in the same statement (a township's approval checks it). */
export async function findRound(
  prisma: PrismaClient,
  id: string,
  list: 'list',
): Promise<(Round & { currentList: ListedProposal[] }) | undefined>;
export async function findRound(prisma: PrismaClient, id: string, list?: 'list') {
  const currentList = list
    ? Prisma.sql`, (SELECT coalesce(json_agg(json_build_object('id', p."id"::text, 'action', p."action"::text,
                                                   'householdId', p."householdId"::text,
                                                   'newHousehold', p."newHousehold")), '[]'::json)
                    FROM "Proposal" p WHERE p."roundId" = r."id" AND p."status" = 'PROPOSED') AS "currentList"`
    : Prisma.empty;
  const [round] = await rawQuery<Round>(
    prisma,
    Prisma.sql`SELECT "id", "villageCode", "townshipCode", "roundNo", "campaignId", "stage"::text AS "stage",
                      "status"::text AS "status", "openVillageCode", "policy", "stageEnteredAt", "stageDeadline",
                      "publicityEndsAt", "overdueSince", "countySample", "rulesVersion",
                      "startedById"::text AS "startedById", "startedAt", "finishedAt", "updatedAt"${currentList}
               FROM "Round" r WHERE "id" = ${id}`,
    { prepared: true },
  );
  return round;
}
